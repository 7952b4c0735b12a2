using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments.Lesa;

[Collection("torch-global-state")]
public sealed class LesaExperimentTests : IDisposable
{
    private const string NoData = "/nonexistent-zslkit-data";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "zslkit-lesa-exp-" + Guid.NewGuid().ToString("N")[..8]);

    private static readonly LesaPreset Tiny = LesaTinyPreset.Tiny;

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private RunOptions Options(string sub = "a", bool force = false) => new(Path.Combine(_root, sub), Force: force);

    [Fact]
    public void Every_row_config_validates_and_describes_the_presets_benchmark()
    {
        foreach (var row in LesaTable1.Rows)
        {
            var c = LesaExperiment.Config(LesaPresets.Quick, "table1", row, seed: 3, dataDir: NoData);
            var back = ConfigJson.Deserialize(ConfigJson.Serialize(c));
            Assert.Equal(ConfigJson.Hash(c), ConfigJson.Hash(back));
            Assert.Equal(LesaPresets.Quick.Benchmark, LesaExperiment.BenchmarkConfig(back));
            Assert.Equal(LesaExperiment.SyntheticStandIn, c.DatasetOrDefault.Name);
            Assert.Equal("rmsprop-tf", c.OptimizerOrDefault.Name);
            Assert.Equal(row, c.Method);
        }
    }

    [Fact]
    public void Synthetic_presets_clip_the_gradient_norm_at_5_and_the_official_protocols_do_not()
    {
        foreach (var preset in new[] { LesaPresets.Quick, LesaPresets.Full, LesaPresets.OpenImagesQuick, LesaPresets.OpenImagesFull })
            Assert.Equal(5.0, LesaExperiment.Config(preset, "t", "lesa", 0, dataDir: NoData).TrainingOrDefault.ClipGradNorm);
        Assert.Equal((0.01, 0.01), (LesaPresets.OpenImagesQuick.Training.LearningRate, LesaPresets.OpenImagesFull.Training.LearningRate));
        Assert.Null(LesaExperiment.RealConfig("t", "lesa", 0).TrainingOrDefault.ClipGradNorm);
        Assert.Null(LesaExperiment.RealConfig("t", "lesa", 0, dataset: LesaExperiment.OpenImages).TrainingOrDefault.ClipGradNorm);
        Assert.Null(new LesaTrainingOptions().ClipGradNorm);
    }

    [Fact]
    public void Check_names_the_bad_field_of_a_config()
    {
        var c = LesaExperiment.Config(Tiny, "t", "lesa", 0, dataDir: NoData);
        var e1 = Assert.Throws<ArgumentException>(() => LesaExperiment.Check(ConfigJson.ApplyOverrides(c, ["options.heads=4"])));
        Assert.Contains("options.heads", e1.Message);
        var e2 = Assert.Throws<ArgumentException>(() => LesaExperiment.Check(c with { Dataset = c.Dataset! with { Name = "open-images", Synthetic = false } }));
        Assert.Contains("dataset.name", e2.Message);
        var e3 = Assert.Throws<ArgumentException>(() => LesaExperiment.Check(ConfigJson.ApplyOverrides(c, ["lossWeights.rel=-1"])));
        Assert.Contains("lossWeights.rel", e3.Message);
        var e4 = Assert.Throws<ArgumentException>(() => LesaExperiment.Check(c with { Method = "lesa-m7" }));
        Assert.Contains("method", e4.Message);
        var e5 = Assert.Throws<ArgumentException>(() => LesaExperiment.Check(ConfigJson.ApplyOverrides(c, ["options.maxBlob=9"])));
        Assert.Contains("MaxBlobSize", e5.Message);
        var e6 = Assert.Throws<ArgumentException>(() => LesaExperiment.Check(ConfigJson.ApplyOverrides(c, [$"options.revision={LesaExperiment.Revision - 1}"])));
        Assert.Contains("options.revision", e6.Message);
    }

    [Theory]
    [InlineData("options.dataSeed=-1", "options.dataSeed", "-1 must be a whole number in [0, 2147483647]")]
    [InlineData("options.dataSeed=0.5", "options.dataSeed", "0.5 must be a whole number in [0, 2147483647]")]
    [InlineData("options.dataSeed=1000000000000", "options.dataSeed", "1000000000000 must be a whole number in [0, 2147483647]")]
    [InlineData("options.M=2000", "options.M", "2000 must be a whole number in [1, 1024]")]
    [InlineData("options.hidden=1000000000", "options.hidden", "1000000000 must be a whole number in [1, 65536]")]
    [InlineData("options.testImages=3000000000", "options.testImages", "3000000000 must be a whole number in [1, 2147483647]")]
    [InlineData("options.gridHeight=0", "options.gridHeight", "0 must be a whole number in [1, 1024]")]
    public void Check_refuses_option_values_outside_their_ranges_naming_the_option_and_the_value_given(string set, string field, string why)
    {
        var c = LesaExperiment.Config(Tiny, "t", "lesa", 0, dataDir: NoData);
        var ex = Assert.Throws<ArgumentException>(() => LesaExperiment.Check(ConfigJson.ApplyOverrides(c, [set])));
        Assert.Contains($"config field '{field}': {why}", ex.Message);
        Assert.Equal(field, ex.ParamName);
    }

    [Fact]
    public void Attention_per_cluster_refuses_more_modules_than_seen_labels_in_check_and_in_create_model()
    {
        var c = LesaExperiment.Config(Tiny, "t", "attention-per-cluster", 0, dataDir: NoData);
        var ex = Assert.Throws<ArgumentException>(() => LesaExperiment.Check(ConfigJson.ApplyOverrides(c, ["options.M=1000"])));
        Assert.Contains("options.M = 1000 exceeds the 925 seen labels (attention-per-cluster makes one cluster per module)", ex.Message);
        var bench = new MultiLabelBenchmark(LesaTinyPreset.Tiny.Benchmark with { TrainImages = 10, TestImages = 2 },
            LabelSemantics.StandIn(1, seen: 20, unseen: 5, dim: 8, clusters: 4));
        ex = Assert.Throws<ArgumentException>(() => LesaExperiment.CreateModel(ConfigJson.ApplyOverrides(c, ["options.M=30"]), bench));
        Assert.Contains("config field 'options.M': options.M = 30 exceeds the 20 seen labels (attention-per-cluster makes one cluster per module)", ex.Message);
        using var model = LesaExperiment.CreateModel(ConfigJson.ApplyOverrides(c, ["options.M=20"]), bench);
    }

    [Fact]
    public void A_lesa_task_names_its_device_argument_when_it_is_not_a_device()
    {
        var c = LesaExperiment.Config(Tiny, "t", "fast0tag", 0, dataDir: NoData);
        var (bench, cache) = LesaExperiment.Benchmark(c);
        using var model = LesaExperiment.CreateModel(c, bench);
        var ex = Assert.Throws<ArgumentException>(() => new LesaTask(model, bench, cache, 4, device: "gpu"));
        Assert.Contains("LesaTask: device 'gpu' is not cpu, cuda or cuda:N", ex.Message);
        Assert.Equal("device", ex.ParamName);
    }

    [Fact]
    public void Overrides_and_loss_weights_reach_the_model()
    {
        var c = ConfigJson.ApplyOverrides(LesaExperiment.Config(Tiny, "t", "lesa", 0, dataDir: NoData), ["options.M=3", "lossWeights.rel=0.5", "lossWeights.dist=0"]);
        var (bench, _) = LesaExperiment.Benchmark(c);
        using var model = Assert.IsType<LesaTrainable>(LesaExperiment.CreateModel(c, bench));
        Assert.Equal(3, model.Model.Config.Modules);
        Assert.Equal(0.5, model.Model.Config.LambdaRel);
        Assert.Equal(0.0, model.Model.Config.LambdaDist);
        Assert.Equal(0.01, model.Model.Config.LambdaDiv);
    }

    [Fact]
    public void A_LESA_run_logs_each_loss_term_per_epoch_and_the_weighted_terms_add_up_to_the_training_loss()
    {
        var c = ConfigJson.ApplyOverrides(LesaExperiment.Config(Tiny, "t", "lesa", 0, dataDir: NoData), ["options.M=3"]);
        var (bench, _) = LesaExperiment.Benchmark(c);
        LesaConfig m;
        using (var model = Assert.IsType<LesaTrainable>(LesaExperiment.CreateModel(c, bench))) m = model.Model.Config;
        var run = LesaExperiment.Run(c, Options("terms"));
        var reread = RunRecord.TryLoad(run.Folder)!;                          // what metrics.csv holds
        Assert.Equal(2, reread.Epochs.Count);
        foreach (var e in reread.Epochs)
        {
            var t = e.LossTerms!;
            Assert.Equal(["rank", "rel", "div", "dist"], t.Keys);
            Assert.All(t.Values, v => Assert.True(double.IsFinite(v) && v >= 0, $"term {v}"));
            var weighted = t["rank"] + m.LambdaRel * t["rel"] + m.LambdaDiv * t["div"] + m.LambdaDist * t["dist"];   // Eq. 14
            Assert.Equal(e.TrainLoss, weighted, 1e-5 * (1 + Math.Abs(e.TrainLoss)));
        }

        var fast0tag = LesaExperiment.Run(LesaExperiment.Config(Tiny, "t", "fast0tag", 0, dataDir: NoData), Options("terms"));
        Assert.All(fast0tag.Epochs, e => Assert.Equal(e.TrainLoss, Assert.Single(e.LossTerms!, kv => kv.Key == "rank").Value, 1e-9));
    }

    [Fact]
    public void A_run_writes_its_folder_and_a_second_call_reuses_it()
    {
        var c = LesaExperiment.Config(Tiny, "t", "lesa", 0, dataDir: NoData);
        var run = LesaExperiment.Run(c, Options());
        Assert.Equal("Completed", run.Final.Stop);
        Assert.Equal(2, run.Epochs.Count);
        Assert.All(run.Epochs, e => Assert.InRange(e.Validation["f1@5"], 0.0, 1.0));
        foreach (var prefix in new[] { "", "final/" })
            foreach (var setting in new[] { "zs", "gzs" })
                foreach (var m in new[] { "map", "p@3", "r@3", "f1@3", "p@5", "r@5", "f1@5" })
                    Assert.InRange(run.Final.Test[$"{prefix}{setting}/{m}"], 0.0, 1.0);
        var (bench, _) = LesaExperiment.Benchmark(c);
        Assert.Equal(bench.Fingerprint, run.Provenance!.DatasetFingerprint);
        var finalJson = Path.Combine(run.Folder, RunRecord.FinalFile);
        var written = File.GetLastWriteTimeUtc(finalJson);
        var again = LesaExperiment.Run(c, Options());
        Assert.Equal(written, File.GetLastWriteTimeUtc(finalJson));
        Assert.Equal(run.Final.Test, again.Final.Test);
    }

    [Fact]
    public void Runs_are_deterministic_for_a_seed_and_differ_across_seeds()
    {
        var c = LesaExperiment.Config(Tiny, "t", "lesa-m1", 0, dataDir: NoData);
        var a = LesaExperiment.Run(c, Options("a"));
        var b = LesaExperiment.Run(c, Options("b"));
        Assert.Equal(a.Final.Test, b.Final.Test);
        Assert.Equal(a.Epochs.Select(e => e.TrainLoss), b.Epochs.Select(e => e.TrainLoss));
        var other = LesaExperiment.Run(c with { Seed = 1 }, Options("a"));
        Assert.NotEqual(a.Epochs[0].TrainLoss, other.Epochs[0].TrainLoss);
    }

    [Fact]
    public void LoadModel_restores_the_selected_model_of_a_finished_run()
    {
        var c = LesaExperiment.Config(Tiny, "t", "attention-per-cluster", 0, dataDir: NoData);
        var run = LesaExperiment.Run(c, Options());
        var (bench, cache) = LesaExperiment.Benchmark(c);
        using var model = LesaExperiment.LoadModel(run);
        using var vectors = LesaBatches.LabelVectors(bench);
        using var scorer = new LesaScorer(model, vectors, 16, bench.RegionCount, bench.FeatureDim, torch.CPU);
        var test = LesaEvaluation.TestMetrics(bench, scorer.ScoreSplit(bench, MultiLabelSplit.Test, cache: cache));
        Assert.Equal(run.Final.Test["zs/map"], test.ZslMap, 6);
        Assert.Equal(run.Final.Test["gzs/f1@3"], test.GzslF1At3, 6);
    }

    [Fact]
    public void Training_leaves_no_live_tensors_behind()
    {
        var c = LesaExperiment.Config(Tiny, "t", "fast0tag", 0, dataDir: NoData);
        LesaExperiment.Benchmark(c);
        long before = torch.LiveTensorCount;
        LesaExperiment.Run(c, Options("leak"));
        Assert.Equal(before, torch.LiveTensorCount);
    }
}
