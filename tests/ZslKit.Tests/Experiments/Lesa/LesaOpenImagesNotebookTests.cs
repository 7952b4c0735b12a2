// LesaOpenImagesNotebookTests.cs - the Open Images-shaped paths of the LESA notebooks 03 (Figure 3 sweeps), 04 (Figure 4
// attention) and 05 (Table 3 + Figure 5 localisation) on a tiny OI config: dataset selection and preset, the benchmark shared
// with notebook 01's runs (same config hash, so a notebook-01 run is reused), the stand-in fallback without shared data,
// metric keys at K 10/20, the Figure 4 heatmap's label subset, and the refusals for real datasets.
using ZslKit.Data;
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Claims;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;
using ZslKit.Models;
using ZslKit.Testing;
using Semantics = ZslKit.Data.Synthetic.LabelSemantics;

namespace ZslKit.Tests.Experiments.Lesa;

[Collection("torch-global-state")]
public sealed class LesaOpenImagesNotebookTests : IDisposable
{
    private const string NoData = "/nonexistent-zslkit-data";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "zslkit-lesa-oinb-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Open Images-shaped and small: 3x3 regions, D 8, 48 training (12 validation) and 24 test images, H 8, M 2,
    /// one epoch (7,186 seen / 400 unseen labels as in the real presets).</summary>
    private static readonly LesaPreset TinyOi = LesaPresets.OpenImagesQuick with
    {
        Name = "oinb-tiny",
        Benchmark = LesaPresets.OpenImagesQuick.Benchmark with
        {
            TrainImages = 48, ValidationFraction = 0.25, TestImages = 24, GridHeight = 3, GridWidth = 3, MaxBlobSize = 2, FeatureDim = 8, Seed = 3,
        },
        Hidden = 8, Modules = 2,
        Training = LesaPresets.OpenImagesQuick.Training with { Epochs = 1, BatchSize = 16 },
    };

    public void Dispose()
    {
        LesaNotebook.SelectDataset("synthetic");
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private RunOptions Options() => new(_root);

    [Fact]
    public void Attention_data_selects_synthetic_openimages_with_the_open_images_preset_and_notebook_01s_benchmark()
    {
        Assert.Same(LesaPresets.OpenImagesQuick, LesaAttentionData.Preset("synthetic-openimages", quick: true));
        Assert.True(LesaNotebook.OpenImages);
        Assert.Same(LesaPresets.OpenImagesFull, LesaAttentionData.Preset("synthetic-openimages", quick: false));
        var (bench, cache) = LesaAttentionData.Benchmark("synthetic-openimages", TinyOi);
        Assert.Equal((7186, 400), (bench.SeenCount, bench.UnseenCount));
        // the very instance (and feature cache) the LesaExperiment runs of notebook 01 train on
        var config = LesaNotebook.Config(TinyOi, "lesa", 0);
        Assert.Equal("synthetic-openimages-oinb-tiny", config.Experiment);
        var (same, sameCache) = LesaExperiment.Benchmark(config);
        Assert.Same(bench, same);
        Assert.Same(cache, sameCache);
        Assert.Equal(TinyOi.Benchmark, bench.Config);
        Assert.Equal(Semantics.HasOpenImages(SharedData.Find()) ? LesaExperiment.SyntheticOpenImages : LesaExperiment.SyntheticOpenImagesStandIn,
            config.DatasetOrDefault.Name);
        // the NUS-shaped dataset gives back the NUS preset; a preset of the other label space is refused
        Assert.Same(LesaPresets.Quick, LesaAttentionData.Preset("synthetic", quick: true));
        Assert.Contains("LesaNotebook.Preset", Assert.Throws<ArgumentException>(() => LesaAttentionData.Benchmark("synthetic-openimages", LesaPresets.Quick)).Message);
        Assert.Contains("LesaNotebook.Preset", Assert.Throws<ArgumentException>(() => LesaAttentionData.Benchmark("synthetic", TinyOi)).Message);
    }

    [Fact]
    public void Synthetic_openimages_carries_the_real_label_names_when_the_shared_data_has_them()
    {
        Skip.If(!Semantics.HasOpenImages(RepoPaths.SharedData), "shared data openimages-v4 label lists absent");
        var (bench, _) = LesaAttentionData.Benchmark("synthetic-openimages", TinyOi);
        Assert.StartsWith("openimages-names+stand-in-vectors:", bench.Semantics.Source);
        Assert.Equal(LesaExperiment.SyntheticOpenImages, LesaNotebook.Config(TinyOi, "lesa", 0).DatasetOrDefault.Name);
    }

    [Fact]
    public void Without_shared_data_the_attention_notebooks_fall_back_to_the_stand_in_open_images_benchmark()
    {
        var previous = Environment.GetEnvironmentVariable(SharedData.EnvironmentVariable);
        Environment.SetEnvironmentVariable(SharedData.EnvironmentVariable, Path.Combine(_root, "no-shared-data"));
        try
        {
            var (bench, _) = LesaAttentionData.Benchmark("synthetic-openimages", TinyOi);
            Assert.True(bench.Semantics.IsStandIn);
            Assert.Equal((7186, 400), (bench.SeenCount, bench.UnseenCount));
            var config = LesaNotebook.Config(TinyOi, "lesa", 0);
            Assert.Equal(LesaExperiment.SyntheticOpenImagesStandIn, config.DatasetOrDefault.Name);
            var run = LesaExperiment.Run(config, Options());
            Assert.Equal("Completed", run.Final.Stop);
            Assert.All(LesaProtocol.OpenImages.TestKeys("zs").Concat(LesaProtocol.OpenImages.TestKeys("gzs")),
                key => Assert.InRange(run.Final.Test[key], 0.0, 1.0));
            using var model = (LesaTrainable)LesaExperiment.LoadModel(run);
            var loc = LesaLocalisation.Evaluate(model, bench);
            Assert.Equal(7586, loc.IsSeen.Length);
            Assert.InRange(loc.Report.MapUnseen, 0.0, 1.0);
        }
        finally { Environment.SetEnvironmentVariable(SharedData.EnvironmentVariable, previous); }
    }

    [Fact]
    public void Table3_on_open_images_reuses_notebook_01s_run_and_scores_the_planted_boxes_of_unseen_labels()
    {
        LesaNotebook.SelectDataset("synthetic-openimages");
        // notebook 01's path for the LESA row: LesaNotebook.Config run by LesaExperiment into the runs root
        var first = LesaExperiment.Run(LesaNotebook.Config(TinyOi, "lesa", 0), Options());
        Assert.Equal("map", first.Config.TrainingOrDefault.SelectionMetric);
        Assert.Equal(5.0, first.Config.TrainingOrDefault.ClipGradNorm);
        Assert.Contains("zs/f1@10", first.Final.Test.Keys);
        Assert.Contains("gzs/r@20", first.Final.Test.Keys);
        Assert.DoesNotContain("zs/f1@3", first.Final.Test.Keys);

        var table3 = LesaLocalisationTable3.Run(TinyOi, [0], runs: Options());
        var lesa = table3.Runs.Single(r => r.Row.Key == "lesa");
        Assert.True(lesa.Reused);
        Assert.Equal(first.Folder, lesa.Training.Folder);
        Assert.Equal(ConfigJson.Hash(first.Config), ConfigJson.Hash(lesa.Training.Config));
        Assert.False(table3.Runs.Single(r => r.Row.Key == "attention-per-label").Reused);

        var (bench, _) = LesaExperiment.Benchmark(first.Config);
        var truth = LesaLocalisation.GroundTruth(bench);
        int boxedUnseen = truth.Keys.Where(k => k.Label >= bench.SeenCount).Select(k => k.Label).Distinct().Count();
        Assert.True(boxedUnseen > 0, "no unseen label has a planted box in the tiny test split");
        foreach (var run in table3.Runs)
        {
            Assert.Equal(7586, run.Localisation.IsSeen.Length);
            Assert.Equal(boxedUnseen, run.Localisation.Report.BoxedImages.Skip(bench.SeenCount).Count(g => g > 0));
            Assert.InRange(run.Localisation.Report.MapUnseen, 0.0, 1.0);
            Assert.InRange(run.Training.Final.Test["zs/f1@10"], 0.0, 1.0);
        }
        var gains = LesaLocalisation.PerLabelImprovement(table3.Mean[^1], table3.Mean[0]);
        Assert.Equal(boxedUnseen, gains.Count);
    }

    [Fact]
    public void Figure4_on_open_images_counts_every_unseen_label_and_shows_those_planted_in_the_most_test_images()
    {
        LesaNotebook.SelectDataset("synthetic-openimages");
        var (bench, cache) = LesaAttentionData.Benchmark("synthetic-openimages", TinyOi);
        var run = LesaExperiment.Run(LesaNotebook.Config(TinyOi, "lesa", 0), Options());
        using var lesa = (LesaTrainable)LesaExperiment.LoadModel(run);
        var unseen = Enumerable.Range(bench.SeenCount, bench.UnseenCount).ToList();
        var usage = LesaAttention.Usage(lesa, bench, MultiLabelSplit.Train, unseen, 16, cache);
        Assert.Equal(400, usage.Labels.Count);

        var shown = LesaAttentionFigures.UnseenHeatmapLabels(bench, maxAll: 100, cap: 5);
        // independent count: test images in which each unseen label is planted
        var images = new Dictionary<int, int>();
        for (int i = 0; i < bench.ImageCount(MultiLabelSplit.Test); i++)
            foreach (var p in bench.PlantedLabels(MultiLabelSplit.Test, i).Where(p => p.Label >= bench.SeenCount))
                images[p.Label] = images.GetValueOrDefault(p.Label) + 1;
        var expected = images.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).Take(5).Select(kv => kv.Key).ToList();
        Assert.Equal(expected, shown.Labels);
        Assert.Contains($"{images.Count} of the 400 unseen labels occur in the test split", shown.Description);

        var columns = usage.Columns(shown.Labels);
        for (int k = 0; k < shown.Labels.Count; k++)
        {
            int j = unseen.IndexOf(shown.Labels[k]);
            Assert.Equal(bench.Semantics.Names[shown.Labels[k]], columns.LabelNames[k]);
            for (int m = 0; m < usage.Modules; m++) Assert.Equal(usage.Counts[m, j], columns.Counts[m, k]);
        }
        var heatmap = LesaAttentionFigures.UsageHeatmap(columns, "t").ToJsonString();
        Assert.True(heatmap.Length < 20_000, $"heatmap JSON of 5 labels is {heatmap.Length} characters");
        Assert.Throws<ArgumentException>(() => usage.Columns([0]));   // a seen label is no column of the unseen usage
        // NUS-WIDE's 81 unseen labels are all shown, in label order
        var nusBench = MultiLabelBenchmark.Create(MultiLabelBenchmarkConfig.Quick with
        {
            TrainImages = 16, TestImages = 8, GridHeight = 3, GridWidth = 3, MaxBlobSize = 2, FeatureDim = 8,
        }, NoData);
        var nus = LesaAttentionFigures.UnseenHeatmapLabels(nusBench);
        Assert.Equal(81, nus.Labels.Count);
        Assert.Equal(Enumerable.Range(925, 81), nus.Labels);
        Assert.Equal("all 81 unseen labels", nus.Description);
    }

    [Fact]
    public void Figure3_on_open_images_plots_f1_at_10_and_map_and_its_claims_use_them()
    {
        LesaNotebook.SelectDataset("synthetic-openimages");
        var plan = new LesaSweepPlan([1, 2], [1]);
        var figure = LesaSweeps.Define(TinyOi, plan, [0]);
        Assert.Equal(["zs/f1@10", "zs/map", "gzs/f1@10", "gzs/map"], figure.Metrics);
        Assert.Equal(["zs/f1@3", "zs/map", "gzs/f1@3", "gzs/map"], LesaSweeps.Define(LesaPresets.Quick, plan, [0], dataDir: NoData).Metrics);
        Assert.All(figure.Sweeps.SelectMany(s => s.Cells).Append(figure.Baselines[0]), c => Assert.True(LesaExperiment.IsOpenImages(c.Config.DatasetOrDefault.Name)));
        // the paper point of the M sweep is notebook 01's LESA run
        Assert.Equal(ConfigJson.Hash(LesaNotebook.Config(TinyOi, "lesa", 0)),
            ConfigJson.Hash(figure.Sweep(LesaSweepAxis.Modules).Cells.Single(c => c.Value == TinyOi.Modules).Config));

        var sweep = LesaSweeps.Run(figure, Options());
        Assert.Equal(3, sweep.Rows.Count);   // Fast0Tag, M=1, M=2 (= every λ sweep's paper point)
        var result = LesaSweeps.Improvements(figure, sweep.Rows.Select(r => r.Run).ToList());
        Assert.Empty(result.Missing);
        var runs = sweep.Rows.Select(r => r.Run).ToDictionary(r => r.Config.Method == "fast0tag" ? "base" : $"M{r.Config.Options!["M"]}");
        var m2 = result.Get(LesaSweepAxis.Modules, "zs/f1@10");
        Assert.Equal(100 * (runs["M2"].Final.Test["zs/f1@10"] - runs["base"].Final.Test["zs/f1@10"]), m2.Mean[1], 9);
        Assert.Throws<ArgumentException>(() => result.Get(LesaSweepAxis.Modules, "zs/f1@3"));
        Assert.Contains("ZS F1@10 Δ (pp)", result.ToMarkdown());

        var claims = ClaimReport.Evaluate(LesaSweepClaims.For(figure), sweep.Rows.Select(r => r.Run).ToList());
        Assert.Contains(claims, c => c.Id == "fig3-m2-beats-m1-zs/f1@10" && c.Status != ClaimStatus.NotEvaluated);
        Assert.DoesNotContain(claims, c => c.Id.Contains("f1@3", StringComparison.Ordinal));
    }

    [Fact]
    public void Real_datasets_are_refused_by_the_attention_and_localisation_notebooks_naming_the_synthetic_alternative()
    {
        var oi = Assert.Throws<NotSupportedException>(() => LesaAttentionData.Benchmark("openimages", LesaPresets.OpenImagesQuick));
        Assert.Contains("region features", oi.Message);
        Assert.Contains("box files", oi.Message);
        Assert.Contains("dataset=\"synthetic-openimages\"", oi.Message);
        var nus = Assert.Throws<NotSupportedException>(() => LesaAttentionData.Preset("nus-wide", quick: true));
        Assert.Contains("localises on Open Images only", nus.Message);
        Assert.Contains("dataset=\"synthetic\"", nus.Message);
        Assert.Equal("synthetic", LesaNotebook.Dataset);   // nothing was selected
        Assert.Throws<ArgumentException>(() => LesaAttentionData.Preset("coco", quick: true));
    }
}
