// TrainerTf32Tests.cs - training.tf32 in the Trainer: the float32 matmul precision is "high" (TF32 on CUDA) in every
// training step, validation and the run's test evaluation, and "highest" again after the run; the flag leaves the
// config hash of runs without it unchanged. On the CPU the precision changes nothing, so the losses equal a run without it.
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Demo;
using ZslKit.Experiments.Runs;
using ZslKit.Experiments.Training;
using ZslKit.Testing;
using ZslKit.Torch;

namespace ZslKit.Tests.Experiments;

[Collection("torch-global-state")]
public sealed class TrainerTf32Tests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "zslkit-tf32-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static ExperimentConfig Config(bool tf32)
    {
        var c = TrainerTests.Config(epochs: 2) with { Paper = "demo", Experiment = "tiny-tf32", Method = "tiny-linear" };
        return c with { Training = c.TrainingOrDefault with { Tf32 = tf32 } };
    }

    private (RunRecord Run, PrecisionTask Task) Run(bool tf32)
    {
        PrecisionTask? seen = null;
        var run = ExperimentRunner.Run(Config(tf32), new RunOptions(Path.Combine(_dir, tf32 ? "on" : "off"), RepositoryDir: RepoPaths.Root), c =>
        {
            var task = seen = new PrecisionTask(new TinyLinearTask(dropout: 0));
            var opt = new MomentumSgd(task.Inner.NamedParameters(), c.OptimizerOrDefault.Lr, c.OptimizerOrDefault.Momentum);
            return new TrainingSetup<(Tensor, Tensor)>(task, opt, () => { opt.Dispose(); task.Inner.Dispose(); });
        });
        return (run, seen!);
    }

    [Fact]
    public void Every_phase_of_a_tf32_run_uses_precision_high_and_the_previous_precision_returns_after()
    {
        Assert.Equal("highest", torch.get_float32_matmul_precision());
        var (on, task) = Run(tf32: true);
        Assert.Equal("highest", torch.get_float32_matmul_precision());
        Assert.NotEmpty(task.Seen["train"]);
        Assert.NotEmpty(task.Seen["validation"]);
        Assert.All(task.Seen.Values.SelectMany(v => v), p => Assert.Equal("high", p));
        Assert.Equal(["high"], task.Seen["test"]);
        Assert.True(on.Config.TrainingOrDefault.Tf32);

        var (off, plain) = Run(tf32: false);
        Assert.All(plain.Seen.Values.SelectMany(v => v), p => Assert.Equal("highest", p));
        Assert.Equal(off.Epochs.Select(e => e.TrainLoss), on.Epochs.Select(e => e.TrainLoss));     // the CPU ignores TF32
    }

    [Fact]
    public void The_flag_off_leaves_the_config_hash_of_runs_made_before_it_existed()
    {
        var c = Config(tf32: false);
        Assert.DoesNotContain("\"tf32\"", ConfigJson.Canonical(c));
        Assert.NotEqual(ConfigJson.Hash(c), ConfigJson.Hash(Config(tf32: true)));
        Assert.Contains("\"tf32\":true", ConfigJson.Canonical(Config(tf32: true)));
    }

    /// <summary>Forwards to a TinyLinearTask and records the float32 matmul precision in each phase.</summary>
    private sealed class PrecisionTask(TinyLinearTask inner) : ITrainingTask<(Tensor X, Tensor Y)>
    {
        public TinyLinearTask Inner { get; } = inner;
        public Dictionary<string, List<string>> Seen { get; } = new() { ["train"] = [], ["validation"] = [], ["test"] = [] };
        public ITrainableModel Model => Inner;
        public int TrainingExamples => Inner.TrainingExamples;
        public IDatasetFingerprint? Dataset => Inner;
        public (Tensor X, Tensor Y) MakeBatch(int[] indices) => Inner.MakeBatch(indices);

        public Tensor Loss((Tensor X, Tensor Y) batch)
        {
            Seen[torch.is_grad_enabled() ? "train" : "validation"].Add(torch.get_float32_matmul_precision());
            return Inner.Loss(batch);
        }

        public IReadOnlyDictionary<string, double> Evaluate(int[] indices)
        {
            Seen["validation"].Add(torch.get_float32_matmul_precision());
            return Inner.Evaluate(indices);
        }

        public IReadOnlyDictionary<string, double> EvaluateTest()
        {
            Seen["test"].Add(torch.get_float32_matmul_precision());
            return Inner.EvaluateTest();
        }
    }
}
