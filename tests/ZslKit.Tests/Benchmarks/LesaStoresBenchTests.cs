// LesaStoresBenchTests.cs - `zsl bench lesa-stores` in-process at a tiny size: settings validation, the report's JSON
// shape, the built NUS-WIDE and Open Images stores opened and checked item by item against the generator's rules and the
// extraction, and the temporary folder removed afterwards (also when the run fails). No timing assertions.
using System.Text.Json;
using ZslKit.Benchmarks;
using ZslKit.Data;
using ZslKit.Data.Datasets;
using ZslKit.Data.FeatureStore;
using ZslKit.Torch;

namespace ZslKit.Tests.Benchmarks;

[Collection("torch-global-state")]
public sealed class LesaStoresBenchTests
{
    // 10 items in shards of 4 (4 + 4 + 2); Imagelist rows 0..22; 45 CSV rows = ImageIDs 0..11, 4 rows each (the last has 1).
    private static readonly string[] Tiny = ["items=10", "shard=4", "images=23", "csv-rows=45"];

    private static BenchContext Context(params string[] overrides)
    {
        var target = new LesaStoresBench();
        return new BenchContext(torch.CPU, new BenchRepetitions(Warmup: 1, Reps: 2), new BenchSettings(target.Name, target.Defaults, [.. Tiny, .. overrides]),
            Threads: null, Twin: null, Log: _ => { });
    }

    [Fact]
    public void The_defaults_are_the_real_label_file_scale_and_the_target_is_registered_without_a_twin()
    {
        var t = new LesaStoresBench();
        var d = t.Defaults;
        Assert.Equal(("both", "2048", "1024", "269648", "4000000", "auto"), (d["dataset"], d["items"], d["shard"], d["images"], d["csv-rows"], d["lists"]));
        Assert.False(t.HasTwin);
        Assert.IsType<LesaStoresBench>(BenchRegistry.Find("lesa-stores"));
    }

    [Fact]
    public void Bad_settings_name_the_setting_before_anything_is_written()
    {
        var t = new LesaStoresBench();
        Assert.Contains("setting 'dataset' must be nus-wide, openimages or both, got 'coco'",
            Assert.Throws<ArgumentException>(() => t.Run(Context("dataset=coco"))).Message);
        Assert.Contains("setting 'items' (10) must be <= 'images' (9)",
            Assert.Throws<ArgumentException>(() => t.Run(Context("images=9"))).Message);
        Assert.Contains("setting 'csv-rows' (39) must be >= 4 x 'items' (40)",
            Assert.Throws<ArgumentException>(() => t.Run(Context("csv-rows=39", "dataset=openimages"))).Message);
        Assert.Contains("setting 'lists' must be auto or generated, got 'real'",
            Assert.Throws<ArgumentException>(() => t.Run(Context("lists=real"))).Message);
        t.Run(Context("csv-rows=1", "dataset=nus-wide"));   // the CSV size does not matter without Open Images
    }

    [Fact]
    public void A_tiny_run_builds_valid_nus_wide_and_open_images_stores_and_removes_its_folder()
    {
        var checkedBuilds = new List<string>();
        string? root = null;
        var target = new LesaStoresBench(b =>
        {
            root = Path.GetDirectoryName(b.Output);
            if (b.Dataset == "nus-wide") CheckNusWide(b);
            else CheckOpenImages(b);
            checkedBuilds.Add(b.Dataset);
        });
        var result = target.Run(Context());
        Assert.Equal(["nus-wide", "openimages"], checkedBuilds);
        Assert.False(Directory.Exists(root), $"{root} was not removed");

        Assert.Equal(2, result.Measurements.Count);
        var (nus, oi) = (result.Measurements[0], result.Measurements[1]);
        Assert.Equal("nus-wide build (train 8 + test 2 items; 23 Imagelist rows)", nus.Name);
        Assert.Equal("openimages build --split train (10 items; 45 CSV rows)", oi.Name);
        foreach (var m in result.Measurements)
        {
            Assert.Equal(10, m.ItemsPerRep);
            Assert.Equal("images", m.ItemUnit);
            Assert.Equal(2, m.Ours.Wall.Count);
            Assert.Null(m.PyTorch);
        }
        Assert.Equal(8, result.Metrics["nusTrainItems"]);
        Assert.Equal(2, result.Metrics["nusTestItems"]);
        Assert.Equal(10, result.Metrics["oiTrainItems"]);
        Assert.Equal(0, result.Metrics["oiWithoutLabels"]);
        Assert.Equal(10 * 196 * 512 * 2, result.Metrics["extractionBytes"]);
        var real = SharedData.Find() is { } shared && File.Exists(Path.Combine(shared, "nus-wide", "TagList1k.txt"));
        Assert.Contains(result.Notes, n => n.StartsWith("NUS-WIDE TagList1k/Concepts81: " + (real ? "real" : "generated stand-ins"), StringComparison.Ordinal));
    }

    [Fact]
    public void Lists_generated_builds_valid_stores_from_stand_in_tag_concept_and_class_lists_and_says_so()
    {
        var seen = new List<string>();
        var target = new LesaStoresBench(b =>
        {
            if (b.Dataset == "nus-wide")
            {
                Assert.Equal("concept00", File.ReadLines(Path.Combine(b.Labels, "Concepts81.txt")).First());
                CheckNusWide(b);
            }
            else
            {
                Assert.Equal("/m/std00000", File.ReadLines(Path.Combine(b.Labels, "classes-trainable.txt")).First());
                CheckOpenImages(b);
            }
            seen.Add(b.Dataset);
        });
        var result = target.Run(Context("lists=generated"));
        Assert.Equal(["nus-wide", "openimages"], seen);
        Assert.Contains("NUS-WIDE TagList1k/Concepts81: generated stand-ins (1,000 / 81 names; lists=generated)", result.Notes);
        Assert.Contains("Open Images classes-trainable.txt: generated stand-in (7186 ids; lists=generated)", result.Notes);
    }

    [Fact]
    public void The_report_has_the_bench_json_shape_with_one_measurement_per_dataset()
    {
        var report = BenchRegistry.Run(new BenchRunOptions("lesa-stores", torch.CPU, new BenchRepetitions(0, 1), Overrides: [.. Tiny, "dataset=openimages"]));
        using var doc = JsonDocument.Parse(report.ToJson());
        var r = doc.RootElement;
        Assert.Equal("zslkit-bench/1", r.GetProperty("schema").GetString());
        Assert.Equal("lesa-stores", r.GetProperty("target").GetString());
        Assert.Equal("openimages", r.GetProperty("settings").GetProperty("dataset").GetString());
        Assert.Equal("45", r.GetProperty("settings").GetProperty("csv-rows").GetString());
        var m = Assert.Single(r.GetProperty("measurements").EnumerateArray());
        Assert.StartsWith("openimages build", m.GetProperty("name").GetString());
        Assert.Equal(1, m.GetProperty("ours").GetProperty("wall").GetProperty("count").GetInt32());
        Assert.True(m.GetProperty("ours").GetProperty("wall").GetProperty("median").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, m.GetProperty("pyTorch").ValueKind);
        Assert.Equal(10, r.GetProperty("metrics").GetProperty("oiTrainItems").GetDouble());
        Assert.False(r.GetProperty("metrics").TryGetProperty("nusTrainItems", out _));
        Assert.Equal("cpu", r.GetProperty("environment").GetProperty("device").GetString());
    }

    [Fact]
    public void A_failing_run_still_removes_its_temporary_folder()
    {
        string? root = null;
        var target = new LesaStoresBench(b =>
        {
            root = Path.GetDirectoryName(b.Output);
            throw new InvalidOperationException("inspection failed");
        });
        Assert.Equal("inspection failed", Assert.Throws<InvalidOperationException>(() => target.Run(Context("dataset=nus-wide"))).Message);
        Assert.NotNull(root);
        Assert.False(Directory.Exists(root), $"{root} was not removed");
    }

    /// <summary>The first extracted item (every item of a shard is the same generated one) as the builders read it.</summary>
    private static float[] ExtractedItem(LesaStoresBuild b, int shard)
    {
        var x = ExtractionShards.Open(Path.Combine(Path.GetDirectoryName(b.Labels)!, "feats"));
        Assert.Equal(3, x.Shards.Count);
        using var store = FeatureStore.Open(x.Shards[shard].Folder);
        var item = new float[store.ItemElements];
        store.ReadItem(0, item);
        return item;
    }

    private static void CheckNusWide(LesaStoresBuild b)
    {
        var tags = File.ReadAllLines(Path.Combine(b.Labels, "TagList1k.txt")).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        var concepts = File.ReadAllLines(Path.Combine(b.Labels, "Concepts81.txt")).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        Assert.Equal((1000, 81), (tags.Length, concepts.Length));
        var conceptTag = tags.Select(concepts.Contains).ToArray();
        Assert.Equal(75, conceptTag.Count(c => c));   // real lists and stand-ins alike
        foreach (var (split, expected) in new[] { ("train", new[] { 0, 1, 2, 3, 5, 6, 7, 8 }), ("test", new[] { 4, 9 }) })
        {
            var folder = Path.Combine(b.Output, split);
            using var store = FeatureStore.Open(folder, verifyChecksums: true);
            Assert.Equal(expected.Length, store.Count);
            Assert.Equal(1081, store.LabelCount);
            Assert.Equal(196 * 512, store.ItemElements);
            Assert.Equal(expected.Select(LesaStoresBench.ImageListEntry), File.ReadAllLines(Path.Combine(folder, "item-ids.txt")));
            var item = new float[store.ItemElements];
            for (int k = 0; k < expected.Length; k++)
            {
                int i = expected[k];
                var labels = store.Labels(k);
                for (int t = 0; t < 1000; t++)
                    Assert.Equal(conceptTag[t] ? 0 : LesaStoresBench.TagPositive(i, t) ? 1 : -1, labels[t]);
                for (int c = 0; c < 81; c++)
                    Assert.Equal(LesaStoresBench.ConceptPositive(i, c) ? 1 : -1, labels[1000 + c]);
                store.ReadItem(k, item);
                Assert.Equal(ExtractedItem(b, i / 4), item);
            }
        }
        Assert.Empty(b.Summary.Unmatched);
    }

    private static void CheckOpenImages(LesaStoresBuild b)
    {
        var classes = File.ReadAllLines(Path.Combine(b.Labels, "classes-trainable.txt")).Where(l => l.Trim().Length > 0).ToArray();
        Assert.Equal(LesaStoresBench.StandInClasses, classes.Length);
        Assert.False(Directory.Exists(Path.Combine(b.Output, "test")));
        var folder = Path.Combine(b.Output, "train");
        using var store = FeatureStore.Open(folder, verifyChecksums: true);
        Assert.Equal(10, store.Count);
        Assert.Equal(classes.Length, store.LabelCount);
        Assert.Equal(Enumerable.Range(0, 10).Select(LesaStoresBench.ImageId), File.ReadAllLines(Path.Combine(folder, "item-ids.txt")));
        var item = new float[store.ItemElements];
        for (int i = 0; i < 10; i++)
        {
            var expected = new sbyte[classes.Length];
            for (long r = 4L * i; r < 4L * i + 4; r++)
            {
                var (image, cls, positive) = LesaStoresBench.CsvRow(r, classes.Length);
                Assert.Equal(i, image);
                expected[cls] = positive ? (sbyte)1 : (sbyte)-1;
            }
            Assert.Equal(expected, store.Labels(i).ToArray());
            Assert.Contains(store.Labels(i).ToArray(), v => v != 0);
            store.ReadItem(i, item);
            Assert.Equal(ExtractedItem(b, i / 4), item);
        }
    }
}
