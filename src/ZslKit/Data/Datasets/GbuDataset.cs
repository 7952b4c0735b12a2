// The single-label GBU benchmarks (Xian et al., "Zero-Shot Learning - The Good, the Bad and the Ugly", TPAMI 2018)
// with the "proposed split" of xlsa17: AWA1, AWA2, CUB, SUN, APY, FLO. Reads att_splits.mat (class semantics and
// image splits), optionally res101.mat (ResNet-101 features and labels) and images.csv (per-image files and labels).
using ZslKit.Data.Formats;

namespace ZslKit.Data.Datasets;

/// <summary>0-based image indices (res101.mat order) of the proposed split. Train/Val are null when unknown.</summary>
/// <remarks>Train and Val split trainval ∪ test_seen by class (trainclasses1.txt / valclasses1.txt), as xlsa17 does.</remarks>
public sealed record GbuSplits(int[] Trainval, int[] TestSeen, int[] TestUnseen, int[]? Train, int[]? Val);

/// <summary>Where to read a GBU dataset from; null paths are looked up in <see cref="Folder"/>.</summary>
public sealed record GbuOptions(string Folder)
{
    /// <summary>att_splits.mat (default: Folder/att_splits.mat).</summary>
    public string? AttSplits { get; init; }
    /// <summary>res101.mat with features and labels; read only when it exists (default: Folder/res101.mat).</summary>
    public string? Res101 { get; init; }
    /// <summary>Read the 2048-d features of res101.mat (large); labels and file names are always read when present.</summary>
    public bool LoadFeatures { get; init; } = true;
}

/// <summary>A GBU benchmark: classes, class semantics, splits and (when available) labels, features and image files.</summary>
public sealed class GbuDataset
{
    /// <summary>Dataset name (the folder name, e.g. "AWA2").</summary>
    public required string Name { get; init; }
    /// <summary>Class names in att column order (null for FLO, whose att_splits.mat has none).</summary>
    public string[]? ClassNames { get; init; }
    public required int ClassCount { get; init; }
    /// <summary>Length of a class semantic vector (rows of att: attributes, or 1024 for FLO/sentences).</summary>
    public required int SemanticDim { get; init; }
    /// <summary>Class semantics [ClassCount, SemanticDim] row-major = the columns of att (already L2-normalised by xlsa17).</summary>
    public required float[] ClassSemantics { get; init; }
    /// <summary>original_att [ClassCount, SemanticDim] row-major, or null when the file has none.</summary>
    public float[]? OriginalSemantics { get; init; }
    public required GbuSplits Splits { get; init; }
    /// <summary>Class indices (att column) of trainclasses1.txt / valclasses1.txt, or null.</summary>
    public int[]? TrainClasses { get; init; }
    public int[]? ValClasses { get; init; }
    /// <summary>0-based class index per image (res101.mat labels minus 1, or images.csv), or null.</summary>
    public int[]? Labels { get; init; }
    /// <summary>Image file per image (images.csv, else res101.mat image_files), or null.</summary>
    public string[]? ImageFiles { get; init; }
    /// <summary>Image features [ImageCount, FeatureDim] row-major (res101.mat features transposed), or null.</summary>
    public float[]? Features { get; init; }
    public int FeatureDim { get; init; }

    /// <summary>Number of images (from labels, features or the largest split index).</summary>
    public int ImageCount => Labels?.Length ?? ImageFiles?.Length
        ?? Splits.Trainval.Concat(Splits.TestSeen).Concat(Splits.TestUnseen).DefaultIfEmpty(-1).Max() + 1;

    /// <summary>Distinct classes of a split's images (sorted); needs <see cref="Labels"/>.</summary>
    public int[] ClassesOf(int[] images)
    {
        if (Labels is null) throw new InvalidOperationException($"{Name}: labels unknown (no res101.mat or images.csv)");
        return images.Select(i => Labels[i]).Distinct().Order().ToArray();
    }

    /// <summary>Loads a dataset folder laid out like xlsa17/data/&lt;NAME&gt; (plus the optional class lists and images.csv).</summary>
    public static GbuDataset Load(string folder) => Load(new GbuOptions(folder));

    public static GbuDataset Load(GbuOptions options)
    {
        var folder = options.Folder;
        var attPath = options.AttSplits ?? Path.Combine(folder, "att_splits.mat");
        var mat = MatFile.Read(attPath);

        var att = mat["att"];
        if (att.Dims.Length != 2) throw new DataFormatException(attPath, att.Offset, $"'att' has dims [{string.Join("x", att.Dims)}], expected 2-D");
        int semanticDim = att.Rows, classCount = att.Cols;
        // att is [SemanticDim, ClassCount] column-major, i.e. exactly [ClassCount, SemanticDim] row-major.
        var semantics = att.ToSingleArray();
        float[]? original = null;
        if (mat.TryGet("original_att", out var oa))
        {
            if (oa.Rows != semanticDim || oa.Cols != classCount)
                throw new DataFormatException(attPath, oa.Offset, $"'original_att' dims [{string.Join("x", oa.Dims)}] differ from att [{semanticDim}x{classCount}]");
            original = oa.ToSingleArray();
        }
        string[]? classNames = null;
        if (mat.TryGet("allclasses_names", out var names))
        {
            classNames = names.ToCellStrings();
            if (classNames.Length != classCount)
                throw new DataFormatException(attPath, names.Offset, $"{classNames.Length} class names for {classCount} att columns");
        }

        // Locations are 1-based indices into res101.mat order.
        int[] Loc(string key) => mat[key].ToInt32Array().Select(i => i - 1).ToArray();
        var trainval = Loc("trainval_loc");
        var testSeen = Loc("test_seen_loc");
        var testUnseen = Loc("test_unseen_loc");
        var train = mat.Contains("train_loc") ? Loc("train_loc") : null;
        var val = mat.Contains("val_loc") ? Loc("val_loc") : null;

        // Labels, file names and features.
        int[]? labels = null;
        var labelsSource = "";
        string[]? files = null;
        float[]? features = null;
        var featureDim = 0;
        var resPath = options.Res101 ?? Path.Combine(folder, "res101.mat");
        if (File.Exists(resPath))
        {
            var wanted = new List<string> { "labels", "image_files" };
            if (options.LoadFeatures) wanted.Add("features");
            var res = MatFile.Read(resPath, wanted);
            labels = res["labels"].ToInt32Array().Select(l => l - 1).ToArray();
            labelsSource = resPath;
            if (res.TryGet("image_files", out var imf)) files = imf.ToCellStrings();
            if (res.TryGet("features", out var f))
            {
                // features is [FeatureDim, N] column-major = [N, FeatureDim] row-major.
                featureDim = f.Rows;
                if (f.Cols != labels.Length)
                    throw new DataFormatException(resPath, f.Offset, $"{f.Cols} feature columns for {labels.Length} labels");
                features = f.ToSingleArray();
            }
        }
        var csvPath = Path.Combine(folder, "images.csv");
        if (File.Exists(csvPath))
        {
            var table = Csv.Read(csvPath);
            var csvFiles = table.ColumnValues("image");
            var csvLabels = table.ColumnValues("label").Select((s, i) => ParseIndex(s, csvPath, i)).ToArray();
            var index = table.ColumnValues("index").Select((s, i) => ParseIndex(s, csvPath, i)).ToArray();
            for (var i = 0; i < index.Length; i++)
                if (index[i] != i) throw new DataFormatException(csvPath, -1, $"row {i + 1}: index {index[i]}, expected {i} (rows must be in res101.mat order)");
            if (labels is not null && !labels.SequenceEqual(csvLabels))
                throw new DataFormatException(csvPath, -1, "labels differ from res101.mat labels");
            if (labels is null) { labels = csvLabels; labelsSource = csvPath; }
            files = csvFiles;
        }

        if (labels is not null)
        {
            foreach (var l in labels)
                if (l < 0 || l >= classCount) throw new DataFormatException(labelsSource, -1, $"label {l} (0-based) outside 0..{classCount - 1}");
            foreach (var split in new[] { trainval, testSeen, testUnseen, train ?? [], val ?? [] })
                foreach (var i in split)
                    if (i < 0 || i >= labels.Length) throw new DataFormatException(attPath, -1, $"image index {i} outside 0..{labels.Length - 1}");
        }

        int[]? trainClasses = null, valClasses = null;
        var trainList = Path.Combine(folder, "trainclasses1.txt");
        var valList = Path.Combine(folder, "valclasses1.txt");
        if (classNames is not null && File.Exists(trainList) && File.Exists(valList))
        {
            trainClasses = ClassIndices(TextList.Read(trainList), classNames, trainList);
            valClasses = ClassIndices(TextList.Read(valList), classNames, valList);
            if ((train is null || val is null) && labels is not null)
            {
                // CUB and APY (2019 files) lack train_loc/val_loc.
                var (rebuiltTrain, rebuiltVal) = RebuildTrainVal(trainval, testSeen, labels, trainClasses, valClasses);
                train ??= rebuiltTrain;
                val ??= rebuiltVal;
            }
        }

        return new GbuDataset
        {
            Name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))),
            ClassNames = classNames, ClassCount = classCount, SemanticDim = semanticDim,
            ClassSemantics = semantics, OriginalSemantics = original,
            Splits = new GbuSplits(trainval, testSeen, testUnseen, train, val),
            TrainClasses = trainClasses, ValClasses = valClasses,
            Labels = labels, ImageFiles = files, Features = features, FeatureDim = featureDim,
        };
    }

    /// <summary>
    /// The xlsa17 train/val split: the images of trainval ∪ test_seen whose class is in trainclasses1 (train) or
    /// valclasses1 (val), in ascending image order. Reproduces train_loc/val_loc of the 2018 files as sets.
    /// </summary>
    public static (int[] Train, int[] Val) RebuildTrainVal(int[] trainval, int[] testSeen, int[] labels, int[] trainClasses, int[] valClasses)
    {
        var pool = trainval.Concat(testSeen).Order().ToArray();
        var trainSet = trainClasses.ToHashSet();
        var valSet = valClasses.ToHashSet();
        return (pool.Where(i => trainSet.Contains(labels[i])).ToArray(), pool.Where(i => valSet.Contains(labels[i])).ToArray());
    }

    private static int ParseIndex(string s, string file, int row) =>
        int.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v)
            ? v : throw new DataFormatException(file, -1, $"row {row + 1}: '{s}' is not a non-negative integer");

    private static int[] ClassIndices(string[] listed, string[] classNames, string file) => listed.Select(name =>
    {
        var i = Array.IndexOf(classNames, name);
        return i >= 0 ? i : throw new DataFormatException(file, -1, $"class '{name}' is not among allclasses_names");
    }).ToArray();
}
