// OpenImagesStoreBuilderTests.cs - OpenImagesStoreBuilder on a real `zsl extract` run (FeatureExtraction with a one-step
// backbone over tiny PNGs named by ImageID, one corrupt) and Open Images v4 label files in the official formats
// (<split>-annotations-human-imagelabels.csv with the ImageID,Source,LabelName,Confidence header, classes-trainable.txt,
// unseen_labels.txt, top_400_unseen.csv with its BOM); results are opened with FeatureStoreRegions.OpenOpenImages and,
// with the real label lists, trained on by LesaExperiment for one epoch.
using System.Text.Json;
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
public sealed class OpenImagesStoreBuilderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "zslkit-oistores-" + Guid.NewGuid().ToString("N")[..8]);
    private string Images => Path.Combine(_root, "images");
    private string Extraction => Path.Combine(_root, "feats");
    private string Oi => Path.Combine(_root, "openimages-v4");
    private string Out => Path.Combine(_root, "openimages-v4", "features");

    private static readonly string[] Seen = ["/m/s0", "/m/s1", "/m/s2", "/m/s3", "/m/s4"];
    private static readonly string[] Candidates = Enumerable.Range(0, 2594).Select(k => $"/m/u{k:D4}").ToArray();
    private static readonly int[] Top = [7, 2, 2593];

    /// <summary>Extraction order: ImageIDs t* (train CSV), v* (validation CSV), e* (test CSV), x9 in no CSV, bad (corrupt).</summary>
    private static readonly string[] Extracted =
        ["test/e2.jpg", "train/t1.jpg", "validation/v1.jpg", "train/x9.jpg", "train/t3.jpg", "test/e1.jpg", "train/t2.jpg",
         "validation/v2.jpg", "train/t4.jpg", "test/bad.jpg", "test/e3.jpg"];

    public OpenImagesStoreBuilderTests()
    {
        for (var i = 0; i < Extracted.Length; i++)
        {
            var path = Path.Combine(Images, Extracted[i]);
            if (Extracted[i].EndsWith("bad.jpg", StringComparison.Ordinal))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, [1, 2, 3]);
            }
            else TinyExtraction.WriteImage(path, i);
        }
        TinyExtraction.Run(Images, Extracted, Extraction, shardSize: 3);
        WriteLists(Oi, Seen, Candidates, Top);
        // Labels (seen ids /m/sK, candidate ids /m/uNNNN). t1 lists /m/s2 twice: the later row (0) wins, as in the
        // official scripts. t3's candidate row is not a train column; t4's only label is in no list (a row of zeros).
        WriteCsv(Path.Combine(Oi, "train-annotations-human-imagelabels.csv"),
            "t1,verification,/m/s0,1", "t1,verification,/m/s2,1", "t1,crowdsource-verification,/m/s2,0", "t1,verification,/m/s4,0",
            "t2,\"crowdsource-verification\",/m/s1,1", "t3,verification,/m/s3,1", "t3,verification,/m/u0007,1", "t4,verification,/m/zzz,1");
        WriteCsv(Path.Combine(Oi, "validation", "validation-annotations-human-imagelabels.csv"),
            "v1,verification,/m/s0,0", "v2,verification,/m/s4,1");
        WriteCsv(Path.Combine(Oi, "test-annotations-human-imagelabels.csv"),
            "e1,verification,/m/s1,1", "e1,verification,/m/u0007,1", "e1,verification,/m/u0100,0", "e2,verification,/m/u0002,0",
            "e2,verification,/m/s0,1", "e3,verification,/m/u2593,1");
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static void WriteLists(string folder, string[] seen, string[] candidates, int[] top)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllLines(Path.Combine(folder, "classes-trainable.txt"), seen);
        File.WriteAllLines(Path.Combine(folder, "unseen_labels.txt"), candidates);
        File.WriteAllText(Path.Combine(folder, "top_400_unseen.csv"), "\uFEFF" + string.Join("\n", top) + "\n");
        File.WriteAllLines(Path.Combine(folder, "class-descriptions.csv"), [.. seen.Select(s => $"{s},name {s}"), .. candidates.Select(c => $"{c},name {c}")]);
    }

    private static void WriteCsv(string path, params string[] rows)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "ImageID,Source,LabelName,Confidence\r\n" + string.Concat(rows.Select(r => r + "\r\n")));
    }

    private LesaStoreSummary Build(LesaStoreOptions? options = null, OpenImagesStoreOptions? oi = null, string? output = null) =>
        OpenImagesStoreBuilder.Build(Extraction, Oi, output ?? Out, options, oi);

    private Dictionary<string, float[]> ShardFeatures()
    {
        var result = new Dictionary<string, float[]>();
        foreach (var dir in Directory.GetDirectories(Extraction, "shard-*"))
        {
            using var store = FeatureStore.Open(dir);
            var images = JsonSerializer.Deserialize<string[]>(store.Index.Metadata["images"])!;
            for (var i = 0; i < images.Length; i++)
            {
                var f = new float[store.ItemElements];
                store.ReadItem(i, f);
                result[Path.GetFileNameWithoutExtension(images[i])] = f;
            }
        }
        return result;
    }

    /// <summary>A label row of <paramref name="n"/> zeros with the given (column, value) entries.</summary>
    private static sbyte[] Row(int n, params (int Column, int Value)[] entries)
    {
        var r = new sbyte[n];
        foreach (var (c, v) in entries) r[c] = (sbyte)v;
        return r;
    }

    [Fact]
    public void Each_image_goes_to_the_split_whose_label_file_lists_it_with_official_label_values()
    {
        var summary = Build();
        Assert.Equal([("train", 4L, 5), ("validation", 2L, 5), ("test", 3L, 5 + 2594)],
            summary.Splits.Select(s => (s.Split, s.Items, s.LabelCount)));
        Assert.Equal([Path.Combine(Images, "train/x9.jpg")], summary.WithoutLabels);
        Assert.Equal(Path.Combine(Images, "test/bad.jpg"), summary.SkippedAtExtraction.Single().Path);
        Assert.Empty(summary.Unmatched);
        Assert.Empty(summary.Ambiguous);
        Assert.Equal(1, summary.Splits.Single(s => s.Split == "train").WithoutPositive);   // t4

        Assert.Equal(["t1", "t3", "t2", "t4"], File.ReadAllLines(Path.Combine(Out, "train", "item-ids.txt")));
        Assert.Equal(["v1", "v2"], File.ReadAllLines(Path.Combine(Out, "validation", "item-ids.txt")));
        Assert.Equal(["e2", "e1", "e3"], File.ReadAllLines(Path.Combine(Out, "test", "item-ids.txt")));
        // The extraction's framing travels with the store: notebook 05 maps boxes with the recorded resize 8 / crop 8.
        Assert.Equal(BoxGridMapping.ZslExtract with { Resize = 8, Crop = 8 }, LesaOpenImagesLocalisation.MappingFor(Path.Combine(Out, "test")));
        using (var train = FeatureStore.Open(Path.Combine(Out, "train"), verifyChecksums: true))
        {
            Assert.Equal(Row(5, (0, 1), (2, -1), (4, -1)), train.Labels(0).ToArray());
            Assert.Equal(Row(5, (3, 1)), train.Labels(1).ToArray());
            Assert.Equal(Row(5, (1, 1)), train.Labels(2).ToArray());
            Assert.Equal(Row(5), train.Labels(3).ToArray());
        }
        using (var test = FeatureStore.Open(Path.Combine(Out, "test")))
        {
            Assert.Equal(Row(2599, (0, 1), (5 + 2, -1)), test.Labels(0).ToArray());
            Assert.Equal(Row(2599, (1, 1), (5 + 7, 1), (5 + 100, -1)), test.Labels(1).ToArray());
            Assert.Equal(Row(2599, (5 + 2593, 1)), test.Labels(2).ToArray());
        }

        // The real reader: separate validation store, top-400 rows picked from the 2,594 candidates, features as extracted.
        using var data = FeatureStoreRegions.OpenOpenImages(Out, Semantics.StandIn(1, seen: 5, unseen: 3, dim: 4), Top, validationImages: 1);
        Assert.Equal((4, 2, 3), (data.ImageCount(MultiLabelSplit.Train), data.ImageCount(MultiLabelSplit.Validation), data.ImageCount(MultiLabelSplit.Test)));
        var y = new sbyte[8];
        data.GetLabelBatch(MultiLabelSplit.Test, [1], y);     // e1: /m/s1 +1, /m/u0007 (top row 0) +1; /m/u0100 is not a top-400 label
        Assert.Equal(Row(8, (1, 1), (5, 1)), y);
        data.GetLabelBatch(MultiLabelSplit.Test, [0], y);     // e2: /m/s0 +1, /m/u0002 (top row 1) -1
        Assert.Equal(Row(8, (0, 1), (6, -1)), y);
        var features = ShardFeatures();
        var f = new float[12];
        string[][] order = [["t1", "t3", "t2", "t4"], ["v1", "v2"], ["e2", "e1", "e3"]];
        MultiLabelSplit[] splits = [MultiLabelSplit.Train, MultiLabelSplit.Validation, MultiLabelSplit.Test];
        for (var s = 0; s < 3; s++)
            for (var i = 0; i < order[s].Length; i++)
            {
                data.GetRegionBatch(splits[s], [i], f);
                Assert.Equal(features[order[s][i]], f);
            }
    }

    [Fact]
    public void A_single_split_build_writes_the_top_400_layout_and_optionally_keeps_unlabelled_images()
    {
        var top = Build(new LesaStoreOptions { Splits = ["test"] }, new OpenImagesStoreOptions { TestLayout = OpenImagesTestLayout.Top400 });
        var test = top.Splits.Single();
        Assert.Equal(("test", 3L, 8), (test.Split, test.Items, test.LabelCount));
        Assert.Equal(7, top.WithoutLabels.Count);                       // train/validation images and x9: not in test's file
        using (var store = FeatureStore.Open(Path.Combine(Out, "test")))
            Assert.Equal(Row(8, (1, 1), (5, 1)), store.Labels(1).ToArray());

        var keep = Build(new LesaStoreOptions { Splits = ["validation"] }, new OpenImagesStoreOptions { KeepUnlabelled = true });
        Assert.Equal(10L, keep.Splits.Single().Items);
        Assert.Empty(keep.WithoutLabels);
        Assert.Equal(["e2", "t1", "v1", "x9", "t3", "e1", "t2", "v2", "t4", "e3"], File.ReadAllLines(Path.Combine(Out, "validation", "item-ids.txt")));
        using (var store = FeatureStore.Open(Path.Combine(Out, "validation")))
        {
            Assert.Equal(Row(5, (0, -1)), store.Labels(2).ToArray());   // v1
            Assert.Equal(Row(5), store.Labels(1).ToArray());             // t1: not in the validation file
        }
        var several = Assert.Throws<ArgumentException>(() => Build(oi: new OpenImagesStoreOptions { KeepUnlabelled = true }, output: Path.Combine(_root, "other")));
        Assert.Equal("KeepUnlabelled (--keep-unlabelled) needs a single split (--split), to know where unlabelled images go (Parameter 'oi')", several.Message);

        var again = Build(new LesaStoreOptions { Splits = ["validation"] }, new OpenImagesStoreOptions { KeepUnlabelled = true });
        Assert.True(again.Splits.Single().AlreadyBuilt);
        var e = Assert.Throws<InvalidOperationException>(() => Build(new LesaStoreOptions { Splits = ["validation"] }));
        Assert.EndsWith("; rebuild with Force (--force) to replace it", e.Message);
    }

    [Fact]
    public void An_image_listed_by_two_splits_label_files_is_reported_ambiguous_and_not_written()
    {
        File.AppendAllText(Path.Combine(Oi, "validation", "validation-annotations-human-imagelabels.csv"), "t2,verification,/m/s0,1\r\n");
        var summary = Build();
        Assert.Equal([Path.Combine(Images, "train/t2.jpg")], summary.Ambiguous);
        Assert.Equal([3L, 2L, 3L], summary.Splits.Select(s => s.Items));
        Assert.Equal(["t1", "t3", "t4"], File.ReadAllLines(Path.Combine(Out, "train", "item-ids.txt")));
    }

    [Fact]
    public void Bad_label_files_are_named_with_their_line()
    {
        var csv = Path.Combine(Oi, "test-annotations-human-imagelabels.csv");
        File.AppendAllText(csv, "e3,verification,/m/s1,0.5\r\n");
        var e = Assert.Throws<DataFormatException>(() => Build(new LesaStoreOptions { Splits = ["test"] }));
        Assert.Contains(csv, e.Message);
        Assert.Contains("line 8: Confidence '0.5'", e.Message);
        Assert.False(Directory.Exists(Path.Combine(Out, "test")));

        File.AppendAllText(Path.Combine(Oi, "train-annotations-human-imagelabels.csv"), "t2,verification\r\n");
        var shortRow = Assert.Throws<DataFormatException>(() => Build(new LesaStoreOptions { Splits = ["train"] }));
        Assert.Contains("line 10: 2 fields", shortRow.Message);

        File.Delete(Path.Combine(Oi, "classes-trainable.txt"));
        var missing = Assert.Throws<FileNotFoundException>(() => Build(new LesaStoreOptions { Splits = ["train"] }));
        Assert.Contains(Path.Combine(Oi, "classes-trainable.txt"), missing.Message);
        Directory.CreateDirectory(Path.Combine(_root, "empty-oi"));
        var none = Assert.Throws<FileNotFoundException>(() => OpenImagesStoreBuilder.Build(Extraction, Path.Combine(_root, "empty-oi"), Out));
        Assert.Contains(Path.Combine(_root, "empty-oi", "train-annotations-human-imagelabels.csv"), none.Message);
    }

    [Fact]
    public void LESA_trains_one_epoch_on_stores_built_with_the_real_label_lists()
    {
        Skip.If(!Semantics.HasOpenImages(RepoPaths.SharedData), "shared data openimages-v4 label lists absent");
        var real = Path.Combine(_root, "oi-real");
        Directory.CreateDirectory(real);
        foreach (var f in new[] { "classes-trainable.txt", "unseen_labels.txt", "top_400_unseen.csv", "class-descriptions.csv" })
            File.Copy(RepoPaths.SharedFile("openimages-v4", f)!, Path.Combine(real, f));
        var labels = OpenImagesLabels.Load(real);
        string S(int k) => labels.SeenIds[k];
        string U(int k) => labels.UnseenIds[k];
        WriteCsv(Path.Combine(real, "train-annotations-human-imagelabels.csv"),
            $"t1,verification,{S(0)},1", $"t1,verification,{S(5)},0", $"t2,verification,{S(1)},1", $"t3,verification,{S(0)},1",
            $"t3,verification,{S(2)},1", $"t4,verification,{S(1)},1", $"x9,verification,{S(3)},1");
        WriteCsv(Path.Combine(real, "validation-annotations-human-imagelabels.csv"), $"v1,verification,{S(0)},1", $"v2,verification,{S(2)},1");
        WriteCsv(Path.Combine(real, "test-annotations-human-imagelabels.csv"),
            $"e1,verification,{U(0)},1", $"e1,verification,{S(1)},1", $"e2,verification,{U(1)},1", $"e3,verification,{U(0)},1", $"e3,verification,{U(2)},0");
        var features = Path.Combine(_root, "oi-features");
        var summary = OpenImagesStoreBuilder.Build(Extraction, real, features);
        Assert.Equal([5L, 2L, 3L], summary.Splits.Select(s => s.Items));
        var old = Environment.GetEnvironmentVariable(LesaExperiment.OpenImagesFeaturesVariable);
        Environment.SetEnvironmentVariable(LesaExperiment.OpenImagesFeaturesVariable, features);
        try
        {
            var c = ConfigJson.ApplyOverrides(LesaExperiment.RealConfig("oi-built", "lesa", 0, epochs: 1, dataset: LesaExperiment.OpenImages),
                ["options.M=2", "options.hidden=8", "training.batchSize=2", "dataset.features=3"]);
            var run = LesaExperiment.Run(c, new RunOptions(Path.Combine(_root, "runs")));
            Assert.Equal("Completed", run.Final.Stop);
            Assert.InRange(run.Final.Test["zs/map"], 0.0, 1.0);
            Assert.InRange(run.Final.Test["gzs/f1@20"], 0.0, 1.0);
        }
        finally { Environment.SetEnvironmentVariable(LesaExperiment.OpenImagesFeaturesVariable, old); }
    }
}
