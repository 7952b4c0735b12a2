using ZslKit.Data;
using ZslKit.Data.Datasets;
using ZslKit.Data.FeatureStore;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;
using ZslKit.Testing;
using Semantics = ZslKit.Data.Synthetic.LabelSemantics;

namespace ZslKit.Tests.Data;

[Collection("torch-global-state")]
public sealed class FeatureStoreRegionsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "zslkit-fsr-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    /// <summary>Item i has every feature equal to i + element/1000; label column j of item i is +1 when (i + j) % 3 == 0, else −1.</summary>
    private static string WriteStore(string folder, int items, int[] shape, int labels)
    {
        int e = shape.Aggregate(1, (a, b) => a * b);
        using var w = new FeatureStoreWriter(folder, new FeatureStoreOptions(shape, FeatureDType.Fp32, labels, ItemsPerChunk: 7));
        for (int i = 0; i < items; i++)
        {
            var f = Enumerable.Range(0, e).Select(k => i + k / 1000f).ToArray();
            var y = Enumerable.Range(0, labels).Select(j => (sbyte)((i + j) % 3 == 0 ? 1 : -1)).ToArray();
            w.Append(f, y);
        }
        w.Complete();
        return folder;
    }

    /// <summary>A 3x3x2-region dataset: <paramref name="trainItems"/> training-store items (the first 6 for validation),
    /// 10 test items, 4 seen labels (store columns 3,2,1,0), 6 test labels (5..0).</summary>
    private FeatureStoreRegions Tiny(int trainItems)
    {
        var sem = Semantics.StandIn(1, seen: 4, unseen: 2, dim: 5);
        var train = FeatureStore.Open(WriteStore(Path.Combine(_root, "train"), trainItems, [3, 3, 2], 6));
        var test = FeatureStore.Open(WriteStore(Path.Combine(_root, "test"), 10, [3, 3, 2], 6));
        return new FeatureStoreRegions(train, test, sem, [3, 2, 1, 0], [5, 4, 3, 2, 1, 0], validationImages: 6, "tiny");
    }

    [Fact]
    public void A_batch_read_in_parallel_equals_image_by_image_reads_and_a_bad_index_writes_nothing()
    {
        using var data = Tiny(trainItems: 60);
        int[] indices = [53, 0, 17, 17, 40, 8, 29, 1, 52, 33, 12, 45];      // 12 images, a repeat, out of order
        var batch = new float[indices.Length * 18];
        data.GetRegionBatch(MultiLabelSplit.Train, indices, batch);
        var one = new float[18];
        for (int b = 0; b < indices.Length; b++)
        {
            data.GetRegionBatch(MultiLabelSplit.Train, [indices[b]], one);
            Assert.Equal(one, batch.AsSpan(b * 18, 18).ToArray());
            Assert.Equal(indices[b] + 6f, one[0]);                                // training image i = store item i + 6
        }
        var untouched = Enumerable.Repeat(-7f, 3 * 18).ToArray();
        Assert.Throws<ArgumentOutOfRangeException>(() => data.GetRegionBatch(MultiLabelSplit.Train, [0, 1, 54], untouched));
        Assert.All(untouched, v => Assert.Equal(-7f, v));
    }

    [Fact]
    public void Reading_after_dispose_throws_ObjectDisposedException_not_wrapped_in_an_AggregateException()
    {
        var data = Tiny(trainItems: 20);
        data.Dispose();
        var e = Assert.Throws<ObjectDisposedException>(() => data.GetRegionBatch(MultiLabelSplit.Train, [0, 1, 2, 3], new float[4 * 18]));
        Assert.Contains("FeatureStoreRegions.GetRegionBatch", e.Message);
        Assert.Contains(Path.Combine(_root, "train"), e.Message);
        e = Assert.Throws<ObjectDisposedException>(() => data.GetLabelBatch(MultiLabelSplit.Test, [0], new sbyte[6]));
        Assert.Contains("FeatureStoreRegions.GetLabelBatch", e.Message);
    }

    [Fact]
    public void Splits_read_the_right_items_and_map_label_columns()
    {
        using var data = Tiny(trainItems: 20);
        Assert.Equal((3, 3, 2, 9), (data.GridHeight, data.GridWidth, data.FeatureDim, data.RegionCount));
        Assert.Equal((14, 6, 10), (data.ImageCount(MultiLabelSplit.Train), data.ImageCount(MultiLabelSplit.Validation), data.ImageCount(MultiLabelSplit.Test)));
        Assert.Equal((4, 6), (data.LabelCount(MultiLabelSplit.Train), data.LabelCount(MultiLabelSplit.Test)));
        Assert.Equal("split", Assert.Throws<ArgumentOutOfRangeException>(() => data.LabelCount((MultiLabelSplit)9)).ParamName);

        var feats = new float[2 * 18];
        data.GetRegionBatch(MultiLabelSplit.Train, [0, 13], feats);
        Assert.Equal(6f, feats[0]);          // training image 0 = store item 6 (after the 6 validation items)
        Assert.Equal(19f + 17 / 1000f, feats[35]);
        data.GetRegionBatch(MultiLabelSplit.Validation, [5], feats);
        Assert.Equal(5f, feats[0]);

        var labels = new sbyte[4];
        data.GetLabelBatch(MultiLabelSplit.Train, [1], labels);  // store item 7, columns 3,2,1,0
        Assert.Equal(new sbyte[] { (7 + 3) % 3 == 0 ? (sbyte)1 : (sbyte)-1, (7 + 2) % 3 == 0 ? (sbyte)1 : (sbyte)-1, -1, -1 }, labels);
        var testLabels = new sbyte[6];
        data.GetLabelBatch(MultiLabelSplit.Test, [2], testLabels);
        Assert.Equal(Enumerable.Range(0, 6).Select(j => (sbyte)((2 + (5 - j)) % 3 == 0 ? 1 : -1)), testLabels);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.GetRegionBatch(MultiLabelSplit.Test, [10], new float[18]));
    }

    [Fact]
    public void OpenOpenImages_picks_the_top_unseen_candidates_and_reads_a_separate_validation_store()
    {
        var sem = Semantics.StandIn(3, seen: 7186, unseen: 400, dim: 4);
        var unseenRows = Enumerable.Range(0, 400).Select(i => (i * 7 + 5) % 2594).ToArray();
        var dir = Path.Combine(_root, "oi");
        WriteStore(Path.Combine(dir, "train"), 10, [4, 3], 7186);
        WriteStore(Path.Combine(dir, "validation"), 4, [4, 3], 7586);
        WriteStore(Path.Combine(dir, "test"), 5, [4, 3], 7186 + 2594);           // seen_label + all unseen candidates
        using (var data = FeatureStoreRegions.OpenOpenImages(dir, sem, unseenRows, validationImages: 3))
        {
            // a validation/ store replaces the first-N split: all 10 training items train, the 4 validation items validate
            Assert.Equal((10, 4, 5), (data.ImageCount(MultiLabelSplit.Train), data.ImageCount(MultiLabelSplit.Validation), data.ImageCount(MultiLabelSplit.Test)));
            var feats = new float[12];
            data.GetRegionBatch(MultiLabelSplit.Train, [0], feats);
            Assert.Equal(0f, feats[0]);                                          // train item 0, not shifted by a validation split
            data.GetRegionBatch(MultiLabelSplit.Validation, [3], feats);
            Assert.Equal(3f, feats[0]);                                          // validation store item 3
            var v = new sbyte[7186];
            data.GetLabelBatch(MultiLabelSplit.Validation, [1], v);
            Assert.Equal(Enumerable.Range(0, 7186).Select(j => (sbyte)((1 + j) % 3 == 0 ? 1 : -1)), v);
            var t = new sbyte[7586];
            data.GetLabelBatch(MultiLabelSplit.Test, [2], t);
            Assert.Equal(Enumerable.Range(0, 7186).Select(j => (sbyte)((2 + j) % 3 == 0 ? 1 : -1)), t[..7186]);
            Assert.Equal(unseenRows.Select(r => (sbyte)((2 + 7186 + r) % 3 == 0 ? 1 : -1)), t[7186..]);
            Assert.Contains("Open Images v4", data.Description);
        }

        // without validation/, the first validationImages training items validate
        Directory.Delete(Path.Combine(dir, "validation"), recursive: true);
        using (var data = FeatureStoreRegions.OpenOpenImages(dir, sem, unseenRows, validationImages: 3))
            Assert.Equal((7, 3), (data.ImageCount(MultiLabelSplit.Train), data.ImageCount(MultiLabelSplit.Validation)));

        // a test store with only the seen columns is rejected, naming the store
        WriteStore(Path.Combine(_root, "oi-bad", "train"), 4, [4, 3], 7186);
        WriteStore(Path.Combine(_root, "oi-bad", "test"), 4, [4, 3], 7186);
        var e = Assert.Throws<DataFormatException>(() => FeatureStoreRegions.OpenOpenImages(Path.Combine(_root, "oi-bad"), sem, unseenRows, 1));
        Assert.Contains(Path.Combine(_root, "oi-bad", "test"), e.Message);
        Assert.Contains("7586", e.Message);
        Assert.Throws<DirectoryNotFoundException>(() => FeatureStoreRegions.OpenOpenImages(Path.Combine(_root, "none"), sem, unseenRows, 1));
    }

    [Fact]
    public void OpenNusWide_selects_the_seen_tags_of_a_1081_column_layout_and_names_a_bad_one()
    {
        var sem = Semantics.StandIn(2);                                     // 925 seen, 81 unseen
        var rows = Enumerable.Range(0, 1000).Where(r => r % 40 != 0).Take(925).ToArray();
        WriteStore(Path.Combine(_root, "nus", "train"), 12, [4, 3], 1081);
        WriteStore(Path.Combine(_root, "nus", "test"), 5, [4, 3], 1081);
        using (var data = FeatureStoreRegions.OpenNusWide(Path.Combine(_root, "nus"), sem, rows, validationImages: 2))
        {
            Assert.Equal((2, 2, 3), (data.GridHeight, data.GridWidth, data.FeatureDim));
            var y = new sbyte[925];
            data.GetLabelBatch(MultiLabelSplit.Train, [0], y);       // store item 2
            Assert.Equal(rows.Select(r => (sbyte)((2 + r) % 3 == 0 ? 1 : -1)), y);
            var t = new sbyte[1006];
            data.GetLabelBatch(MultiLabelSplit.Test, [1], t);
            Assert.Equal(Enumerable.Range(1000, 81).Select(r => (sbyte)((1 + r) % 3 == 0 ? 1 : -1)), t[925..]);
        }
        WriteStore(Path.Combine(_root, "bad", "train"), 4, [4, 3], 50);
        WriteStore(Path.Combine(_root, "bad", "test"), 4, [4, 3], 1006);
        var e = Assert.Throws<DataFormatException>(() => FeatureStoreRegions.OpenNusWide(Path.Combine(_root, "bad"), sem, rows, 1));
        Assert.Contains("50 label columns", e.Message);
        var missing = Assert.Throws<DirectoryNotFoundException>(() => FeatureStoreRegions.OpenNusWide(Path.Combine(_root, "none"), sem, rows));
        Assert.Contains("zsl extract", missing.Message);
    }

    [Fact]
    public void LESA_trains_on_real_format_NUS_WIDE_feature_stores()
    {
        Skip.If(!Semantics.HasNusWide(RepoPaths.SharedData), "needs the NUS-WIDE GloVe files of ../shared/data");
        var features = Path.Combine(_root, "features");
        WriteStore(Path.Combine(features, "train"), 40, [4, 6], 1006);
        WriteStore(Path.Combine(features, "test"), 12, [4, 6], 1006);
        var previous = Environment.GetEnvironmentVariable(LesaExperiment.NusWideFeaturesVariable);
        Environment.SetEnvironmentVariable(LesaExperiment.NusWideFeaturesVariable, features);
        try
        {
            var c = ConfigJson.ApplyOverrides(LesaExperiment.RealConfig("t", "lesa", 0, epochs: 1),
                ["options.validationImages=8", "options.hidden=8", "options.M=2", "training.batchSize=16", "dataset.features=6"]);
            var run = LesaExperiment.Run(c, new RunOptions(Path.Combine(_root, "runs")));
            Assert.False(run.Synthetic);
            Assert.Equal("Completed", run.Final.Stop);
            Assert.InRange(run.Final.Test["zs/map"], 0.0, 1.0);
            Assert.Contains("NUS-WIDE region features", run.Provenance!.Dataset);
        }
        finally { Environment.SetEnvironmentVariable(LesaExperiment.NusWideFeaturesVariable, previous); }
    }

    [Fact]
    public void A_real_config_without_its_data_stops_with_what_is_missing()
    {
        var c = LesaExperiment.RealConfig("t", "lesa", 0);
        var e = Assert.Throws<InvalidOperationException>(() => LesaExperiment.Data(c, dataDir: Path.Combine(_root, "nothing")));
        Assert.Contains("nus-wide/features/train", e.Message);
    }
}
