// TinyLinearTask.cs - test support: a linear multi-label scorer on small synthetic features (generated here with a seeded
// System.Random), a momentum SGD implementing ITrainerOptimizer, and hooks to inject a NaN loss or record which
// examples each phase saw.
using System.Security.Cryptography;
using ZslKit.Experiments.Demo;
using ZslKit.Experiments.Training;
using ZslKit.Metrics;
using ZslKit.Torch;
using ZslKit.Torch.Serialization;
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Tests.Experiments;

/// <summary>Features x ~ N(0, 1) [N, D]; labels y = sign(x·W*) [N, L] with a fixed random W*; scores = dropout(x)·W + b.</summary>
internal sealed class TinyLinearTask : ITrainingTask<(Tensor X, Tensor Y)>, ITrainableModel, IDatasetFingerprint, IDisposable
{
    private readonly float[] _x, _y, _testX, _testY;
    private readonly sbyte[] _testLabels;
    private readonly int _d, _l;
    private readonly Tensor _w, _b;
    private readonly int _dataSeed;

    public TinyLinearTask(int n = 96, int d = 6, int l = 5, int dataSeed = 7, int testN = 48, double dropout = 0.0)
    {
        (_d, _l, _dataSeed) = (d, l, dataSeed);
        Dropout = dropout;
        var rng = new Random(dataSeed);
        var wStar = Enumerable.Range(0, d * l).Select(_ => Gauss(rng)).ToArray();
        (_x, _y) = Make(rng, n, wStar);
        (_testX, _testY) = Make(rng, testN, wStar);
        _testLabels = _testY.Select(v => (sbyte)(v > 0.5f ? 1 : -1)).ToArray();
        TrainingExamples = n;
        // Parameters come from torch's generator (seeded by the caller): W [D, L], b [L].
        using (torch.no_grad())
        {
            _w = (torch.randn(d, l) * 0.1).DetachFromDisposeScope().requires_grad_();
            _b = torch.zeros([l], requires_grad: true).DetachFromDisposeScope();
        }
    }

    /// <summary>Given data X [n, d], Y [n, l] (0/1) and initial parameters W0 [d, l], b0 [l]; no test split.</summary>
    public TinyLinearTask(float[] x, float[] y, int n, int d, int l, float[] w0, float[] b0)
    {
        (_d, _l, _x, _y) = (d, l, x, y);
        (_testX, _testY, _testLabels) = ([], [], []);
        TrainingExamples = n;
        _w = torch.tensor(w0.AsSpan(), [d, l]).DetachFromDisposeScope().requires_grad_();
        _b = torch.tensor(b0.AsSpan(), [l]).DetachFromDisposeScope().requires_grad_();
    }

    public double Dropout { get; }
    /// <summary>Global loss-call number (1-based) at which the loss is replaced by NaN (0 = never).</summary>
    public int NanAtCall { get; set; }
    public int LossCalls { get; private set; }
    public bool Training { get; private set; } = true;
    public HashSet<int> SeenInTraining { get; } = [];
    public HashSet<int> SeenInEvaluate { get; } = [];
    public int TestEvaluations { get; private set; }

    public ITrainableModel Model => this;
    public int TrainingExamples { get; }
    public IDatasetFingerprint Dataset => this;
    public string DatasetDescription => $"tiny-linear n={TrainingExamples} d={_d} l={_l} seed={_dataSeed}";
    public string Fingerprint => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(DatasetDescription)))[..16];

    public IReadOnlyList<KeyValuePair<string, Tensor>> NamedParameters() => [new("w", _w), new("b", _b)];
    public void SetTraining(bool training) => Training = training;

    public (Tensor X, Tensor Y) MakeBatch(int[] indices)
    {
        if (Training && torch.is_grad_enabled()) foreach (var i in indices) SeenInTraining.Add(i);
        return (Rows(_x, indices, _d), Rows(_y, indices, _l));
    }

    public Tensor Loss((Tensor X, Tensor Y) batch)
    {
        LossCalls++;
        var x = Training && Dropout > 0 ? F.dropout(batch.X, Dropout, training: true) : batch.X;
        var scores = x.mm(_w) + _b;                                        // [B, D]·[D, L] -> [B, L]
        var loss = F.binary_cross_entropy_with_logits(scores, batch.Y);
        return NanAtCall > 0 && LossCalls == NanAtCall ? loss * double.NaN : loss;
    }

    public IReadOnlyDictionary<string, double> Evaluate(int[] indices)
    {
        foreach (var i in indices) SeenInEvaluate.Add(i);
        using var scope = torch.NewDisposeScope();                        // the feature rows made below
        var labels = indices.SelectMany(i => _y.AsSpan(i * _l, _l).ToArray()).Select(v => (sbyte)(v > 0.5f ? 1 : -1)).ToArray();
        return Metrics(Rows(_x, indices, _d), labels, indices.Length);
    }

    public IReadOnlyDictionary<string, double> EvaluateTest()
    {
        TestEvaluations++;
        using var scope = torch.NewDisposeScope();
        int n = _testLabels.Length / _l;
        return Metrics(torch.tensor(_testX.AsSpan(), [n, _d]), _testLabels, n);
    }

    private Dictionary<string, double> Metrics(Tensor x, sbyte[] labels, int n)
    {
        using var scope = torch.NewDisposeScope();
        var scores = (x.mm(_w) + _b).ToArray<float>();                    // [N, D]·[D, L] -> [N, L]
        var report = MultiLabelEvaluator.Evaluate(Matrix.Create(scores, n, _l, "scores"), Matrix.Create(labels, n, _l, "labels"),
            new MultiLabelOptions([3], MultiLabelProtocol.Nus));
        return new Dictionary<string, double> { ["map"] = report.Map, ["f1@3"] = report.TopK[0].F1 };
    }

    public float[] ParameterValues() => [.. _w.detach().ToArray<float>(), .. _b.detach().ToArray<float>()];

    public void Dispose()
    {
        _w.Dispose();
        _b.Dispose();
    }

    private static Tensor Rows(float[] data, int[] indices, int width)
    {
        var rows = new float[indices.Length * width];
        for (int r = 0; r < indices.Length; r++) Array.Copy(data, indices[r] * width, rows, r * width, width);
        return torch.tensor(rows.AsSpan(), [indices.Length, width]);
    }

    private (float[] X, float[] Y) Make(Random rng, int n, float[] wStar) => LinearDemoData.Generate(rng, n, _d, _l, wStar);

    private static float Gauss(Random rng) => LinearDemoData.Gaussian(rng, 1)[0];
}

/// <summary>SGD with momentum (buf = m·buf + g; p -= lr·buf), enough optimiser state to test checkpoint/resume.</summary>
internal sealed class MomentumSgd(IReadOnlyList<KeyValuePair<string, Tensor>> parameters, double lr, double momentum) : ITrainerOptimizer, IDisposable
{
    private readonly Dictionary<string, Tensor> _buf = new(StringComparer.Ordinal);
    private long _steps;

    public double LearningRate { get; set; } = lr;
    public List<double> RatesUsed { get; } = [];

    public void ZeroGrad()
    {
        foreach (var (_, p) in parameters) p.grad = null;
    }

    public void Step()
    {
        RatesUsed.Add(LearningRate);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in parameters)
        {
            var g = p.grad;
            if (g is null) continue;
            if (_buf.TryGetValue(name, out var buf)) buf.mul_(momentum).add_(g);
            else _buf[name] = buf = g.clone().DetachFromDisposeScope();
            p.sub_(buf, LearningRate);
        }
        _steps++;
    }

    public OptimizerState StateDict() => new(
        _buf.ToDictionary(kv => "momentum_buffer." + kv.Key, kv => Trainer<int>.ToData(kv.Value)),
        new Dictionary<string, double> { ["steps"] = _steps, ["lr"] = LearningRate });

    public void LoadStateDict(OptimizerState state)
    {
        Dispose();
        foreach (var (key, data) in state.Tensors)
            _buf[key["momentum_buffer.".Length..]] = torch.from_data(data).DetachFromDisposeScope();
        _steps = (long)state.Scalars["steps"];
    }

    public void Dispose()
    {
        foreach (var t in _buf.Values) t.Dispose();
        _buf.Clear();
    }
}
