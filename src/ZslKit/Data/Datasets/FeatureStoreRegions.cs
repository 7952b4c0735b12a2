// FeatureStoreRegions.cs - a real multi-label zero-shot dataset read from two feature stores (train/ and test/) of region
// features, e.g. NUS-WIDE VGG-19 conv5_4 maps [196, 512] converted from the LESA release's TFRecords (TfRecordImport) or
// written by `zsl extract`. Store label columns are mapped onto the semantics' order (seen labels, then unseen); the first
// ValidationImages training items are the validation split, not shuffled, as the LESA scripts (Huynh & Elhamifar, CVPR
// 2020, Sec. 5.1: the first 5,000 NUS-WIDE training images). Open Images: the official script reads a separate validation
// TFRecord, so a third store (validation/) is the validation split when present (OpenOpenImages).
using System.Security.Cryptography;
using System.Text;
using ZslKit.Data.FeatureStore;
using ZslKit.Data.Synthetic;
using Semantics = ZslKit.Data.Synthetic.LabelSemantics;

namespace ZslKit.Data.Datasets;

public sealed class FeatureStoreRegions : IMultiLabelRegions, IDisposable
{
    /// <summary>The LESA scripts' NUS-WIDE validation split: the first 5,000 training images.</summary>
    public const int NusWideValidationImages = 5000;

    /// <summary>Open Images v4 sizes: 7,186 trainable (seen) labels, 2,594 unseen candidates, 400 unseen labels used.</summary>
    public const int OpenImagesSeen = 7186, OpenImagesCandidates = 2594, OpenImagesUnseen = 400;

    private readonly FeatureStore.FeatureStore _train, _test;
    private readonly FeatureStore.FeatureStore? _validationStore;
    private readonly int[] _trainColumns, _testColumns, _validationColumns;
    private readonly int _validation;

    /// <param name="train">Training items (labels must cover the seen labels).</param>
    /// <param name="test">Test items (labels must cover every label).</param>
    /// <param name="semantics">Label vectors, seen first.</param>
    /// <param name="trainColumns">For each seen label (semantics order), its column in the train store's labels.</param>
    /// <param name="testColumns">For each label (semantics order), its column in the test store's labels.</param>
    /// <param name="validationImages">The first this many training items form the validation split.</param>
    /// <param name="name">Dataset name for descriptions ("NUS-WIDE").</param>
    /// <param name="validation">A separate validation store (then <paramref name="validationImages"/> must be 0); null: the
    /// first <paramref name="validationImages"/> training items.</param>
    /// <param name="validationColumns">For each seen label, its column in the validation store (null: <paramref name="trainColumns"/>).</param>
    public FeatureStoreRegions(FeatureStore.FeatureStore train, FeatureStore.FeatureStore test, Semantics semantics,
        int[] trainColumns, int[] testColumns, int validationImages, string name,
        FeatureStore.FeatureStore? validation = null, int[]? validationColumns = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(semantics);
        ArgumentNullException.ThrowIfNull(trainColumns);
        ArgumentNullException.ThrowIfNull(testColumns);
        var shape = train.Index.ItemShape;
        if (!shape.SequenceEqual(test.Index.ItemShape))
            throw new DataFormatException(test.Folder, -1, $"item shape [{string.Join(", ", test.Index.ItemShape)}] differs from the train store's [{string.Join(", ", shape)}]");
        (GridHeight, GridWidth, FeatureDim) = Grid(shape, train.Folder);
        if (trainColumns.Length != semantics.SeenCount)
            throw new ArgumentException($"trainColumns maps {trainColumns.Length} labels; the semantics have {semantics.SeenCount} seen labels", nameof(trainColumns));
        if (testColumns.Length != semantics.Count)
            throw new ArgumentException($"testColumns maps {testColumns.Length} labels; the semantics have {semantics.Count}", nameof(testColumns));
        CheckColumns(trainColumns, train);
        CheckColumns(testColumns, test);
        if (validation is null)
        {
            if (validationImages < 0 || validationImages >= train.Count)
                throw new ArgumentOutOfRangeException(nameof(validationImages), validationImages, $"must leave training items (the train store has {train.Count})");
            if (validationColumns is not null) throw new ArgumentException("validationColumns given without a validation store", nameof(validationColumns));
        }
        else
        {
            if (validationImages != 0)
                throw new ArgumentOutOfRangeException(nameof(validationImages), validationImages, "must be 0 when a separate validation store is given");
            if (!shape.SequenceEqual(validation.Index.ItemShape))
                throw new DataFormatException(validation.Folder, -1, $"item shape [{string.Join(", ", validation.Index.ItemShape)}] differs from the train store's [{string.Join(", ", shape)}]");
            if (validation.Count == 0) throw new DataFormatException(validation.Folder, -1, "the validation store holds no items");
            validationColumns ??= trainColumns;
            if (validationColumns.Length != semantics.SeenCount)
                throw new ArgumentException($"validationColumns maps {validationColumns.Length} labels; the semantics have {semantics.SeenCount} seen labels", nameof(validationColumns));
            CheckColumns(validationColumns, validation);
        }
        (_train, _test, Semantics, _trainColumns, _testColumns, _validation, Name) = (train, test, semantics, trainColumns, testColumns, validationImages, name);
        (_validationStore, _validationColumns) = (validation, validationColumns ?? trainColumns);
        var text = new StringBuilder("ZslKit.FeatureStoreRegions/v1\n")
            .AppendLine(File.ReadAllText(Path.Combine(train.Folder, FeatureStoreIndex.FileName)))
            .AppendLine(File.ReadAllText(Path.Combine(test.Folder, FeatureStoreIndex.FileName)))
            .AppendLine(semantics.Source).AppendLine(string.Join(",", trainColumns)).AppendLine(string.Join(",", testColumns))
            .AppendLine(validationImages.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (validation is not null)   // absent for NUS-WIDE, so existing fingerprints are unchanged
            text.AppendLine(File.ReadAllText(Path.Combine(validation.Folder, FeatureStoreIndex.FileName))).AppendLine(string.Join(",", _validationColumns));
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// NUS-WIDE for multi-label ZSL from <paramref name="featuresDir"/>/train and /test and the semantics (925 seen tags,
    /// 81 unseen concepts). Accepted label layouts per store: 925 (seen tags in semantics order; train only), 1,006 (seen
    /// then the 81 concepts) or 1,081 (TagList1k's 1,000 tags in file order, then the 81 concepts: the seen tags are
    /// selected with <paramref name="seenTagRows"/>, i.e. <see cref="NusWideLabels.SeenTagRows"/>).
    /// </summary>
    public static FeatureStoreRegions OpenNusWide(string featuresDir, Semantics semantics, int[] seenTagRows,
        int validationImages = NusWideValidationImages)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        ArgumentNullException.ThrowIfNull(seenTagRows);
        var train = OpenStore(Path.Combine(featuresDir, "train"));
        FeatureStore.FeatureStore? test = null;
        try
        {
            test = OpenStore(Path.Combine(featuresDir, "test"));
            int s = semantics.SeenCount, u = semantics.UnseenCount;
            int[] Columns(FeatureStore.FeatureStore store, bool needUnseen)
            {
                int n = store.LabelCount;
                if (n == s && !needUnseen) return Enumerable.Range(0, s).ToArray();
                if (n == s + u) return Enumerable.Range(0, needUnseen ? s + u : s).ToArray();
                if (n == 1000 + u && seenTagRows.Length == s)
                    return [.. seenTagRows, .. needUnseen ? Enumerable.Range(1000, u) : []];
                throw new DataFormatException(store.Folder, -1, $"{n} label columns; expected {(needUnseen ? "" : $"{s}, ")}{s + u} " +
                    $"(seen then unseen) or {1000 + u} (TagList1k then the {u} concepts)");
            }
            return new FeatureStoreRegions(train, test, semantics, Columns(train, false), Columns(test, true), validationImages, "NUS-WIDE");
        }
        catch
        {
            train.Dispose();
            test?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Open Images v4 for multi-label ZSL from <paramref name="featuresDir"/>/train, /test and, when present, /validation (the
    /// official OpenImage script reads a separate validation TFRecord; without that folder the first
    /// <paramref name="validationImages"/> training items are used). Semantics: 7,186 seen then 400 unseen labels.
    /// Accepted label layouts: train and validation 7,186 (seen, classes-trainable.txt order) or 7,586 (seen then the 400
    /// unseen); test 7,586, or 9,780 = 7,186 seen then all 2,594 candidates of unseen_labels.txt (the official test
    /// records' seen_label + unseen_label), from which <paramref name="unseenRows"/> (top_400_unseen.csv) picks the unseen.
    /// </summary>
    public static FeatureStoreRegions OpenOpenImages(string featuresDir, Semantics semantics, int[] unseenRows, int validationImages)
    {
        ArgumentNullException.ThrowIfNull(semantics);
        ArgumentNullException.ThrowIfNull(unseenRows);
        int s = semantics.SeenCount, u = semantics.UnseenCount;
        if (unseenRows.Length != u)
            throw new ArgumentException($"unseenRows holds {unseenRows.Length} rows; the semantics have {u} unseen labels", nameof(unseenRows));
        var validationDir = Path.Combine(featuresDir, "validation");
        var opened = new List<FeatureStore.FeatureStore>();
        try
        {
            var train = OpenStore(Path.Combine(featuresDir, "train"));
            opened.Add(train);
            var test = OpenStore(Path.Combine(featuresDir, "test"));
            opened.Add(test);
            FeatureStore.FeatureStore? validation = null;
            if (Directory.Exists(validationDir)) opened.Add(validation = OpenStore(validationDir));
            int[] SeenColumns(FeatureStore.FeatureStore store)
            {
                if (store.LabelCount == s || store.LabelCount == s + u) return Enumerable.Range(0, s).ToArray();
                throw new DataFormatException(store.Folder, -1, $"{store.LabelCount} label columns; expected {s} (seen) or {s + u} (seen then unseen)");
            }
            int[] TestColumns(FeatureStore.FeatureStore store)
            {
                int n = store.LabelCount;
                if (n == s + u) return Enumerable.Range(0, s + u).ToArray();
                if (n == s + OpenImagesCandidates)
                {
                    foreach (var r in unseenRows)
                        if ((uint)r >= OpenImagesCandidates)
                            throw new ArgumentOutOfRangeException(nameof(unseenRows), r, $"unseen row outside the {OpenImagesCandidates} candidates");
                    return [.. Enumerable.Range(0, s), .. unseenRows.Select(r => s + r)];
                }
                throw new DataFormatException(store.Folder, -1, $"{n} label columns; expected {s + u} (seen then unseen) or " +
                    $"{s + OpenImagesCandidates} (seen then the {OpenImagesCandidates} unseen candidates)");
            }
            return new FeatureStoreRegions(train, test, semantics, SeenColumns(train), TestColumns(test),
                validation is null ? validationImages : 0, "Open Images v4", validation, validation is null ? null : SeenColumns(validation));
        }
        catch
        {
            foreach (var store in opened) store.Dispose();
            throw;
        }
    }

    private static FeatureStore.FeatureStore OpenStore(string folder)
    {
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"feature store {folder} not found (convert the LESA TFRecords with TfRecordImport, " +
                "or extract region features with `zsl extract` and build the split stores with `zsl data lesa-stores`; docs/data.md)");
        return FeatureStore.FeatureStore.Open(folder);
    }

    public string Name { get; }
    public Semantics Semantics { get; }
    public string Fingerprint { get; }
    public int GridHeight { get; }
    public int GridWidth { get; }
    public int FeatureDim { get; }
    public int RegionCount => GridHeight * GridWidth;
    public int ImageLength => RegionCount * FeatureDim;
    public int SeenCount => Semantics.SeenCount;
    public int UnseenCount => Semantics.UnseenCount;

    public string Description =>
        $"{Name} region features ({Semantics.Source}; {SeenCount} seen / {UnseenCount} unseen labels, {ImageCount(MultiLabelSplit.Train)} train + " +
        $"{ImageCount(MultiLabelSplit.Validation)} validation ({(_validationStore is null ? "the first training items" : "store " + _validationStore.Folder)}) + {_test.Count} test images, {GridHeight}x{GridWidth}x{FeatureDim}; " +
        $"stores {_train.Folder}, {_test.Folder})";

    public int ImageCount(MultiLabelSplit split) => split switch
    {
        MultiLabelSplit.Train => (int)_train.Count - _validation,
        MultiLabelSplit.Validation => _validationStore is null ? _validation : (int)_validationStore.Count,
        MultiLabelSplit.Test => (int)_test.Count,
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };

    public int LabelCount(MultiLabelSplit split) => split switch
    {
        MultiLabelSplit.Train or MultiLabelSplit.Validation => SeenCount,
        MultiLabelSplit.Test => Semantics.Count,
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown split (Train, Validation or Test)"),
    };

    public void GetRegionBatch(MultiLabelSplit split, ReadOnlySpan<int> indices, Span<float> dest)
    {
        if (dest.Length < indices.Length * ImageLength)
            throw new ArgumentException($"destination holds {dest.Length} floats; {indices.Length} images need {indices.Length * ImageLength}", nameof(dest));
        var (store, offset) = Source(split);
        var items = new long[indices.Length];
        for (int b = 0; b < indices.Length; b++) items[b] = Item(split, indices[b], offset);   // index errors before any copy
        store.ThrowIfDisposed("FeatureStoreRegions.GetRegionBatch");                         // not wrapped by Parallel.For
        if (items.Length < 2 || Environment.ProcessorCount < 2)
        {
            for (int b = 0; b < items.Length; b++) store.ReadItem(items[b], dest.Slice(b * ImageLength, ImageLength));
            return;
        }
        // Images in parallel: each is a read from the mapped file plus an fp16 -> float conversion (the host side of a
        // training batch; one thread managed ~450 M elements/s, which bounded a Trainer epoch on an H200). The mapped
        // store is read-only, every image has its own destination slice, so the result does not depend on scheduling.
        unsafe
        {
            fixed (float* basePtr = dest)
            {
                var destPtr = (IntPtr)basePtr;
                int length = ImageLength;
                Parallel.For(0, items.Length, b =>
                    store.ReadItem(items[b], new Span<float>((float*)destPtr + (long)b * length, length)));
            }
        }
    }

    public void GetLabelBatch(MultiLabelSplit split, ReadOnlySpan<int> indices, Span<sbyte> dest)
    {
        int count = LabelCount(split);
        if (dest.Length < indices.Length * count)
            throw new ArgumentException($"destination holds {dest.Length} labels; {indices.Length} images need {indices.Length * count}", nameof(dest));
        var (store, offset) = Source(split);
        var columns = split switch
        {
            MultiLabelSplit.Test => _testColumns,
            MultiLabelSplit.Validation => _validationColumns,
            _ => _trainColumns,
        };
        for (int b = 0; b < indices.Length; b++)
            store.CopyLabels(Item(split, indices[b], offset), columns, dest.Slice(b * count, count), "FeatureStoreRegions.GetLabelBatch");
    }

    private (FeatureStore.FeatureStore Store, int Offset) Source(MultiLabelSplit split) => split switch
    {
        MultiLabelSplit.Train => (_train, _validation),
        MultiLabelSplit.Validation => (_validationStore ?? _train, 0),
        MultiLabelSplit.Test => (_test, 0),
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };

    private long Item(MultiLabelSplit split, int index, int offset)
    {
        if ((uint)index >= (uint)ImageCount(split))
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{split} has {ImageCount(split)} images");
        return (long)index + offset;
    }

    private static (int H, int W, int D) Grid(int[] shape, string folder)
    {
        if (shape.Length == 3) return (shape[0], shape[1], shape[2]);
        if (shape.Length == 2)
        {
            int side = (int)Math.Round(Math.Sqrt(shape[0]));
            if (side * side == shape[0]) return (side, side, shape[1]);
        }
        throw new DataFormatException(folder, -1, $"item shape [{string.Join(", ", shape)}] is not [H, W, D] or [R, D] with R a square number of regions");
    }

    private static void CheckColumns(int[] columns, FeatureStore.FeatureStore store)
    {
        foreach (var c in columns)
            if ((uint)c >= (uint)store.LabelCount)
                throw new DataFormatException(store.Folder, -1, $"label column {c} outside the store's {store.LabelCount} label columns");
    }

    public void Dispose()
    {
        _train.Dispose();
        _test.Dispose();
        _validationStore?.Dispose();
    }
}
