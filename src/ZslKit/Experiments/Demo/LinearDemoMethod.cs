// LinearDemoMethod.cs - "linear-demo": a linear multi-label scorer (nn.Linear) on generated Gaussian features whose labels
// come from a hidden random linear map. Not a paper method: it exercises configs, trainer, checkpoints and run folders
// end to end (`zsl train linear-demo`) until the paper methods register themselves.
using System.Security.Cryptography;
using System.Text;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Runs;
using ZslKit.Experiments.Training;
using ZslKit.Metrics;
using ZslKit.Torch;
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Experiments.Demo;

/// <summary>The demo task: x ~ N(0, I) [N, D]; y = [x·W* &gt; 0] [N, L] with W* ~ N(0, 1); scores = Linear(x).
/// The test split has N/2 examples from the same generator. Metrics: map and f1@3 (ZslKit.Metrics, NUS protocol).</summary>
public sealed class LinearDemoTask : ITrainingTask<(Tensor X, Tensor Y)>, IDatasetFingerprint, IDisposable
{
    public const string Name = "linear-demo";
    private readonly float[] _x, _y, _testX;
    private readonly sbyte[] _yLabels, _testLabels;
    private readonly int _d, _l, _n, _nTest;
    private readonly DatasetConfig _dataset;
    private readonly int _seed;

    public LinearDemoTask(ExperimentConfig config)
    {
        var c = LinearDemoMethod.Check(config);
        _dataset = c.DatasetOrDefault;
        (_d, _l, _n, _seed) = (_dataset.Features, _dataset.Labels, Math.Max(_dataset.Size, 8), c.Seed);
        _nTest = Math.Max(_n / 2, 4);
        var rng = new Random(_seed * 7919 + 17);
        var wStar = LinearDemoData.Gaussian(rng, _d * _l);
        (_x, _y) = Make(rng, _n, wStar);
        float[] testY;
        (_testX, testY) = Make(rng, _nTest, wStar);
        _yLabels = _y.Select(v => (sbyte)(v > 0.5f ? 1 : -1)).ToArray();
        _testLabels = testY.Select(v => (sbyte)(v > 0.5f ? 1 : -1)).ToArray();
        var dtype = c.DType == "float64" ? ScalarType.Float64 : ScalarType.Float32;
        Linear = torch.nn.Linear(_d, _l, device: torch.device(c.Device), dtype: dtype);
        Model = new ModuleModel(Linear);
        Device = torch.device(c.Device);
        DType = dtype;
    }

    public Linear Linear { get; }
    public torch.Device Device { get; }
    public ScalarType DType { get; }
    public ITrainableModel Model { get; }
    public int TrainingExamples => _n;
    public IDatasetFingerprint Dataset => this;
    public string DatasetDescription => $"{Name} synthetic n={_n} d={_d} l={_l} seed={_seed}";
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DatasetDescription)))[..16];

    public (Tensor X, Tensor Y) MakeBatch(int[] indices) => (Rows(_x, indices, _d), Rows(_y, indices, _l));

    public Tensor Loss((Tensor X, Tensor Y) batch) => F.binary_cross_entropy_with_logits(Linear.forward(batch.X), batch.Y); // [B, D] -> [B, L]

    public IReadOnlyDictionary<string, double> Evaluate(int[] indices) =>
        Metrics(Rows(_x, indices, _d), indices.SelectMany(i => _yLabels.AsSpan(i * _l, _l).ToArray()).ToArray(), indices.Length);

    /// <summary>The keys of <see cref="Evaluate"/>'s metrics plus the trainer's validation "loss": the selection metrics
    /// a linear-demo config may name.</summary>
    public static IReadOnlyList<string> ValidationMetrics { get; } = ["map", "f1@3", "loss"];

    public IReadOnlyDictionary<string, double> EvaluateTest() =>
        Metrics(Rows(_testX, Enumerable.Range(0, _nTest).ToArray(), _d), _testLabels, _nTest);

    private Dictionary<string, double> Metrics(Tensor x, sbyte[] labels, int n)
    {
        using var scope = torch.NewDisposeScope();
        var scores = Linear.forward(x).to(ScalarType.Float32).cpu().ToArray<float>();      // [N, D] -> [N, L]
        var r = MultiLabelEvaluator.Evaluate(Matrix.Create(scores, n, _l, "scores"), Matrix.Create(labels, n, _l, "labels"),
            new MultiLabelOptions([3], MultiLabelProtocol.Nus));
        return new Dictionary<string, double> { ["map"] = r.Map, ["f1@3"] = r.TopK[0].F1 };
    }

    private Tensor Rows(float[] data, int[] indices, int width)
    {
        var rows = new float[indices.Length * width];
        for (int r = 0; r < indices.Length; r++) Array.Copy(data, indices[r] * width, rows, r * width, width);
        return torch.tensor((ReadOnlySpan<float>)rows, [indices.Length, width], DType, Device);
    }

    private (float[] X, float[] Y) Make(Random rng, int n, float[] wStar) => LinearDemoData.Generate(rng, n, _d, _l, wStar);

    public void Dispose() => Linear.Dispose();
}

/// <summary>The demo's data generator (also used by the trainer's unit tests): x ~ N(0, I) [n, d] by Box-Muller from
/// <see cref="Random"/>, y = [x·W* &gt; 0] [n, l] as 0/1 floats, W* [d, l] row-major.</summary>
public static class LinearDemoData
{
    public static (float[] X, float[] Y) Generate(Random rng, int n, int d, int l, float[] wStar)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(wStar);
        if (wStar.Length != d * l) throw new ArgumentException($"W* holds {wStar.Length} values; [d, l] = [{d}, {l}] needs {d * l}", nameof(wStar));
        var x = Gaussian(rng, n * d);
        var y = new float[n * l];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < l; j++)
            {
                double s = 0;
                for (int k = 0; k < d; k++) s += x[i * d + k] * wStar[k * l + j];
                y[i * l + j] = s > 0 ? 1f : 0f;
            }
        return (x, y);
    }

    /// <summary><paramref name="count"/> standard normal draws (Box-Muller, one cosine branch per pair of uniforms).</summary>
    public static float[] Gaussian(Random rng, int count)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()));
        return v;
    }
}

/// <summary>Registers "linear-demo" with <see cref="MethodRegistry"/>.</summary>
public static class LinearDemoMethod
{
    public static ExperimentConfig Defaults { get; } = new(Paper: "demo", Experiment: "linear", Method: LinearDemoTask.Name,
        Dataset: new DatasetConfig(Name: LinearDemoTask.Name, Synthetic: true, Size: 512, Features: 16, Labels: 8),
        Optimizer: new OptimizerConfig("adam", Lr: 0.01),
        Training: new TrainingConfig(Epochs: 10, BatchSize: 32, SelectionMetric: "map", Maximize: true));

    /// <summary>Validates the config and the demo's own fields: dataset.name is the demo's or the default (it generates its own data),
    /// features >= 1 and labels >= 3, no options or loss weights (it has none), a selection metric it computes.</summary>
    public static ExperimentConfig Check(ExperimentConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = config.Validate();
        void Fail(string field, string why) => throw new ArgumentException($"config field '{field}': {why}", field);
        var d = c.DatasetOrDefault;
        if (d.Name != LinearDemoTask.Name && d.Name != new DatasetConfig().Name)   // its own name, or none given (the record's default)
            Fail("dataset.name", $"{(d.Name is null ? "null" : $"'{d.Name}'")} is not {LinearDemoTask.Name} (the demo generates its own data)");
        if (d.Features < 1) Fail("dataset.features", $"{d.Features} must be >= 1");
        if (d.Labels < 3) Fail("dataset.labels", $"{d.Labels} must be >= 3 (f1@3 ranks 3 labels)");
        foreach (var key in c.Options!.Keys) Fail($"options.{key}", $"{LinearDemoTask.Name} takes no options");
        foreach (var key in c.LossWeights!.Keys) Fail($"lossWeights.{key}", $"{LinearDemoTask.Name} has one loss and no loss weights");
        var metric = c.TrainingOrDefault.SelectionMetric;
        if (!LinearDemoTask.ValidationMetrics.Contains(metric))
            Fail("training.selectionMetric", $"'{metric}' is not one of the validation metrics ({string.Join(", ", LinearDemoTask.ValidationMetrics)})");
        return c;
    }

    /// <summary>Runs one config into its run folder.</summary>
    public static RunRecord Run(ExperimentConfig config, RunOptions options) =>
        ExperimentRunner.Run(Check(config), options, c =>
        {
            var task = new LinearDemoTask(c);
            var opt = Optimizers.Create(c.OptimizerOrDefault, task.Linear.parameters());
            return new TrainingSetup<(Tensor, Tensor)>(task, opt, () => { opt.Dispose(); task.Dispose(); });
        });

    public static void Register() => MethodRegistry.Register(new MethodEntry(LinearDemoTask.Name,
        "linear multi-label scorer on generated features (pipeline demo, synthetic data)", Defaults, Run, Check: Check));
}
