// LesaEvalBench.cs - `zsl bench lesa-eval`: one full evaluation pass as an eager LesaScorer + LesaEvaluation do it: LESA scores of every
// test image over all labels (seen + unseen), copied to the host, then the ZS (unseen columns) and GZS (all columns) mAP
// and P/R/F1@3,5 of the NUS protocol (MultiLabelEvaluator). Synthetic features cycle through a small pool of batches.
using ZslKit.Metrics;
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

/// <summary>Times scoring + metrics over a synthetic test set.</summary>
public sealed class LesaEvalBench : IBenchTarget
{
    public string Name => "lesa-eval";
    public string Description => "Full evaluation pass: LESA scores of all test images over seen+unseen labels, then ZS and GZS mAP, P/R/F1@3,5.";
    public bool HasTwin => false;

    public IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        ["batch"] = "32", ["grid"] = "14", ["dim"] = "512", ["hidden"] = "512", ["modules"] = "10", ["seen"] = "925", ["unseen"] = "81",
        ["word-dim"] = "300", ["images"] = "1024", ["positive-rate"] = "0.02", ["pool"] = "4", ["seed"] = "0",
    };

    public BenchTargetResult Run(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var st = context.Settings;
        int batch = st.Int("batch"), seen = st.Int("seen"), unseen = st.Int("unseen"), images = st.Int("images"), poolSize = st.Int("pool");
        int labels = seen + unseen;
        var cfg = LesaStepBench.Config(st);
        var dev = context.Device;
        using var outer = torch.NewDisposeScope();
        using var model = LesaStepBench.Model(st, cfg, dev);
        model.eval();
        using var noGrad = torch.no_grad();
        var pool = Enumerable.Range(0, poolSize).Select(_ => torch.randn([batch, cfg.RegionCount, cfg.FeatureDim], device: dev)).ToArray(); // each [B, R, D]
        var theta = model.ScoringEmbedding(torch.randn([labels, cfg.WordDim], device: dev));        // [L, D]
        var rng = new Random(st.Int("seed", 0));
        var truth = new sbyte[(long)images * labels];
        double rate = st.Double("positive-rate");
        for (long i = 0; i < truth.LongLength; i++) truth[i] = rng.NextDouble() < rate ? (sbyte)1 : (sbyte)-1;
        var zsTruth = Columns(truth, images, labels, seen, unseen);
        var scores = new float[(long)images * labels];
        var scoreTimes = new List<double>();
        var metricTimes = new List<double>();
        double zsMap = 0, gzsMap = 0;
        var options = new MultiLabelOptions([3, 5], MultiLabelProtocol.Nus, Variants: []);
        void Rep()
        {
            var t0 = SystemBenchClock.Instance.WallSeconds;
            for (int start = 0, k = 0; start < images; start += batch, k++)
            {
                int n = Math.Min(batch, images - start);
                using var scope = torch.NewDisposeScope();
                var x = pool[k % poolSize];
                if (n < batch) x = x.narrow(0, 0, n);                                             // [n, R, D]
                model.Scores(x, theta).cpu().ToArray<float>().CopyTo(scores, (long)start * labels); // [n, L] -> host
            }
            var t1 = SystemBenchClock.Instance.WallSeconds;
            var zs = MultiLabelEvaluator.Evaluate(Matrix.Create(Columns(scores, images, labels, seen, unseen), images, unseen), Matrix.Create(zsTruth, images, unseen), options);
            var gzs = MultiLabelEvaluator.Evaluate(Matrix.Create(scores, images, labels), Matrix.Create(truth, images, labels), options);
            (zsMap, gzsMap) = (zs.Map, gzs.Map);
            scoreTimes.Add(t1 - t0);
            metricTimes.Add(SystemBenchClock.Instance.WallSeconds - t1);
        }
        var (ours, _) = BenchHarness.Measure(Rep, context.Repetitions, progress: context.Log);
        int warm = context.Repetitions.Warmup;
        var metrics = new Dictionary<string, double>
        {
            ["scoringSecondsMedian"] = BenchStats.From(scoreTimes.Skip(warm).ToArray()).Median,
            ["metricsSecondsMedian"] = BenchStats.From(metricTimes.Skip(warm).ToArray()).Median,
            ["zsMap"] = zsMap, ["gzsMap"] = gzsMap,   // random model and labels: a sanity value near the positive rate
        };
        return new BenchTargetResult([new BenchMeasurement($"eval pass ({images} images x {labels} labels)", images, "images", ours, null)],
            metrics, ["scores are copied to the host per batch, as LesaScorer does"]);
    }

    /// <summary>Columns [seen, seen+unseen) of a row-major [rows, cols] array.</summary>
    private static T[] Columns<T>(T[] source, int rows, int cols, int from, int count)
    {
        var result = new T[(long)rows * count];
        for (int i = 0; i < rows; i++) source.AsSpan((int)((long)i * cols + from), count).CopyTo(result.AsSpan((int)((long)i * count), count));
        return result;
    }
}
