// LesaOpenImagesLocalisationTests.cs - Table 3 localisation on a tiny real-format Open Images setup written here: train and
// test feature stores (2x2 grid, D = 2) with an item-ids.txt sidecar, a test-annotations-bbox.csv in the official format, and
// the hand-set LESA of LesaAttentionTests, whose attention peak is known: label a = (1, 0) peaks on the region holding
// feature channel 0, label b = (0, 1) on the region holding channel 1, and scores grow with the image's feature magnitude.
// The expected APs follow by hand from the box layout (see each test). Write (the files) is shared with LesaOpenImagesFigure4Tests.
using ZslKit.Data;
using ZslKit.Data.Datasets;
using ZslKit.Data.FeatureStore;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Lesa;
using ZslKit.Models;
using ZslKit.Torch;
using Semantics = ZslKit.Data.Synthetic.LabelSemantics;

namespace ZslKit.Tests.Experiments.Lesa;

[Collection("torch-global-state")]
public sealed class LesaOpenImagesLocalisationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("zsl-oiloc-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // Test image i: channel 0 in region P[i], channel 1 in region Q[i] (0 = top-left, 3 = bottom-right), both of magnitude i + 1.
    // Training image i: channel 0 in region TrainP[i], channel 1 in region TrainQ[i], magnitude 1.
    internal static readonly int[] P = [0, 3, 0, 3], Q = [3, 0, 3, 0], TrainP = [0, 1], TrainQ = [3, 2];
    internal static readonly string[] Ids = ["img0", "img1", "img2", "img3"];

    internal static readonly OpenImagesLabels Labels = new()
    {
        SeenIds = ["/m/a"], UnseenIds = ["/m/b"], Names = new Dictionary<string, string> { ["/m/a"] = "a", ["/m/b"] = "b" },
    };

    internal static string Row(string image, string label, double x0, double x1, double y0, double y1) =>
        FormattableString.Invariant($"{image},xclick,{label},1,{x0},{x1},{y0},{y1},0,0,0,0,0");

    private static readonly string[] Boxes =
    [
        Row("img0", "/m/a", 0, 0.5, 0, 0.5),        // a, image 0: peak top-left → hit
        Row("img1", "/m/a", 0, 0.5, 0, 0.5),        // a, image 1: peak bottom-right → miss
        Row("img3", "/m/a", 0.5, 1, 0.5, 1),        // a, image 3: peak bottom-right → hit
        Row("img1", "/m/b", 0, 0.5, 0, 0.5),        // b, image 1: peak top-left → hit
        Row("img2", "/m/b", 0, 1, 0, 1),            // b, image 2: whole image → hit
        Row("img0", "/m/b", 0.5, 1, 0.5, 1),        // b, image 0: peak bottom-right → hit
        Row("img2", "/m/zzz", 0, 1, 0, 1),          // a label outside the benchmark: ignored
        Row("other", "/m/a", 0, 1, 0, 1),           // an image outside the test store: ignored
    ];

    private (FeatureStoreRegions Data, string TestFolder, string BoxFile) Setup(params string[] extraRows) => Write(_root, extraRows);

    /// <summary>The stores, the id sidecar and the box file under <paramref name="root"/>; returns (data, test store folder, box file).</summary>
    internal static (FeatureStoreRegions Data, string TestFolder, string BoxFile) Write(string root, params string[] extraRows)
    {
        string testFolder = Path.Combine(root, "features", "test");
        using (var w = new FeatureStoreWriter(Path.Combine(root, "features", "train"), new FeatureStoreOptions([2, 2, 2], FeatureDType.Fp32, 1)))
        {
            for (int i = 0; i < TrainP.Length; i++)
            {
                var f = new float[8];                                     // [H=2, W=2, D=2] = [R=4, D=2]
                f[TrainP[i] * 2 + 0] = 1;
                f[TrainQ[i] * 2 + 1] = 1;
                w.Append(f, [(sbyte)(i == 0 ? 1 : -1)]);
            }
            w.Complete();
        }
        using (var w = new FeatureStoreWriter(testFolder, new FeatureStoreOptions([2, 2, 2], FeatureDType.Fp32, 2)))
        {
            for (int i = 0; i < Ids.Length; i++)
            {
                var f = new float[8];                                     // [H=2, W=2, D=2] = [R=4, D=2]
                f[P[i] * 2 + 0] = i + 1;
                f[Q[i] * 2 + 1] = i + 1;
                w.Append(f, [1, 1]);
            }
            w.Complete();
        }
        File.WriteAllLines(Path.Combine(testFolder, LesaOpenImagesLocalisation.ItemIdsFileName), Ids);
        var boxFile = Path.Combine(root, OpenImagesBoxes.TestFileName);
        File.WriteAllLines(boxFile, [OpenImagesBoxes.Header, .. Boxes, .. extraRows]);
        var sem = new Semantics(["a", "b"], [1, 0, 0, 1], 2, 1, "test vectors");
        var data = new FeatureStoreRegions(FeatureStore.Open(Path.Combine(root, "features", "train")), FeatureStore.Open(testFolder), sem,
            [0], [0, 1], validationImages: 0, "Open Images (tiny)");
        return (data, testFolder, boxFile);
    }

    [Fact]
    public void Localisation_map_on_real_format_files_equals_the_hand_computed_value()
    {
        using var scope = torch.NewDisposeScope();
        var (data, testFolder, boxFile) = Setup();
        using var _ = data;
        using var model = LesaAttentionTests.HandSetLesa();

        // Preconditions of the hand computation: the peaks sit where the channels are and scores grow with the image index.
        var x = torch.tensor<float>(LesaBatches.Regions(data, MultiLabelSplit.Test, [0, 1, 2, 3]).AsSpan(), [4, 4, 2]);
        using (torch.no_grad())
        {
            var peaks = LesaAttention.Peaks(model, x, LesaBatches.LabelVectors(data));
            Assert.Equal(new[] { P[0], Q[0], P[1], Q[1], P[2], Q[2], P[3], Q[3] }, peaks.PeakRegion);
            for (int c = 0; c < 2; c++)
                for (int i = 1; i < 4; i++) Assert.True(peaks.Scores[i * 2 + c] > peaks.Scores[(i - 1) * 2 + c], $"score of label {c} rises with the image");
        }

        var boxes = LesaOpenImagesLocalisation.GroundTruth(data, testFolder, Labels, new OpenImagesBoxSource(boxFile, BoxGridMapping.Whole));
        Assert.Equal(6, boxes.Count);
        Assert.Equal(new ZslKit.Metrics.Box(0, 0, 1, 1), Assert.Single(boxes[(0, 0)]));
        var result = LesaLocalisation.Evaluate(model, data, boxes);
        // a (seen): ranked img3 hit, img2 (no box), img1 miss, img0 hit over 3 boxed images → (1 + 2/4) / 3 = 1/2.
        // b (unseen): ranked img3 (no box), img2 hit, img1 hit, img0 hit over 3 → (1/2 + 2/3 + 3/4) / 3 = 23/36.
        Assert.Equal(0.5, result.Report.MapSeen, 12);
        Assert.Equal(23.0 / 36, result.Report.MapUnseen, 12);
        Assert.Equal(23.0 / 41, result.Report.H, 12);
        Assert.Equal(new[] { 3, 3 }, result.Report.BoxedImages);
        Assert.Equal(["a", "b"], result.LabelNames);
    }

    [Fact]
    public void The_centre_crop_of_the_official_features_turns_a_hit_near_the_image_edge_into_a_miss()
    {
        using var scope = torch.NewDisposeScope();
        // Image 0, label a gets a second, narrow box at the left edge instead of its top-left quadrant box: with the whole
        // image on the grid its right edge 0.3 · 2 = 0.6 covers the peak's centre 0.5; after TF-slim's resize-256 / crop-224
        // of a 1024x768 image (window x ∈ [58/341, 282/341]) it ends at (0.3 − 58/341) / (224/341) · 2 ≈ 0.40: a miss.
        var (data, testFolder, boxFile) = Setup();
        using var _ = data;
        var lines = File.ReadAllLines(boxFile).Where(l => !l.StartsWith("img0,xclick,/m/a,", StringComparison.Ordinal)).ToList();
        lines.Add(Row("img0", "/m/a", 0, 0.3, 0, 0.5));
        File.WriteAllLines(boxFile, lines);
        var sizes = Path.Combine(_root, "sizes.csv");
        File.WriteAllLines(sizes, ["ImageID,Width,Height", .. Ids.Select(id => id + ",1024,768")]);
        using var model = LesaAttentionTests.HandSetLesa();

        var whole = LesaLocalisation.Evaluate(model, data, LesaOpenImagesLocalisation.GroundTruth(data, testFolder, Labels, new OpenImagesBoxSource(boxFile, BoxGridMapping.Whole)));
        var crop = LesaLocalisation.Evaluate(model, data, LesaOpenImagesLocalisation.GroundTruth(data, testFolder, Labels, new OpenImagesBoxSource(boxFile, BoxGridMapping.LesaRelease, sizes)));
        Assert.Equal(0.5, whole.Report.PerLabel[0], 12);   // as in the test above
        Assert.Equal(1.0 / 3, crop.Report.PerLabel[0], 12);  // img0 now misses: (1) / 3
        // b's boxes keep their hits under the crop: quadrant boxes still contain the region centres.
        Assert.Equal(23.0 / 36, crop.Report.PerLabel[1], 12);
    }

    [Fact]
    public void Missing_or_mismatched_ids_and_sizes_are_refused_with_what_is_missing()
    {
        var (data, testFolder, boxFile) = Setup();
        using var _ = data;
        var source = new OpenImagesBoxSource(boxFile, BoxGridMapping.LesaRelease);
        Assert.Contains("needs the original image sizes", Assert.Throws<ArgumentException>(() => LesaOpenImagesLocalisation.GroundTruth(data, testFolder, Labels, source)).Message);
        var sizes = Path.Combine(_root, "sizes.csv");
        File.WriteAllLines(sizes, ["ImageID,Width,Height", "img0,1024,768"]);
        Assert.Contains("no image size for ImageID 'img1'", Assert.Throws<ArgumentException>(() =>
            LesaOpenImagesLocalisation.GroundTruth(data, testFolder, Labels, source with { ImageSizesFile = sizes })).Message);
        File.WriteAllLines(sizes, ["ImageID,Width,Height", "img0,1024,x"]);
        Assert.Contains("line 2:", Assert.Throws<DataFormatException>(() => LesaOpenImagesLocalisation.ReadImageSizes(sizes)).Message);

        var idsFile = Path.Combine(testFolder, LesaOpenImagesLocalisation.ItemIdsFileName);
        File.WriteAllLines(idsFile, ["img0", "img1", "img0", "img3"]);
        Assert.Contains("line 3: ImageID 'img0' repeats", Assert.Throws<DataFormatException>(() => LesaOpenImagesLocalisation.ReadItemIds(testFolder, 4)).Message);
        File.WriteAllLines(idsFile, ["img0", "img1"]);
        Assert.Contains("2 ids for the store's 4 items", Assert.Throws<DataFormatException>(() => LesaOpenImagesLocalisation.ReadItemIds(testFolder, 4)).Message);
        File.Delete(idsFile);
        Assert.Contains(LesaOpenImagesLocalisation.ItemIdsFileName, Assert.Throws<FileNotFoundException>(() => LesaOpenImagesLocalisation.ReadItemIds(testFolder, 4)).Message);
    }
}

[Collection("torch-global-state")]
public sealed class LesaOpenImagesLocalisationDataTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("zsl-oidata-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Missing_lists_the_features_the_item_ids_the_box_file_and_the_image_sizes_of_cropped_features()
    {
        var missing = LesaOpenImagesLocalisation.Missing(_root);
        Assert.Equal(3, missing.Count);
        Assert.Contains("region feature stores", missing[0]);
        Assert.Contains(LesaOpenImagesLocalisation.ItemIdsFileName, missing[1]);
        Assert.Contains(OpenImagesBoxes.TestFileName, missing[2]);

        // With a test store folder present and no extraction.json, the official (cropped) framing is assumed: sizes are needed.
        var test = Directory.CreateDirectory(Path.Combine(_root, "openimages-v4", "features", "test")).FullName;
        File.WriteAllLines(Path.Combine(test, LesaOpenImagesLocalisation.ItemIdsFileName), ["img0"]);
        File.WriteAllText(Path.Combine(_root, "openimages-v4", OpenImagesBoxes.TestFileName), OpenImagesBoxes.Header + "\n");
        missing = LesaOpenImagesLocalisation.Missing(_root);
        Assert.Equal(2, missing.Count);
        Assert.Contains(LesaOpenImagesLocalisation.ImageSizesFileName, missing[1]);
    }

    [Fact]
    public void Features_of_zsl_extract_use_torchvision_framing_with_their_recorded_resize_and_crop()
    {
        var test = Directory.CreateDirectory(Path.Combine(_root, "features", "test")).FullName;
        Assert.Equal(BoxGridMapping.LesaRelease, LesaOpenImagesLocalisation.MappingFor(test));
        File.WriteAllText(Path.Combine(_root, "features", ZslKit.Models.Backbones.FeatureExtraction.RunFile), """{"resize": "288", "crop": "256"}""");
        Assert.Equal(new BoxGridMapping(GridFraming.ResizeCentreCrop, 288, 256, CropRounding.Torchvision), LesaOpenImagesLocalisation.MappingFor(test));
        File.WriteAllText(Path.Combine(test, ZslKit.Models.Backbones.FeatureExtraction.RunFile), """{"resize": "256"}""");
        Assert.Contains("'crop'", Assert.Throws<DataFormatException>(() => LesaOpenImagesLocalisation.MappingFor(test)).Message);
    }

    [Fact]
    public void The_localisation_notebook_refuses_real_open_images_listing_what_is_missing_and_keeps_refusing_nus_wide()
    {
        Skip.If(LesaOpenImagesLocalisation.Missing().Count == 0, "real Open Images localisation data is present here");
        var e = Assert.Throws<NotSupportedException>(() => LesaAttentionData.LocalisationPreset("openimages", quick: true));
        Assert.Contains(OpenImagesBoxes.TestFileName, e.Message);
        Assert.Contains("dataset=\"synthetic-openimages\"", e.Message);
        Assert.Throws<NotSupportedException>(() => LesaAttentionData.LocalisationData("openimages", LesaPresets.OpenImagesQuick));
        Assert.Contains("localises on Open Images only", Assert.Throws<NotSupportedException>(() => LesaAttentionData.LocalisationPreset("nus-wide", quick: true)).Message);
        Assert.Equal("synthetic", LesaNotebook.Dataset);   // nothing was selected
    }
}
