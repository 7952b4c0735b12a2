using ZslKit.Experiments.Config;
using ZslKit.Experiments.Runs;
using ZslKit.Experiments.Training;
using ZslKit.Reporting;
using ZslKit.Testing;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments;

[Collection("torch-global-state")]
public sealed class RunsTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "zslkit-runs-" + Guid.NewGuid().ToString("N")[..8]);
    private int _setups;

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private RunOptions Options => new(_root, RepositoryDir: RepoPaths.Root);

    internal static ExperimentConfig Config(int seed = 0, int epochs = 2) => TrainerTests.Config(epochs: epochs, seed: seed) with
    {
        Paper = "demo", Experiment = "tiny", Method = "tiny-linear",
    };

    internal TrainingSetup<(Tensor, Tensor)> Setup(ExperimentConfig c)
    {
        _setups++;
        var task = new TinyLinearTask();
        var opt = new MomentumSgd(task.NamedParameters(), c.OptimizerOrDefault.Lr, c.OptimizerOrDefault.Momentum);
        return new TrainingSetup<(Tensor, Tensor)>(task, opt, () => { opt.Dispose(); task.Dispose(); });
    }

    [Fact]
    public void A_run_writes_config_provenance_per_epoch_metrics_and_final_metrics_into_its_folder()
    {
        var run = ExperimentRunner.Run(Config(), Options, Setup);
        var folder = Path.Combine(_root, "demo", "tiny", ConfigJson.Hash(Config()));
        Assert.Equal(folder, run.Folder);
        foreach (var f in new[] { "config.json", "provenance.json", "metrics.csv", "final.json" })
            Assert.True(File.Exists(Path.Combine(folder, f)), f);
        Assert.Equal(ConfigJson.Serialize(Config()), File.ReadAllText(Path.Combine(folder, "config.json")));
        Assert.Equal(2, run.Epochs.Count);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(folder, "metrics.csv")).Length);
        Assert.StartsWith("epoch,train_loss,lr,seconds,val_f1@3,val_loss,val_map", File.ReadAllText(Path.Combine(folder, "metrics.csv")));
        Assert.Equal("Completed", run.Final.Stop);
        Assert.InRange(run.Final.Test["map"], 0, 1);
        Assert.Contains("f1@3", run.Final.Test.Keys);
        var p = run.Provenance!;
        Assert.Equal(torch.LibTorchVersion.ToString(), p.LibTorch);
        Assert.Equal(RunProvenance.Git(RepoPaths.Root).Commit, p.GitCommit);
        if (Path.Exists(Path.Combine(RepoPaths.Root, ".git"))) Assert.Matches("^[0-9a-f]{40}$", p.GitCommit ?? "(none)");
        Assert.Equal("tiny-linear n=96 d=6 l=5 seed=7", p.Dataset);
        Assert.Matches("^[0-9a-f]{16}$", p.DatasetFingerprint!);
        Assert.NotNull(p.End);
        Assert.True(p.End >= p.Start);
    }

    [Fact]
    public void A_finished_run_is_read_back_instead_of_retrained_unless_forced()
    {
        var first = ExperimentRunner.Run(Config(), Options, Setup);
        var again = ExperimentRunner.Run(Config(), Options, Setup);
        Assert.Equal(1, _setups);
        Assert.Equal(first.Final.Test, again.Final.Test);
        var forced = ExperimentRunner.Run(Config(), Options with { Force = true }, Setup);
        Assert.Equal(2, _setups);
        Assert.Equal(first.Final.Test, forced.Final.Test); // same seed, same numbers
    }

    [Fact]
    public void A_finished_run_with_a_damaged_final_json_is_refused_naming_the_file_and_force_redoes_it()
    {
        var first = ExperimentRunner.Run(Config(), Options, Setup);
        var final = Path.Combine(first.Folder, RunRecord.FinalFile);
        File.WriteAllText(final, "[1, 2");
        var e = Assert.Throws<InvalidDataException>(() => ExperimentRunner.Run(Config(), Options, Setup));
        Assert.StartsWith($"{final}: line 1, column 2: a value of the wrong type", e.Message);
        Assert.EndsWith("; the run folder is damaged: delete it, or rerun with force (zsl train --force, RunOptions.Force)", e.Message);
        Assert.DoesNotContain(nameof(FinalMetrics), e.Message);
        Assert.Equal(1, _setups);
        var forced = ExperimentRunner.Run(Config(), Options with { Force = true }, Setup);
        Assert.Equal(first.Final.Test, forced.Final.Test);
    }

    [Fact]
    public void Outside_a_repository_the_packed_commit_names_the_source_and_its_dirty_flag()
    {
        Assert.Equal(("8ee37f3", (bool?)false), Provenance.WithPackedCommit((null, null), "8ee37f3"));
        Assert.Equal(("8ee37f3", (bool?)true), Provenance.WithPackedCommit((null, null), " 8ee37f3+dirty\n"));
        Assert.Equal(((string?)null, (bool?)null), Provenance.WithPackedCommit((null, null), "unknown"));
        Assert.Equal(((string?)null, (bool?)null), Provenance.WithPackedCommit((null, null), null));
        // a repository's own commit wins over the variable
        Assert.Equal(("abc", (bool?)false), Provenance.WithPackedCommit(("abc", false), "8ee37f3+dirty"));
    }

    [Fact]
    public void Git_commit_is_null_outside_a_repository()
    {
        Directory.CreateDirectory(_root);
        Assert.Equal((null, null), RunProvenance.Git(_root));
    }

    [Fact]
    public void Seeds_aggregate_to_mean_and_sample_standard_deviation()
    {
        var runs = ExperimentRunner.RunSeeds(Config(), [0, 1, 2], Options, Setup);
        Assert.Equal(3, runs.Select(r => r.RunId).Distinct().Count());
        var group = Assert.Single(SeedAggregate.Aggregate(runs));
        Assert.Equal([0, 1, 2], group.Seeds);
        var maps = runs.Select(r => r.Final.Test["map"]).ToArray();
        var mean = maps.Average();
        var std = Math.Sqrt(maps.Sum(m => (m - mean) * (m - mean)) / 2);
        Assert.Equal(mean, group.Test["map"].Mean, 12);
        Assert.Equal(std, group.Test["map"].Std, 12);
        Assert.Equal(3, group.Test["map"].Count);
        Assert.True(group.Synthetic);
        Assert.All(RunRecord.LoadAll(_root, "demo", "tiny"), r => Assert.Contains(r.RunId, runs.Select(x => x.RunId)));
    }

    [Fact]
    public void Mean_and_std_of_known_values()
    {
        var s = SeedAggregate.Summarise([new Dictionary<string, double> { ["a"] = 1 }, new Dictionary<string, double> { ["a"] = 3 },
            new Dictionary<string, double> { ["a"] = double.NaN }]);
        Assert.Equal(2, s["a"].Mean);
        Assert.Equal(Math.Sqrt(2), s["a"].Std, 12);
        Assert.Equal(2, s["a"].Count);           // NaN (a diverged seed) is not averaged in
        Assert.Equal("2.00 ± 1.41", s["a"].Format());
    }

    [Fact]
    public void Metrics_csv_round_trips_epoch_records()
    {
        var epochs = new List<EpochRecord>
        {
            new(0, 0.5, 0.1, new Dictionary<string, double> { ["map"] = 0.25, ["loss"] = 0.4 }, 1.5),
            new(1, 1.0 / 3, 0.08, new Dictionary<string, double> { ["map"] = 0.3 }, 2),
        };
        var path = Path.Combine(_root, "m.csv");
        Directory.CreateDirectory(_root);
        File.WriteAllText(path, MetricsCsv.Format(epochs));
        var back = MetricsCsv.Read(path);
        Assert.Equal(1.0 / 3, back[1].TrainLoss);
        Assert.Equal(1, back[1].Epoch);
        Assert.False(back[1].Validation.ContainsKey("loss"));
        Assert.Equal(0.4, back[0].Validation["loss"]);
        File.WriteAllText(path, "epoch,train_loss,lr,seconds\n1,x,0.1,1\n");
        var e = Assert.Throws<InvalidDataException>(() => MetricsCsv.Read(path));
        Assert.Contains("line 2, column 'train_loss'", e.Message);
    }
}

[Collection("torch-global-state")]
public sealed class LinearDemoMethodTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "zslkit-demo-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void The_demo_method_is_registered_and_learns_its_synthetic_labels()
    {
        ZslKit.Experiments.Demo.LinearDemoMethod.Register();
        var entry = MethodRegistry.Get("linear-demo");
        var config = ConfigJson.ApplyOverrides(entry.Defaults, ["training.epochs=8", "dataset.size=256"]);
        var run = entry.Run(config, new RunOptions(_root));
        Assert.Equal("Completed", run.Final.Stop);
        Assert.True(run.Synthetic);
        // A linear scorer can represent the generating map: test mAP far above the positive rate (about 0.5 here).
        Assert.True(run.Final.Test["map"] > 0.85, $"test mAP {run.Final.Test["map"]}");
        Assert.StartsWith("linear-demo synthetic n=256", run.Provenance!.Dataset);
        // The selection metrics the demo's config check allows are exactly the validation metrics the trainer records.
        Assert.Equal(ZslKit.Experiments.Demo.LinearDemoTask.ValidationMetrics.Order(), run.Epochs[0].Validation.Keys.Order());
        var e = Assert.Throws<ArgumentException>(() => MethodRegistry.Get("nope"));
        Assert.Contains("linear-demo", e.Message);
    }
}
