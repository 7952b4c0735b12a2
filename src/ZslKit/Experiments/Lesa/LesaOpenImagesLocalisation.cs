// LesaOpenImagesLocalisation.cs - the ground truth of zero-shot localisation on real Open Images v4 (Huynh & Elhamifar,
// "A Shared Multi-Attention Framework for Multi-Label Zero-Shot Learning", CVPR 2020, Sec. 5.4, Table 3 / Figure 5): the
// boxes of test-annotations-bbox.csv (OpenImagesBoxes) of the test feature store's images, mapped onto the feature grid
// (BoxGridMapping: the official features are TF-slim resize-256 / centre-crop-224 framed), keyed by (test image, label) as
// LesaLocalisation.EvaluatePeaks expects. The test store's items are named by a sidecar file item-ids.txt (one Open Images
// ImageID per line, item order; TfRecordImport writes it from the official records' img_id), since feature stores hold
// features and labels only.
using System.Globalization;
using ZslKit.Data;
using ZslKit.Data.Datasets;
using ZslKit.Data.Synthetic;
using ZslKit.Metrics;

namespace ZslKit.Experiments.Lesa;

/// <summary>Where the Open Images boxes come from and how they are put on the grid.</summary>
/// <param name="BoxFile">test-annotations-bbox.csv.</param>
/// <param name="Mapping">Framing of the features (<see cref="BoxGridMapping.LesaRelease"/> for the official TFRecords).</param>
/// <param name="ImageSizesFile">ImageID,Width,Height CSV of the original test images; needed when the mapping crops.</param>
public sealed record OpenImagesBoxSource(string BoxFile, BoxGridMapping Mapping, string? ImageSizesFile = null);

public static class LesaOpenImagesLocalisation
{
    /// <summary>The sidecar of a feature store naming its items: one ImageID per line, in item order.</summary>
    public const string ItemIdsFileName = ZslKit.Data.FeatureStore.TfRecordImport.ItemIdsFileName;

    /// <summary>
    /// The item ids of the feature store in <paramref name="storeFolder"/> (<see cref="ItemIdsFileName"/>); exactly
    /// <paramref name="items"/> non-empty, distinct lines, else a <see cref="DataFormatException"/> naming the file and line.
    /// </summary>
    public static string[] ReadItemIds(string storeFolder, long items)
    {
        ArgumentNullException.ThrowIfNull(storeFolder);
        var path = Path.Combine(storeFolder, ItemIdsFileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} not found: localisation needs the Open Images ImageID of every test item, one per line in " +
                "item order (docs/lesa.md \"Table 3 on real Open Images\")", path);
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var reader = new StreamReader(path);
        long line = 0;
        for (string? text; (text = reader.ReadLine()) is not null;)
        {
            line++;
            var id = text.Trim();
            if (id.Length == 0) throw new DataFormatException(path, -1, $"line {line}: empty ImageID");
            if (!seen.Add(id)) throw new DataFormatException(path, -1, $"line {line}: ImageID '{id}' repeats an earlier line");
            if (ids.Count == items) throw new DataFormatException(path, -1, $"line {line}: more ids than the store's {items} items");
            ids.Add(id);
        }
        if (ids.Count != items) throw new DataFormatException(path, -1, $"{ids.Count} ids for the store's {items} items");
        return [.. ids];
    }

    /// <summary>
    /// Original image sizes from a CSV with header ImageID,Width,Height (pixels); a bad row is a
    /// <see cref="DataFormatException"/> naming the file and line.
    /// </summary>
    public static Dictionary<string, (int Width, int Height)> ReadImageSizes(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"image size file {path} not found (ImageID,Width,Height)", path);
        var sizes = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        using var reader = new StreamReader(path);
        var header = reader.ReadLine();
        if (header?.Trim() != "ImageID,Width,Height") throw new DataFormatException(path, -1, $"line 1: header '{header}' is not 'ImageID,Width,Height'");
        long line = 1;
        for (string? text; (text = reader.ReadLine()) is not null;)
        {
            line++;
            if (text.Trim().Length == 0) continue;
            var parts = text.Trim().Split(',');
            if (parts.Length != 3 || parts[0].Length == 0
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int w) || w < 1
                || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int h) || h < 1)
                throw new DataFormatException(path, -1, $"line {line}: '{text}' is not ImageID,Width,Height with positive integer sizes");
            if (!sizes.TryAdd(parts[0], (w, h))) throw new DataFormatException(path, -1, $"line {line}: ImageID '{parts[0]}' repeats an earlier line");
        }
        return sizes;
    }

    /// <summary>
    /// Boxes per (test image index, label index) in grid coordinates: the rows of <paramref name="boxFile"/> whose ImageID is
    /// one of <paramref name="testImageIds"/> (index = position) and whose LabelName is one of <paramref name="labelIds"/>
    /// (semantics order: seen then unseen), mapped by <paramref name="mapping"/> onto a <paramref name="gridHeight"/> x
    /// <paramref name="gridWidth"/> grid. Boxes outside the crop window are dropped; a (image, label) left without boxes has
    /// no entry. <paramref name="imageSizes"/> is required when the mapping crops, and must hold every image with a box.
    /// </summary>
    public static Dictionary<(int Image, int Label), IReadOnlyList<Box>> GroundTruth(string boxFile, IReadOnlyList<string> testImageIds,
        IReadOnlyList<string> labelIds, int gridHeight, int gridWidth, BoxGridMapping mapping,
        IReadOnlyDictionary<string, (int Width, int Height)>? imageSizes = null)
    {
        ArgumentNullException.ThrowIfNull(testImageIds);
        ArgumentNullException.ThrowIfNull(labelIds);
        ArgumentNullException.ThrowIfNull(mapping);
        if (mapping.NeedsImageSize && imageSizes is null)
            throw new ArgumentException($"the {mapping.Framing} mapping needs the original image sizes (ImageID,Width,Height)", nameof(imageSizes));
        var imageIndex = Index(testImageIds, nameof(testImageIds));
        var labelIndex = Index(labelIds, nameof(labelIds));
        var raw = OpenImagesBoxes.Read(boxFile, imageIndex.Keys.ToHashSet(StringComparer.Ordinal), labelIndex.Keys.ToHashSet(StringComparer.Ordinal));
        var boxes = new Dictionary<(int, int), IReadOnlyList<Box>>();
        foreach (var ((imageId, labelId), list) in raw)
        {
            int w = 0, h = 0;
            if (mapping.NeedsImageSize)
            {
                if (!imageSizes!.TryGetValue(imageId, out var size))
                    throw new ArgumentException($"no image size for ImageID '{imageId}' (it has boxes in {boxFile})", nameof(imageSizes));
                (w, h) = size;
            }
            var mapped = new List<Box>(list.Count);
            foreach (var b in list)
                if (mapping.ToGrid(b, gridHeight, gridWidth, w, h) is Box g) mapped.Add(g);
            if (mapped.Count > 0) boxes[(imageIndex[imageId], labelIndex[labelId])] = mapped;
        }
        return boxes;
    }

    /// <summary>
    /// <see cref="GroundTruth(string, IReadOnlyList{string}, IReadOnlyList{string}, int, int, BoxGridMapping, IReadOnlyDictionary{string, ValueTuple{int, int}}?)"/>
    /// of the test store in <paramref name="testStoreFolder"/> (its <see cref="ItemIdsFileName"/>) for the grid of
    /// <paramref name="data"/> and the labels <paramref name="labels"/> (seen then unseen ids, the semantics' order).
    /// </summary>
    public static Dictionary<(int Image, int Label), IReadOnlyList<Box>> GroundTruth(IMultiLabelRegions data, string testStoreFolder,
        OpenImagesLabels labels, OpenImagesBoxSource source)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(source);
        string[] labelIds = [.. labels.SeenIds, .. labels.UnseenIds];
        if (labelIds.Length != data.Semantics.Count)
            throw new ArgumentException($"{labelIds.Length} Open Images label ids for the data's {data.Semantics.Count} labels", nameof(labels));
        var ids = ReadItemIds(testStoreFolder, data.ImageCount(Data.Synthetic.MultiLabelSplit.Test));
        var sizes = source.ImageSizesFile is null ? null : ReadImageSizes(source.ImageSizesFile);
        return GroundTruth(source.BoxFile, ids, labelIds, data.GridHeight, data.GridWidth, source.Mapping, sizes);
    }

    /// <summary>Original sizes of the test images under &lt;data&gt;/openimages-v4 (ImageID,Width,Height; see <see cref="ReadImageSizes"/>).</summary>
    public const string ImageSizesFileName = "test-image-sizes.csv";

    /// <summary>
    /// The mapping of the features in <paramref name="testStoreFolder"/>: torchvision framing with the recorded resize and crop
    /// when the folder (or its parent) holds the extraction.json of `zsl extract`, else the official LESA features'
    /// (<see cref="BoxGridMapping.LesaRelease"/>: TF-slim resize 256, centre crop 224).
    /// </summary>
    public static BoxGridMapping MappingFor(string testStoreFolder)
    {
        ArgumentNullException.ThrowIfNull(testStoreFolder);
        foreach (var folder in new[] { testStoreFolder, Path.GetDirectoryName(Path.GetFullPath(testStoreFolder)) })
        {
            if (folder is null) continue;
            var path = Path.Combine(folder, ZslKit.Models.Backbones.FeatureExtraction.RunFile);
            if (!File.Exists(path)) continue;
            var run = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))
                ?? throw new DataFormatException(path, 0, "empty run file");
            int Get(string key) => run.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
                ? n : throw new DataFormatException(path, -1, $"no positive integer '{key}'");
            return BoxGridMapping.ZslExtract with { Resize = Get("resize"), Crop = Get("crop") };
        }
        return BoxGridMapping.LesaRelease;
    }

    /// <summary>
    /// What real Open Images localisation still lacks under <paramref name="dataDir"/> (default: the shared data folder):
    /// the feature stores and label lists (<see cref="LesaExperiment.HasOpenImagesFeatures"/>), the test store's
    /// <see cref="ItemIdsFileName"/>, the box file and, when the mapping crops, <see cref="ImageSizesFileName"/>. Empty when
    /// everything is present.
    /// </summary>
    public static IReadOnlyList<string> Missing(string? dataDir = null)
    {
        var root = dataDir ?? SharedData.Find();
        var missing = new List<string>();
        var features = LesaExperiment.OpenImagesFeaturesDir(root);
        if (!LesaExperiment.HasOpenImagesFeatures(root))
            missing.Add($"region feature stores {features ?? "<data>/openimages-v4/features"}/train and /test and the label lists in <data>/openimages-v4");
        if (features is not null && !File.Exists(Path.Combine(features, "test", ItemIdsFileName)))
            missing.Add($"{Path.Combine(features, "test", ItemIdsFileName)} (the ImageID of every test item, in item order; `zsl data lesa-stores --dataset openimages` writes it)");
        var oi = root is null ? null : Path.Combine(root, "openimages-v4");
        if (oi is null || !File.Exists(Path.Combine(oi, OpenImagesBoxes.TestFileName)))
            missing.Add($"the box file {(oi is null ? "<data>/openimages-v4" : oi)}/{OpenImagesBoxes.TestFileName} (data-scripts/fetch.py, group openimages)");
        if (features is not null && Directory.Exists(Path.Combine(features, "test")) && MappingFor(Path.Combine(features, "test")).NeedsImageSize
            && (oi is null || !File.Exists(Path.Combine(oi, ImageSizesFileName))))
            missing.Add($"{(oi is null ? "<data>/openimages-v4" : oi)}/{ImageSizesFileName} (ImageID,Width,Height of the test images: the features are centre-cropped)");
        return missing;
    }

    /// <summary>
    /// The real Open Images ground truth for <paramref name="data"/> (the test store of <see cref="LesaExperiment.OpenImagesFeaturesDir"/>):
    /// &lt;data&gt;/openimages-v4/test-annotations-bbox.csv through <see cref="MappingFor"/> of the test store, with the
    /// image sizes of <see cref="ImageSizesFileName"/> when that mapping crops. Anything missing is a
    /// <see cref="NotSupportedException"/> listing <see cref="Missing"/>.
    /// </summary>
    public static Dictionary<(int Image, int Label), IReadOnlyList<Box>> GroundTruth(IMultiLabelRegions data, string? dataDir = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var root = dataDir ?? SharedData.Find();
        var missing = Missing(root);
        if (missing.Count > 0 || root is null)
            throw new NotSupportedException("Table 3 localisation on real Open Images needs: " + string.Join("; ", missing) + " (docs/lesa.md, \"Table 3 on real Open Images\")");
        var testFolder = Path.Combine(LesaExperiment.OpenImagesFeaturesDir(root)!, "test");
        var oi = Path.Combine(root, "openimages-v4");
        var mapping = MappingFor(testFolder);
        var source = new OpenImagesBoxSource(Path.Combine(oi, OpenImagesBoxes.TestFileName), mapping,
            mapping.NeedsImageSize ? Path.Combine(oi, ImageSizesFileName) : null);
        return GroundTruth(data, testFolder, OpenImagesLabels.Load(oi), source);
    }

    private static Dictionary<string, int> Index(IReadOnlyList<string> ids, string argument)
    {
        var index = new Dictionary<string, int>(ids.Count, StringComparer.Ordinal);
        for (int i = 0; i < ids.Count; i++)
            if (!index.TryAdd(ids[i], i)) throw new ArgumentException($"id '{ids[i]}' appears twice (positions {index[ids[i]]} and {i})", argument);
        return index;
    }
}
