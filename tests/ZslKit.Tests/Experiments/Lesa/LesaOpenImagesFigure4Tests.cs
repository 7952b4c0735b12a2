// LesaOpenImagesFigure4Tests.cs - notebook 04 (Figure 4) on real-format Open Images files: module usage on a feature store
// (IMultiLabelRegions), the heatmap subset rule from real test labels, overlay examples from real boxes mapped onto the grid
// (the tiny stores, item ids and box file of LesaOpenImagesLocalisationTests with its hand-set LESA, whose attention peaks are
// known: label a = (1, 0) on the region holding feature channel 0, b = (0, 1) on channel 1), fractional box outlines, the
// notebook's steps end to end on a temporary Open Images data folder (real label lists linked from the shared data, tiny
// stores, ids, boxes, sizes), and the refusal of dataset "openimages" when its data is missing.
using System.Text.Json.Nodes;
using ZslKit.Data;
using ZslKit.Data.Datasets;
using ZslKit.Data.FeatureStore;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;
using ZslKit.Metrics;
using ZslKit.Models;
using ZslKit.Testing;
using ZslKit.Torch;
using Semantics = ZslKit.Data.Synthetic.LabelSemantics;
using Fixture = ZslKit.Tests.Experiments.Lesa.LesaOpenImagesLocalisationTests;

namespace ZslKit.Tests.Experiments.Lesa;

[Collection("torch-global-state")]
public sealed class LesaOpenImagesFigure4Tests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("zsl-oifig4-").FullName;

    public void Dispose()
    {
        LesaNotebook.SelectDataset("synthetic");
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Usage_counts_the_selected_module_per_image_on_a_real_format_feature_store()
    {
        using var scope = torch.NewDisposeScope();
        var (data, _, _) = Fixture.Write(_root);
        using var _ = data;
        using var model = LesaAttentionTests.HandSetLesa();

        // Every image holds channel 0 and channel 1 somewhere: a selects module 0 (channel 0), b module 1 (channel 1).
        var test = LesaAttention.Usage(model, data, MultiLabelSplit.Test, [0, 1], batchSize: 3);
        Assert.Equal(new[,] { { 4, 0 }, { 0, 4 } }, test.Counts);
        Assert.Equal(4, test.Images);
        Assert.Equal(["a", "b"], test.LabelNames);
        var train = LesaAttention.Usage(model, data, MultiLabelSplit.Train, [1]);
        Assert.Equal(new[,] { { 0 }, { 2 } }, train.Counts);
        Assert.Equal(2, train.Images);
        var firstThree = LesaAttention.Usage(model, data, MultiLabelSplit.Test, [0, 1], maxImages: 3);
        Assert.Equal(new[,] { { 3, 0 }, { 0, 3 } }, firstThree.Counts);
        Assert.Equal(3, firstThree.Images);
        Assert.Equal(4, LesaAttention.Usage(model, data, MultiLabelSplit.Test, [0], maxImages: 99).Images);
        Assert.Throws<ArgumentOutOfRangeException>(() => LesaAttention.Usage(model, data, MultiLabelSplit.Test, [0], maxImages: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LesaAttention.Usage(model, data, MultiLabelSplit.Test, [2]));
    }

    /// <summary>Label of test image i in unseen column j (1 seen + 4 unseen): u0 every third image, u1 every other, u2 never,
    /// u3 every third image from 1 with the next image unannotated (0, not a positive).</summary>
    private static sbyte UnseenLabel(int i, int j) => j switch
    {
        0 => (sbyte)(i % 3 == 0 ? 1 : -1),
        1 => (sbyte)(i % 2 == 0 ? 1 : -1),
        2 => -1,
        _ => (sbyte)(i % 3 == 1 ? 1 : i % 3 == 2 ? 0 : -1),
    };

    [Fact]
    public void Heatmap_subset_on_real_data_takes_the_unseen_labels_with_the_most_positive_test_images()
    {
        const int n = 300;   // more than one 256-image label chunk
        using (var w = new FeatureStoreWriter(Path.Combine(_root, "train"), new FeatureStoreOptions([1, 1, 1], FeatureDType.Fp32, 1)))
        {
            w.Append([0f], [1]);
            w.Append([0f], [-1]);
            w.Complete();
        }
        using (var w = new FeatureStoreWriter(Path.Combine(_root, "test"), new FeatureStoreOptions([1, 1, 1], FeatureDType.Fp32, 5)))
        {
            for (int i = 0; i < n; i++) w.Append([0f], [1, UnseenLabel(i, 0), UnseenLabel(i, 1), UnseenLabel(i, 2), UnseenLabel(i, 3)]);
            w.Complete();
        }
        var sem = new Semantics(["s", "u0", "u1", "u2", "u3"], [1, 1, 1, 1, 1], 1, 1, "test vectors");
        using var data = new FeatureStoreRegions(FeatureStore.Open(Path.Combine(_root, "train")), FeatureStore.Open(Path.Combine(_root, "test")), sem,
            [0], [0, 1, 2, 3, 4], validationImages: 0, "Open Images (tiny)");

        var positives = Enumerable.Range(0, 4).Select(j => Enumerable.Range(0, n).Count(i => UnseenLabel(i, j) > 0)).ToArray();
        Assert.Equal(new[] { 100, 150, 0, 100 }, positives);   // u0 and u3 tie: the lower label index first
        var shown = LesaAttentionFigures.UnseenHeatmapLabels(data, maxAll: 0, cap: 3);
        Assert.Equal(new[] { 2, 1, 4 }, shown.Labels);
        Assert.Equal("the 3 unseen labels with the most positive test images (from the test labels; each positive in 100 to 150 of 300); " +
            "3 of the 4 unseen labels have a positive test image", shown.Description);
        Assert.Equal(new[] { 2 }, LesaAttentionFigures.UnseenHeatmapLabels(data, maxAll: 0, cap: 1).Labels);
        var all = LesaAttentionFigures.UnseenHeatmapLabels(data, maxAll: 4);
        Assert.Equal(new[] { 1, 2, 3, 4 }, all.Labels);
        Assert.Equal("all 4 unseen labels", all.Description);
    }

    [Fact]
    public void Overlay_examples_on_real_data_use_the_boxes_mapped_onto_the_grid_and_the_table3_hit_criterion()
    {
        using var scope = torch.NewDisposeScope();
        var (data, testFolder, boxFile) = Fixture.Write(_root);
        using var _ = data;
        using var model = LesaAttentionTests.HandSetLesa();
        var source = new OpenImagesBoxSource(boxFile, BoxGridMapping.Whole);
        var boxes = LesaOpenImagesLocalisation.GroundTruth(data, testFolder, Fixture.Labels, source);

        // a (seen) has boxes in images 0 (top-left: peak P[0] = 0 inside), 1 (top-left: peak P[1] = 3 outside), 3 (bottom-right: inside).
        var seen = LesaAttentionFigures.Examples(model, data, seen: true, count: 5, boxes: boxes);
        Assert.Equal(new[] { 0, 1, 3 }, seen.Select(e => e.Image));
        Assert.All(seen, e => Assert.Equal((0, "a", true), (e.Label, e.Name, e.Seen)));
        Assert.Equal(new[] { true, false, true }, seen.Select(e => e.PeakInBox));
        Assert.Equal(new Box(0, 0, 1, 1), Assert.Single(seen[1].Boxes));
        for (int k = 0; k < seen.Count; k++)
        {
            var map = seen[k].Map;
            Assert.Equal((2, 2), (map.GetLength(0), map.GetLength(1)));
            int peak = Fixture.P[seen[k].Image];
            Assert.True(map.Cast<double>().All(v => v <= map[peak / 2, peak % 2]), $"image {seen[k].Image}: the map peaks at region {peak}");
            Assert.Equal(1.0, map.Cast<double>().Sum(), 5);
        }
        // b (unseen) has boxes in images 0, 1, 2: all hits; count and the first image bound the list.
        var unseen = LesaAttentionFigures.Examples(model, data, seen: false, count: 2, boxes: boxes);
        Assert.Equal(new[] { 0, 1 }, unseen.Select(e => e.Image));
        Assert.All(unseen, e => Assert.True(e.PeakInBox && e.Label == 1 && !e.Seen));
        Assert.Equal(new[] { 1, 3 }, LesaAttentionFigures.Examples(model, data, seen: true, count: 5, firstImage: 1, boxes: boxes).Select(e => e.Image));

        // A second box of a in image 1 around its peak (bottom-right): every box is kept and one hit suffices.
        File.AppendAllLines(boxFile, [Fixture.Row("img1", "/m/a", 0.5, 1, 0.5, 1)]);
        var twoBoxes = LesaOpenImagesLocalisation.GroundTruth(data, testFolder, Fixture.Labels, source);
        var again = LesaAttentionFigures.Examples(model, data, seen: true, count: 2, boxes: twoBoxes);
        Assert.Equal(2, again[1].Boxes.Count);
        Assert.True(again[1].PeakInBox);

        var titles = JsonNode.Parse(LesaAttentionFigures.Overlays("t", seen, unseen).ToJsonString())!["layout"]!["annotations"]!.AsArray()
            .Select(a => (string)a!["text"]!).ToList();
        Assert.Contains("a (seen), image 1<br>peak outside box", titles);
        Assert.Contains("b (unseen), image 0<br>peak in box", titles);
    }

    [Fact]
    public void With_a_box_source_each_image_shows_its_lowest_index_boxed_label_of_the_kind()
    {
        using var scope = torch.NewDisposeScope();
        var bench = MultiLabelBenchmark.Create(MultiLabelBenchmarkConfig.Quick with
        {
            TrainImages = 16, TestImages = 40, GridHeight = 3, GridWidth = 3, MaxBlobSize = 2, FeatureDim = 8,
        }, "/nonexistent-zslkit-data");
        var boxes = LesaLocalisation.GroundTruth(bench);   // the planted boxes as a box source, keyed as the real ones are
        using var model = new LesaTrainable(new LesaConfig
        {
            Modules = 2, FeatureDim = 8, AttentionHidden = 4, WordDim = bench.Semantics.Dim, GridHeight = 3, GridWidth = 3,
        });
        var examples = LesaAttentionFigures.Examples(model, bench, seen: true, count: 1000, boxes: boxes);

        // Independent expectation from the planted labels: per test image, the lowest seen non-abstract planted label.
        var expected = new List<(int, int)>();
        int reordered = 0;
        for (int i = 0; i < bench.ImageCount(MultiLabelSplit.Test); i++)
        {
            var labels = bench.PlantedLabels(MultiLabelSplit.Test, i).Where(p => !p.IsAbstract && p.Label < bench.SeenCount).Select(p => p.Label).ToList();
            if (labels.Count == 0) continue;
            expected.Add((i, labels.Min()));
            if (labels[0] != labels.Min()) reordered++;
        }
        Assert.True(reordered > 0, "some image's first planted seen label is not its lowest one (the rule is exercised)");
        Assert.Equal(expected, examples.Select(e => (e.Image, e.Label)));
        foreach (var e in examples)
        {
            var box = bench.PlantedLabels(MultiLabelSplit.Test, e.Image).Single(p => p.Label == e.Label).Box;
            Assert.Equal(LesaLocalisation.ToBox(box), Assert.Single(e.Boxes));
            int peak = Enumerable.Range(0, 9).Aggregate((best, r) => e.Map[r / 3, r % 3] > e.Map[best / 3, best % 3] ? r : best);
            Assert.Equal(box.Contains(peak / 3, peak % 3), e.PeakInBox);
        }
    }

    [Fact]
    public void Overlays_on_real_data_without_boxes_and_boxes_of_other_data_are_refused()
    {
        using var scope = torch.NewDisposeScope();
        var (data, _, _) = Fixture.Write(_root);
        using var _ = data;
        using var model = LesaAttentionTests.HandSetLesa();
        Assert.Contains("LesaOpenImagesLocalisation.GroundTruth", Assert.Throws<ArgumentException>(() => LesaAttentionFigures.Examples(model, data, true, 2)).Message);
        var foreign = new Dictionary<(int Image, int Label), IReadOnlyList<Box>> { [(4, 0)] = [new Box(0, 0, 1, 1)] };
        Assert.Contains("(image 4, label 0)", Assert.Throws<ArgumentException>(() => LesaAttentionFigures.Examples(model, data, true, 2, boxes: foreign)).Message);
    }

    [Fact]
    public void Fractional_boxes_are_outlined_over_the_pixels_they_cover()
    {
        int p = LesaAttentionFigures.CellPixels;
        // x 0.5..1.5, y 0..0.25 on a 2x2 grid: pixels x 8..23, y 0..3.
        var img = LesaAttentionFigures.Render(2, 2, [new Box(0.5, 0, 1, 0.25)]);
        Assert.Equal(255, img[0, p / 2, 0]);
        Assert.Equal(255, img[p / 4 - 1, 3 * p / 2 - 1, 0]);
        Assert.NotEqual(255, img[0, p / 2 - 1, 0]);
        Assert.NotEqual(255, img[p / 4, p, 0]);
        // Whole-cell boxes render as the synthetic planted box does.
        var grid = new GridBox(1, 0, 1, 2);
        Assert.Equal(LesaAttentionFigures.Render(2, 2, grid), LesaAttentionFigures.Render(2, 2, [new Box(0, 1, 2, 1)]));
        Assert.Equal(255, LesaAttentionFigures.Render(2, 2, grid)[p, 0, 0]);
    }

    /// <summary>A store of [2, 2, 4] items with random features; each item has 1 to 4 positive label columns, the rest -1,
    /// plus the columns <paramref name="positives"/> gives for the item.</summary>
    internal static void WriteStore(string folder, int items, int labels, int seed, Func<int, int[]>? positives = null)
    {
        var rng = new Random(seed);
        using var w = new FeatureStoreWriter(folder, new FeatureStoreOptions([2, 2, 4], FeatureDType.Fp32, labels, ItemsPerChunk: 16));
        for (int i = 0; i < items; i++)
        {
            var f = Enumerable.Range(0, 16).Select(_ => (float)rng.NextDouble()).ToArray();
            var y = Enumerable.Repeat((sbyte)-1, labels).ToArray();
            for (int k = rng.Next(1, 5); k > 0; k--) y[rng.Next(labels)] = 1;
            foreach (var c in positives?.Invoke(i) ?? []) y[c] = 1;
            w.Append(f, y);
        }
        w.Complete();
    }

    [Fact]
    public void Notebook_04s_steps_run_on_a_tiny_real_format_open_images_folder()
    {
        Skip.If(!Semantics.HasOpenImages(RepoPaths.SharedData), "shared data openimages-v4 label lists absent");
        using var scope = torch.NewDisposeScope();
        // <data>/openimages-v4: the real label lists (linked), tiny stores in the official layout, item ids, boxes, image sizes.
        var dataDir = Path.Combine(_root, "data");
        var oi = Directory.CreateDirectory(Path.Combine(dataDir, "openimages-v4")).FullName;
        foreach (var f in Directory.GetFiles(Path.Combine(RepoPaths.SharedData!, "openimages-v4")))
            File.CreateSymbolicLink(Path.Combine(oi, Path.GetFileName(f)), f);
        var features = Path.Combine(oi, "features");
        const int seenCount = 7186, testItems = 12;
        WriteStore(Path.Combine(features, "train"), 40, seenCount + 400, seed: 1);
        WriteStore(Path.Combine(features, "validation"), 8, seenCount, seed: 2);
        // Test labels seen then the 400 unseen: unseen 0 positive in 6 images, unseen 1 in 3, unseen 2 in 1.
        WriteStore(Path.Combine(features, "test"), testItems, seenCount + 400, seed: 3,
            i => Enumerable.Range(0, 3).Where(k => i < new[] { 6, 3, 1 }[k]).Select(k => seenCount + k).ToArray());
        File.WriteAllLines(Path.Combine(features, "test", LesaOpenImagesLocalisation.ItemIdsFileName), Enumerable.Range(0, testItems).Select(i => $"t{i}"));
        var labels = OpenImagesLabels.Load(oi);
        var rows = new List<string> { OpenImagesBoxes.Header };
        for (int i = 0; i < testItems; i++)
        {
            rows.Add(Fixture.Row($"t{i}", labels.SeenIds[i % 5], 0.1, 0.6, 0.2, 0.7));
            if (i % 2 == 0) rows.Add(Fixture.Row($"t{i}", labels.UnseenIds[i % 3], 0, 1, 0, 1));
        }
        File.WriteAllLines(Path.Combine(oi, OpenImagesBoxes.TestFileName), rows);
        File.WriteAllLines(Path.Combine(oi, LesaOpenImagesLocalisation.ImageSizesFileName),
            ["ImageID,Width,Height", .. Enumerable.Range(0, testItems).Select(i => $"t{i},640,480")]);

        var previous = Environment.GetEnvironmentVariable(SharedData.EnvironmentVariable);
        var previousFeatures = Environment.GetEnvironmentVariable(LesaExperiment.OpenImagesFeaturesVariable);
        Environment.SetEnvironmentVariable(SharedData.EnvironmentVariable, dataDir);
        Environment.SetEnvironmentVariable(LesaExperiment.OpenImagesFeaturesVariable, null);
        try
        {
            Assert.Empty(LesaOpenImagesLocalisation.Missing());
            var preset = LesaAttentionData.LocalisationPreset("openimages", quick: true);
            Assert.Equal("openimages", LesaNotebook.Dataset);
            var (bench, cache) = LesaAttentionData.LocalisationData("openimages", preset);
            Assert.Null(cache);
            Assert.IsType<FeatureStoreRegions>(bench);
            var run = LesaExperiment.Run(LesaNotebook.Config(preset, "lesa", 0, adjust: c => ConfigJson.ApplyOverrides(c, ["options.hidden=8", "training.epochs=1"])),
                new RunOptions(Path.Combine(_root, "runs")));
            using var lesa = (LesaTrainable)LesaExperiment.LoadModel(run);

            var unseen = Enumerable.Range(bench.SeenCount, bench.UnseenCount).ToList();
            var usage = LesaAttention.Usage(lesa, bench, MultiLabelSplit.Train, unseen, 16, cache, maxImages: 10);
            Assert.Equal((10, 400), (usage.Images, usage.Labels.Count));
            for (int j = 0; j < 400; j++) Assert.Equal(10, Enumerable.Range(0, usage.Modules).Sum(m => usage.Counts[m, j]));

            // The heatmap subset: no unshown unseen label has more positive test images than a shown one.
            var testLabels = LesaBatches.SplitLabels(bench, MultiLabelSplit.Test);
            int l = bench.LabelCount(MultiLabelSplit.Test);
            int Positives(int label) => Enumerable.Range(0, testItems).Count(i => testLabels[i * l + label] > 0);
            var shown = LesaAttentionFigures.UnseenHeatmapLabels(bench, maxAll: 100, cap: 40);
            Assert.Equal(Math.Min(40, unseen.Count(u => Positives(u) > 0)), shown.Labels.Count);
            Assert.Contains("with the most positive test images (from the test labels", shown.Description);
            int leastShown = shown.Labels.Min(Positives);
            Assert.All(unseen.Except(shown.Labels), u => Assert.True(Positives(u) <= leastShown));
            Assert.Equal(new[] { seenCount, seenCount + 1 }, shown.Labels.Take(2));

            // Overlays: test images in item order with a box of the kind; the boxes went through the official crop
            // (640x480 -> resize 341x256, crop x [58, 282], y [16, 240]): x 0.1..0.6, y 0.2..0.7 -> grid x 0..1.3089, y 0.3143..1.4571.
            var boxes = LesaOpenImagesLocalisation.GroundTruth(bench);
            var seenExamples = LesaAttentionFigures.Examples(lesa, bench, seen: true, 3, boxes: boxes);
            Assert.Equal(new[] { (0, 0), (1, 1), (2, 2) }, seenExamples.Select(e => (e.Image, e.Label)));
            var b = Assert.Single(seenExamples[0].Boxes);
            Assert.Equal(0, b.X, 12);
            Assert.Equal((0.6 * 341 - 58) / 112, b.W, 9);
            Assert.Equal((0.2 * 256 - 16) / 112, b.Y, 9);
            Assert.Equal((0.7 * 256 - 16) / 112, b.Bottom, 9);
            var unseenExamples = LesaAttentionFigures.Examples(lesa, bench, seen: false, 3, boxes: boxes);
            Assert.Equal(new[] { (0, seenCount), (2, seenCount + 2), (4, seenCount + 1) }, unseenExamples.Select(e => (e.Image, e.Label)));
            Assert.All(unseenExamples, e => Assert.True(e.PeakInBox));   // a whole-image box covers every cell
            Assert.Equal(labels.UnseenNames[2], unseenExamples[1].Name);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SharedData.EnvironmentVariable, previous);
            Environment.SetEnvironmentVariable(LesaExperiment.OpenImagesFeaturesVariable, previousFeatures);
        }
    }

    [Fact]
    public void The_figure4_notebook_shares_notebook_05s_open_images_check_and_refuses_when_data_is_missing()
    {
        var source = string.Join("\n", JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "notebooks", "04-lesa-figure4-attention.ipynb")))!["cells"]!
            .AsArray().SelectMany(c => c!["source"]!.AsArray().Select(l => (string)l!)));
        Assert.Contains("LesaAttentionData.LocalisationPreset(dataset, quick)", source);
        Assert.Contains("LesaAttentionData.LocalisationData(dataset, preset)", source);
        Assert.Contains("LesaOpenImagesLocalisation.GroundTruth(bench)", source);

        var previous = Environment.GetEnvironmentVariable(SharedData.EnvironmentVariable);
        var features = Environment.GetEnvironmentVariable(LesaExperiment.OpenImagesFeaturesVariable);
        Environment.SetEnvironmentVariable(SharedData.EnvironmentVariable, _root);   // an empty data folder
        Environment.SetEnvironmentVariable(LesaExperiment.OpenImagesFeaturesVariable, null);
        try
        {
            var e = Assert.Throws<NotSupportedException>(() => LesaAttentionData.LocalisationPreset("openimages", quick: true));
            Assert.Contains("Figure 4 overlays", e.Message);
            Assert.Contains("region feature stores", e.Message);
            Assert.Contains(OpenImagesBoxes.TestFileName, e.Message);
            Assert.Contains("dataset=\"synthetic-openimages\"", e.Message);
            Assert.Contains("localises on Open Images only", Assert.Throws<NotSupportedException>(() => LesaAttentionData.LocalisationPreset("nus-wide", quick: true)).Message);
            Assert.Contains("LocalisationPreset", Assert.Throws<NotSupportedException>(() => LesaAttentionData.Preset("openimages", quick: true)).Message);
            Assert.Equal("synthetic", LesaNotebook.Dataset);   // nothing was selected
        }
        finally
        {
            Environment.SetEnvironmentVariable(SharedData.EnvironmentVariable, previous);
            Environment.SetEnvironmentVariable(LesaExperiment.OpenImagesFeaturesVariable, features);
        }
    }
}
