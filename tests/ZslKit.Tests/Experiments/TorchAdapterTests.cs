using ZslKit.Experiments.Checkpoints;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Training;
using ZslKit.Torch;
using ZslKit.Torch.Optim;
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Tests.Experiments;

/// <summary>The trainer with the engine's nn.Linear and torch.optim optimisers (the setup real methods use).</summary>
[Collection("torch-global-state")]
public sealed class TorchAdapterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "zslkit-adapt-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    /// <summary>TinyLinearTask's data scored by an nn.Linear(D, L) instead of raw tensors.</summary>
    private sealed class LinearModuleTask : ITrainingTask<(Tensor X, Tensor Y)>, IDisposable
    {
        private readonly TinyLinearTask _data = new();
        public LinearModuleTask() => Linear = torch.nn.Linear(6, 5);
        public Linear Linear { get; }
        public ITrainableModel Model => _model ??= new ModuleModel(Linear);
        private ModuleModel? _model;
        public int TrainingExamples => _data.TrainingExamples;
        public IDatasetFingerprint? Dataset => _data.Dataset;
        public (Tensor X, Tensor Y) MakeBatch(int[] indices) => _data.MakeBatch(indices);
        public Tensor Loss((Tensor X, Tensor Y) b) => F.binary_cross_entropy_with_logits(Linear.forward(b.X), b.Y); // [B, 6] -> [B, 5]
        public IReadOnlyDictionary<string, double> Evaluate(int[] indices) => new Dictionary<string, double>();
        public IReadOnlyDictionary<string, double> EvaluateTest() => new Dictionary<string, double>();
        public float[] Values() => [.. Linear.weight.detach().ToArray<float>(), .. Linear.bias!.detach().ToArray<float>()];
        public void Dispose() { Linear.Dispose(); _data.Dispose(); }
    }

    private static ExperimentConfig Config(string optimizer, int epochs) => new()
    {
        Seed = 11,
        Optimizer = new OptimizerConfig(Name: optimizer, Lr: 0.05, Momentum: 0.9),
        Schedule = new ScheduleConfig(Kind: "lesa", Patience: 1, SignalStrength: 0.5),
        Training = new TrainingConfig(Epochs: epochs, BatchSize: 16, ValidationFraction: 0.25),
    };

    private static (TrainResult Result, float[] Values) Train(ExperimentConfig c, string? dir = null, bool resume = false)
    {
        torch.manual_seed(c.Seed);
        using var task = new LinearModuleTask();
        using var opt = Optimizers.Create(c.OptimizerOrDefault, task.Model.NamedParameters().Select(p => p.Value));
        var r = new Trainer<(Tensor, Tensor)>(task, opt, c).Fit(dir, resume);
        return (r, task.Values());
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    [InlineData("rmsprop")]
    public void Resume_with_a_torch_optimizer_matches_the_uninterrupted_run(string optimizer)
    {
        var full = Train(Config(optimizer, 4));
        Train(Config(optimizer, 2), _dir);
        var resumed = Train(Config(optimizer, 4), _dir, resume: true);
        Assert.Equal(full.Result.StepLosses.Skip((int)resumed.Result.FirstStep), resumed.Result.StepLosses);
        Assert.Equal(full.Values, resumed.Values);
        Assert.Equal(full.Result.History.Select(h => h.LearningRate), resumed.Result.History.Select(h => h.LearningRate));
    }

    [Fact]
    public void Torch_optimizer_state_round_trips_through_checkpoint_tensors()
    {
        torch.manual_seed(2);
        using var lin = torch.nn.Linear(3, 2);
        var ps = lin.parameters().Cast<Tensor>().ToList();
        using var a = Optimizers.Create(new OptimizerConfig("adam", 0.01), ps);
        using (torch.NewDisposeScope())
        {
            using var x = torch.ones(4, 3);
            lin.forward(x).sum().backward();
        }
        a.Step();
        a.LearningRate = 0.002;
        var state = a.StateDict();
        Assert.Equal(1.0, state.Scalars["p0.step"]);
        Assert.Contains("p0.exp_avg", state.Tensors.Keys);
        using var b = Optimizers.Create(new OptimizerConfig("adam", 0.5), ps);
        b.LoadStateDict(state);
        Assert.Equal(0.002, b.LearningRate);
        var again = b.StateDict();
        Assert.Equal(state.Tensors["p1.exp_avg_sq"].Data, again.Tensors["p1.exp_avg_sq"].Data);
        using var sgd = Optimizers.Create(new OptimizerConfig("sgd", 0.1, Momentum: 0.9), ps);
        Assert.ThrowsAny<ArgumentException>(() => sgd.LoadStateDict(state));
        var e = Assert.Throws<ArgumentException>(() => Optimizers.Create(new OptimizerConfig("lbfgs"), ps));
        Assert.Contains("optimizer.name", e.Message);
    }

    [Fact]
    public void The_lesa_schedule_matches_the_engine_LesaPlateauDecay_rule()
    {
        // Both implement hbdat/cvpr20_LESA's LearningRate.adapt; feed the same metric sequence to each.
        var rng = new Random(5);
        var metrics = Enumerable.Range(0, 60).Select(i => 0.3 + 0.1 * Math.Sin(i / 3.0) + 0.02 * rng.NextDouble()).ToArray();
        var mine = new LrSchedule(new ScheduleConfig(Kind: "lesa", Factor: 0.8, SignalStrength: 0.3, Patience: 5, LimitScale: 0.3), 1.0, maximize: true);
        using var p = torch.zeros([1], requires_grad: true);
        using var opt = torch.optim.SGD([p], 1.0);
        var engine = new LesaPlateauDecay(opt, signal_strength: 0.3, patience: 5, decay_rate: 0.8, limit_lr_scale: 0.3);
        var decays = 0;
        foreach (var m in metrics)
        {
            var before = opt.ParamGroups[0].LearningRate;
            engine.step(m);
            Assert.Equal(opt.ParamGroups[0].LearningRate, mine.OnEpochEnd(m), 12);
            if (opt.ParamGroups[0].LearningRate < before) decays++;
        }
        Assert.InRange(decays, 2, 10); // the sequence exercises decays, waits and the lower limit
        Assert.Equal(engine.MovingAverage, mine.State.Average, 12);
    }
}
