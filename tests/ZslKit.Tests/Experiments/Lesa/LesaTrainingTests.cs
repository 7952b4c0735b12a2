// LesaTrainingTests.cs - a LESA model trained the one way the project trains it: LesaTask run by the generic Trainer
// through ExperimentRunner with the official protocol of a LESA config (TF-style RMSprop, batch 32, moving-average lr rule,
// selection on validation F1@5), on a small synthetic multi-label benchmark: robust qualitative facts only.
using ZslKit.Data.Synthetic;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;
using ZslKit.Experiments.Training;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments.Lesa;

[Collection("torch-global-state")]
public sealed class LesaTrainingTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "zslkit-lesa-train-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static MultiLabelBenchmark SmallBenchmark() => new(
        MultiLabelBenchmarkConfig.Quick with
        {
            TrainImages = 1000, ValidationFraction = 0.15, TestImages = 250, FeatureDim = 32, NoiseSigma = 0.5, GridHeight = 7, GridWidth = 7, Seed = 7,
        },
        LabelSemantics.StandIn(7, seen: 60, unseen: 15, dim: 24, clusters: 8));

    /// <summary>mAP of scores that ignore the image: every label's AP is its positive rate (expected AP of a random ranking).</summary>
    private static double ChanceZslMap(MultiLabelBenchmark bench)
    {
        var labels = LesaBatches.SplitLabels(bench, MultiLabelSplit.Test);
        int n = bench.ImageCount(MultiLabelSplit.Test), l = bench.Semantics.Count, s = bench.SeenCount;
        var rates = new List<double>();
        for (int c = s; c < l; c++)
        {
            int pos = 0;
            for (int i = 0; i < n; i++) if (labels[i * l + c] == 1) pos++;
            rates.Add((double)pos / n);
        }
        return rates.Average();
    }

    [Fact]
    public void Trained_lesa_ranks_unseen_labels_well_above_chance_and_above_its_untrained_self()
    {
        var bench = SmallBenchmark();
        var preset = new LesaPreset("small", bench.Config, Hidden: 32, Modules: 4, new LesaTrainingOptions { Epochs = 6, LearningRate = 0.05 }, Seeds: [1]);
        var config = LesaExperiment.Config(preset, "training-test", "lesa", seed: 1, dataDir: "/nonexistent-zslkit-data");
        var model = LesaTable1.Create("lesa", bench, hidden: 32, seed: 1, modules: 4);
        LesaTestResult untrained;
        using (var vectors = LesaBatches.LabelVectors(bench))
        using (var scorer = new LesaScorer(model, vectors, 32, bench.RegionCount, bench.FeatureDim, torch.CPU))
            untrained = LesaEvaluation.TestMetrics(bench, scorer.ScoreSplit(bench, MultiLabelSplit.Test));
        // The config's protocol on this benchmark (the config describes the default stand-in vocabulary, the task holds 60 + 15 labels).
        var run = ExperimentRunner.Run(config, new RunOptions(_root), c =>
        {
            var task = new LesaTask(model, bench, cache: null, c.TrainingOrDefault.BatchSize);
            var opt = Optimizers.Create(c.OptimizerOrDefault, model.Module.parameters());
            return new TrainingSetup<LesaBatch>(task, opt, () => { opt.Dispose(); task.Dispose(); });
        });
        double chance = ChanceZslMap(bench);
        double zs = run.Final.Test["zs/map"], gzs = run.Final.Test["gzs/map"];
        Assert.True(zs > 2 * chance, $"ZS mAP {zs:F3} vs chance {chance:F3}");
        Assert.True(zs > untrained.ZslMap + 0.05, $"ZS mAP {untrained.ZslMap:F3} -> {zs:F3}");
        Assert.True(gzs > untrained.GzslMap, $"GZS mAP {untrained.GzslMap:F3} -> {gzs:F3}");
        Assert.Equal(6, run.Epochs.Count);                                     // one validation per epoch
        var f1 = run.Epochs.Select(e => e.Validation["f1@5"]).ToList();
        Assert.Equal(f1.Max(), run.Final.Validation["f1@5"], 9);               // the selected model is the best validation epoch
        Assert.Equal(f1.IndexOf(f1.Max()) + 1, run.Final.BestEpoch);
        Assert.InRange(run.Final.Test["final/zs/f1@3"], 0, 1);
    }

    [Fact]
    public void A_lesa_training_step_with_gradient_clipping_reads_nothing_back_from_the_device()
    {
        // On CUDA every read of a value to the host waits for the GPU; the step the Trainer runs must make none.
        var bench = SmallBenchmark();
        torch.manual_seed(2);
        using var model = LesaTable1.Create("lesa", bench, hidden: 32, seed: 2, modules: 4);
        using var task = new LesaTask(model, bench, cache: null, batchSize: 32);
        using var opt = Optimizers.Create(new ZslKit.Experiments.Config.OptimizerConfig(), model.Module.parameters());
        var parameters = model.Module.parameters();
        using var scope = torch.NewDisposeScope();
        var batch = task.MakeBatch(Enumerable.Range(0, 32).ToArray());
        long before = torch.HostReads;
        opt.ZeroGrad();
        var loss = task.Loss(batch);
        loss.backward();
        GradClip.ClipGradNorm(parameters, 0.01);
        opt.Step();
        Assert.Equal(before, torch.HostReads);
        Assert.True(batch.MaxPositives > 0 && batch.MaxPositives < bench.SeenCount, $"P = {batch.MaxPositives}");
        // Without the host-counted bound the ranking loss reads P from the labels: the counter sees that read.
        var seen = LesaBatches.LabelVectors(bench).narrow(0, 0, bench.SeenCount);                 // [S, dv]
        model.Loss(batch.Features, batch.Labels, seen, maxPositives: null);
        Assert.Equal(before + 1, torch.HostReads);
    }

    [Fact]
    public void K_values_above_the_unseen_label_count_are_refused_when_the_task_is_built_not_after_training()
    {
        var bench = SmallBenchmark();                                            // 60 seen + 15 unseen labels
        using var model = LesaTable1.Create("lesa", bench, hidden: 8, seed: 1, modules: 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LesaTask(model, bench, cache: null, batchSize: 8, ks: [3, 1000]));
        Assert.Equal("ks", e.ParamName);
        Assert.StartsWith("K = 1000 must be between 1 and the unseen label count 15", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LesaTask(model, bench, cache: null, batchSize: 8, ks: [0]));
        Assert.Throws<ArgumentException>(() => new LesaTask(model, bench, cache: null, batchSize: 8, ks: []));
    }

    [Fact]
    public void Fewer_seen_labels_than_the_validation_k_are_refused_when_the_task_is_built_not_after_the_first_epoch()
    {
        var bench = new MultiLabelBenchmark(
            MultiLabelBenchmarkConfig.Quick with { TrainImages = 40, TestImages = 10, FeatureDim = 8, GridHeight = 7, GridWidth = 7, MinLabelsPerImage = 1, MaxLabelsPerImage = 2 },
            LabelSemantics.StandIn(7, seen: 4, unseen: 6, dim: 8, clusters: 2));
        using var model = LesaTable1.Create("lesa", bench, hidden: 8, seed: 1, modules: 2);
        var e = Assert.Throws<ArgumentException>(() => new LesaTask(model, bench, cache: null, batchSize: 8, ks: [3]));
        Assert.Equal("bench", e.ParamName);
        Assert.StartsWith("LesaTask: validation computes F1@5 over the seen labels, but the benchmark has 4", e.Message);
    }
}
