// LesaTrainer.cs - the training and evaluation protocol of the LESA scripts (Huynh & Elhamifar, CVPR 2020, Sec. 5.1
// and the official NUS-WIDE script) on the synthetic multi-label benchmark: TF-style RMSprop (lr 1e-3, decay 0.9,
// momentum 0.9, epsilon 1.0), batch 32, lr x0.8 when the moving average (0.3) of validation F1@5 drops (patience 5),
// model selection on validation F1@5, and ZS / GZS mAP and P/R/F1@3,5 of both the final and the selected model.
using System.Diagnostics;
using ZslKit.Data.Datasets;
using ZslKit.Data.Synthetic;
using ZslKit.Metrics;
using ZslKit.Torch;
using ZslKit.Torch.Optim;

namespace ZslKit.Models;

/// <summary>Training-protocol knobs (defaults: the official NUS-WIDE script).</summary>
public sealed record LesaTrainingOptions
{
    public int Epochs { get; init; } = 10;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>RMSprop decay (PyTorch alpha), momentum and epsilon, TensorFlow 1 placement (eps inside the square root).</summary>
    public double RmsDecay { get; init; } = 0.9;
    public double RmsMomentum { get; init; } = 0.9;
    public double RmsEpsilon { get; init; } = 1.0;
    /// <summary>LesaPlateauDecay: moving-average strength, patience (5 NUS, 2 Open Images), decay factor.</summary>
    public double SignalStrength { get; init; } = 0.3;
    public int Patience { get; init; } = 5;
    public double DecayRate { get; init; } = 0.8;
    /// <summary>Validation (and lr-rule step) every this many optimiser steps; 0 = once per epoch.</summary>
    public int EvaluateEvery { get; init; }
    /// <summary>Seeds parameter initialisation (torch.manual_seed) and the batch order.</summary>
    public int Seed { get; init; }
    /// <summary>Region features of every split, generated once and shared by runs (null: generate each batch on demand).</summary>
    public LesaFeatureCache? Cache { get; init; }
    /// <summary>Optional progress lines (epoch, loss, validation F1@5, lr).</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>ZS (unseen columns) and GZS (all columns) test metrics of one model state.</summary>
public sealed record LesaTestResult(double ZslMap, double ZslF1At3, double ZslF1At5, double GzslMap, double GzslF1At3, double GzslF1At5,
    double ZslP3, double ZslR3, double ZslP5, double ZslR5, double GzslP3, double GzslR3, double GzslP5, double GzslR5);

/// <summary>Outcome of <see cref="LesaTrainer.Run"/>.</summary>
public sealed record LesaRunResult(string Model, int Seed, int Steps, double Seconds, double BestValidationF1At5, int BestStep,
    LesaTestResult Final, LesaTestResult Selected, IReadOnlyList<double> ValidationF1At5, IReadOnlyList<double> LearningRates);

/// <summary>Trains an <see cref="ILesaTrainable"/> on a multi-label region dataset (<see cref="IMultiLabelRegions"/>: the synthetic benchmark or real feature stores) and evaluates it.</summary>
public static class LesaTrainer
{
    /// <summary>Trains, selects on validation F1@5, and evaluates both the final and the selected model on the test split.</summary>
    public static LesaRunResult Run(ILesaTrainable model, IMultiLabelRegions bench, LesaTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(bench);
        ArgumentNullException.ThrowIfNull(options);
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be >= 1");
        if (options.Epochs < 0) throw new ArgumentOutOfRangeException(nameof(options), options.Epochs, "Epochs must be >= 0");
        if (options.Cache is not null && !ReferenceEquals(options.Cache.Benchmark, bench))
            throw new ArgumentException("LesaTrainingOptions.Cache holds the features of another benchmark", nameof(options));
        var clock = Stopwatch.StartNew();
        using var vectors = LabelVectors(bench);                                     // [L, dv]
        using var seenVectors = vectors.narrow(0, 0, bench.SeenCount);               // [S, dv]
        var opt = torch.optim.RMSprop(model.Module.parameters(), lr: options.LearningRate, alpha: options.RmsDecay,
            eps: options.RmsEpsilon, momentum: options.RmsMomentum, epsilonInsideSqrt: true);
        var rule = new LesaPlateauDecay(opt, options.SignalStrength, options.Patience, options.DecayRate);
        var rng = new Random(options.Seed);
        int trainCount = bench.ImageCount(MultiLabelSplit.Train);
        int evalEvery = options.EvaluateEvery > 0 ? options.EvaluateEvery : Math.Max(1, (trainCount + options.BatchSize - 1) / options.BatchSize);
        var validation = new List<double>();
        var lrs = new List<double>();
        Dictionary<string, Tensor>? best = null;
        double bestF1 = double.NegativeInfinity;
        int step = 0, bestStep = 0;
        double lossSum = 0; int lossCount = 0;
        try
        {
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                var order = Enumerable.Range(0, trainCount).ToArray();
                rng.Shuffle(order);
                for (int start = 0; start < trainCount; start += options.BatchSize)
                {
                    var idx = order.AsSpan(start, Math.Min(options.BatchSize, trainCount - start)).ToArray();
                    using (var scope = torch.NewDisposeScope())
                    {
                        model.Module.train();
                        var (x, y) = Batch(bench, MultiLabelSplit.Train, idx, options.Cache);
                        var loss = model.Loss(x, y, seenVectors);
                        opt.zero_grad();
                        loss.backward();
                        opt.step();
                        lossSum += loss.item<float>(); lossCount++;
                    }
                    step++;
                    if (step % evalEvery != 0) continue;
                    var f1 = ValidationF1At5(model, bench, seenVectors, options.BatchSize, options.Cache);
                    validation.Add(f1);
                    rule.step(f1);
                    lrs.Add(opt.ParamGroups[0].LearningRate);
                    if (f1 > bestF1)
                    {
                        bestF1 = f1; bestStep = step;
                        Dispose(best);
                        best = Snapshot(model.Module);
                    }
                    options.Log?.Invoke($"{model.Name} step {step} (epoch {epoch + 1}): loss {lossSum / Math.Max(1, lossCount):F4}, val F1@5 {f1:F4}, lr {opt.ParamGroups[0].LearningRate:g3}");
                    lossSum = 0; lossCount = 0;
                }
            }
            var final = Test(model, bench, vectors, options.BatchSize, options.Cache);
            var selected = final;
            if (best is not null)
            {
                model.Module.load_state_dict(best, strict: true);
                selected = Test(model, bench, vectors, options.BatchSize, options.Cache);
            }
            return new LesaRunResult(model.Name, options.Seed, step, clock.Elapsed.TotalSeconds, bestF1, bestStep, final, selected, validation, lrs);
        }
        finally
        {
            Dispose(best);
        }
    }

    /// <summary>All label vectors of the benchmark (seen first, then unseen) as a [L, dv] float tensor.</summary>
    public static Tensor LabelVectors(IMultiLabelRegions bench)
    {
        ArgumentNullException.ThrowIfNull(bench);
        var s = bench.Semantics;
        return torch.tensor<float>(s.Vectors.AsSpan(), [s.Count, s.Dim]);
    }

    /// <summary>Region features [B, R, D] and labels [B, L(split)] (float +1/−1/0) of the given images.</summary>
    public static (Tensor Features, Tensor Labels) Batch(IMultiLabelRegions bench, MultiLabelSplit split, int[] indices, LesaFeatureCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(bench);
        ArgumentNullException.ThrowIfNull(indices);
        var feats = cache is null ? Regions(bench, split, indices) : cache.Gather(split, indices);
        int l = bench.LabelCount(split);
        var labels = new sbyte[indices.Length * l];
        bench.GetLabelBatch(split, indices, labels);
        var x = torch.tensor<float>(feats.AsSpan(), [indices.Length, bench.RegionCount, bench.FeatureDim]);
        var y = torch.tensor<sbyte>(labels.AsSpan(), [indices.Length, l]).to(ScalarType.Float32);
        return (x, y);
    }

    /// <summary>Scores [N, C] of every image of a split over the labels embedded in <paramref name="embedded"/>, in batches.</summary>
    public static float[] ScoreSplit(ILesaTrainable model, IMultiLabelRegions bench, MultiLabelSplit split, Tensor labelVectors, int batchSize,
        LesaFeatureCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(bench);
        int n = bench.ImageCount(split);
        int c = (int)labelVectors.size(0);
        var result = new float[(long)n * c];
        model.Module.eval();
        using var noGrad = torch.no_grad();
        using var outer = torch.NewDisposeScope();
        var embedded = model.EmbedLabels(labelVectors);
        for (int start = 0; start < n; start += batchSize)
        {
            int count = Math.Min(batchSize, n - start);
            using var scope = torch.NewDisposeScope();
            var indices = Enumerable.Range(start, count).ToArray();
            var feats = cache is null ? Regions(bench, split, indices) : cache.Gather(split, indices);
            var x = torch.tensor<float>(feats.AsSpan(), [count, bench.RegionCount, bench.FeatureDim]);
            model.Scores(x, embedded).ToArray<float>().CopyTo(result, (long)start * c);
        }
        return result;
    }

    /// <summary>Region features [indices.Length, R, D] of images of a split (the synthetic benchmark generates them in parallel).</summary>
    public static float[] Regions(IMultiLabelRegions bench, MultiLabelSplit split, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(bench);
        if (bench is MultiLabelBenchmark synthetic) return synthetic.GetRegionBatch(split, indices);
        var dest = new float[checked(indices.Length * bench.ImageLength)];
        bench.GetRegionBatch(split, indices, dest);
        return dest;
    }

    /// <summary>Labels [N, L(split)] of every image of a split.</summary>
    public static sbyte[] SplitLabels(IMultiLabelRegions bench, MultiLabelSplit split)
    {
        ArgumentNullException.ThrowIfNull(bench);
        int n = bench.ImageCount(split), l = bench.LabelCount(split);
        var labels = new sbyte[(long)n * l];
        bench.GetLabelBatch(split, Enumerable.Range(0, n).ToArray(), labels);
        return labels;
    }

    private static double ValidationF1At5(ILesaTrainable model, IMultiLabelRegions bench, Tensor seenVectors, int batchSize, LesaFeatureCache? cache)
    {
        int n = bench.ImageCount(MultiLabelSplit.Validation), s = bench.SeenCount;
        var scores = ScoreSplit(model, bench, MultiLabelSplit.Validation, seenVectors, batchSize, cache);
        var labels = SplitLabels(bench, MultiLabelSplit.Validation);
        var report = MultiLabelEvaluator.Evaluate(Matrix.Create(scores, n, s, "validation scores"), Matrix.Create(labels, n, s, "validation labels"),
            new MultiLabelOptions([5], MultiLabelProtocol.Nus, Variants: []));
        return report.TopK[0].F1;
    }

    /// <summary>ZS (unseen columns) and GZS (all columns) mAP and P/R/F1@3,5 on the test split (NUS protocol).</summary>
    public static LesaTestResult Test(ILesaTrainable model, IMultiLabelRegions bench, Tensor labelVectors, int batchSize,
        LesaFeatureCache? cache = null)
    {
        ArgumentNullException.ThrowIfNull(bench);
        return TestMetrics(bench, ScoreSplit(model, bench, MultiLabelSplit.Test, labelVectors, batchSize, cache));
    }

    /// <summary>ZS (unseen columns) and GZS (all columns) metrics of test scores [N, L] (row-major, seen labels first).</summary>
    public static LesaTestResult TestMetrics(IMultiLabelRegions bench, float[] scores)
    {
        ArgumentNullException.ThrowIfNull(bench);
        ArgumentNullException.ThrowIfNull(scores);
        int n = bench.ImageCount(MultiLabelSplit.Test), l = bench.Semantics.Count, s = bench.SeenCount, u = l - s;
        if (scores.LongLength != (long)n * l)
            throw new ArgumentException($"scores hold {scores.LongLength} values; the test split needs [{n}, {l}]", nameof(scores));
        var labels = SplitLabels(bench, MultiLabelSplit.Test);
        var zsScores = new float[(long)n * u];
        var zsLabels = new sbyte[(long)n * u];
        for (int i = 0; i < n; i++)
        {
            scores.AsSpan(i * l + s, u).CopyTo(zsScores.AsSpan(i * u, u));
            labels.AsSpan(i * l + s, u).CopyTo(zsLabels.AsSpan(i * u, u));
        }
        var options = new MultiLabelOptions([3, 5], MultiLabelProtocol.Nus, Variants: []);
        var zs = MultiLabelEvaluator.Evaluate(Matrix.Create(zsScores, n, u), Matrix.Create(zsLabels, n, u), options);
        var gzs = MultiLabelEvaluator.Evaluate(Matrix.Create(scores, n, l), Matrix.Create(labels, n, l), options);
        return new LesaTestResult(zs.Map, zs.TopK[0].F1, zs.TopK[1].F1, gzs.Map, gzs.TopK[0].F1, gzs.TopK[1].F1,
            zs.TopK[0].Precision, zs.TopK[0].Recall, zs.TopK[1].Precision, zs.TopK[1].Recall,
            gzs.TopK[0].Precision, gzs.TopK[0].Recall, gzs.TopK[1].Precision, gzs.TopK[1].Recall);
    }

    /// <summary>
    /// ZS (unseen columns) and GZS (all columns) metrics of test scores [N, L] (row-major, seen labels first) at the given K
    /// (NUS-WIDE 3, 5; Open Images 10, 20): keys "zs/map", "zs/p@K", "zs/r@K", "zs/f1@K" and the same under "gzs/".
    /// </summary>
    public static Dictionary<string, double> TestMetrics(IMultiLabelRegions bench, float[] scores, IReadOnlyList<int> ks)
    {
        ArgumentNullException.ThrowIfNull(bench);
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(ks);
        if (ks.Count == 0) throw new ArgumentException("need at least one K", nameof(ks));
        int n = bench.ImageCount(MultiLabelSplit.Test), l = bench.Semantics.Count, s = bench.SeenCount, u = l - s;
        if (scores.LongLength != (long)n * l)
            throw new ArgumentException($"scores hold {scores.LongLength} values; the test split needs [{n}, {l}]", nameof(scores));
        var labels = SplitLabels(bench, MultiLabelSplit.Test);
        var zsScores = new float[(long)n * u];
        var zsLabels = new sbyte[(long)n * u];
        for (int i = 0; i < n; i++)
        {
            scores.AsSpan(i * l + s, u).CopyTo(zsScores.AsSpan(i * u, u));    // [N, L] -> unseen columns [N, U]
            labels.AsSpan(i * l + s, u).CopyTo(zsLabels.AsSpan(i * u, u));
        }
        var options = new MultiLabelOptions([.. ks], MultiLabelProtocol.Nus, Variants: []);
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        void Add(string setting, MultiLabelReport r)
        {
            result[$"{setting}/map"] = r.Map;
            for (int i = 0; i < ks.Count; i++)
            {
                result[$"{setting}/p@{ks[i]}"] = r.TopK[i].Precision;
                result[$"{setting}/r@{ks[i]}"] = r.TopK[i].Recall;
                result[$"{setting}/f1@{ks[i]}"] = r.TopK[i].F1;
            }
        }
        Add("zs", MultiLabelEvaluator.Evaluate(Matrix.Create(zsScores, n, u), Matrix.Create(zsLabels, n, u), options));
        Add("gzs", MultiLabelEvaluator.Evaluate(Matrix.Create(scores, n, l), Matrix.Create(labels, n, l), options));
        return result;
    }

    /// <summary>A detached copy of the module's state_dict (parameters and buffers), owned by the caller.</summary>
    internal static Dictionary<string, Tensor> Snapshot(Module module)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var copy = module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        foreach (var t in copy.Values) t.DetachFromDisposeScope();
        return copy;
    }

    /// <summary>Disposes every tensor of a snapshot (null: nothing).</summary>
    internal static void Dispose(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null) return;
        foreach (var t in tensors.Values) t.Dispose();
    }
}

/// <summary>
/// Region features of every image of a benchmark split, generated once (in parallel) on first use and kept in memory
/// (N x R x D floats per split: 3,600 quick-mode training images at D = 128 take 361 MB).
/// </summary>
public sealed class LesaFeatureCache(MultiLabelBenchmark bench)
{
    private readonly Dictionary<MultiLabelSplit, float[]> _splits = new();
    private readonly Lock _lock = new();

    public MultiLabelBenchmark Benchmark { get; } = bench ?? throw new ArgumentNullException(nameof(bench));

    /// <summary>Copies the features of the given images into a new [indices.Length, R, D] array.</summary>
    public float[] Gather(MultiLabelSplit split, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        float[] all;
        lock (_lock)
        {
            if (!_splits.TryGetValue(split, out all!))
                _splits[split] = all = Benchmark.GetRegionBatch(split, Enumerable.Range(0, Benchmark.ImageCount(split)).ToArray());
        }
        int len = Benchmark.ImageLength;
        var dest = new float[(long)indices.Length * len];
        for (int b = 0; b < indices.Length; b++) all.AsSpan(indices[b] * len, len).CopyTo(dest.AsSpan(b * len, len));
        return dest;
    }
}
