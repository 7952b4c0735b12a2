// LesaEvaluation.cs - the test protocol of the LESA scripts (Huynh & Elhamifar, CVPR 2020, Sec. 5.1): from the scores of
// every test image over all labels (LesaScorer), ZS (unseen columns) and GZS (all columns) mAP and P/R/F1@K under the NUS
// protocol (K 3, 5 on NUS-WIDE; 10, 20 on Open Images).
using ZslKit.Data.Datasets;
using ZslKit.Data.Synthetic;
using ZslKit.Metrics;
using ZslKit.Torch;

namespace ZslKit.Models;

/// <summary>ZS (unseen columns) and GZS (all columns) test metrics of one model state.</summary>
public sealed record LesaTestResult(double ZslMap, double ZslF1At3, double ZslF1At5, double GzslMap, double GzslF1At3, double GzslF1At5,
    double ZslP3, double ZslR3, double ZslP5, double ZslR5, double GzslP3, double GzslR3, double GzslP5, double GzslR5);

/// <summary>ZS / GZS test metrics of a model's test scores.</summary>
public static class LesaEvaluation
{
    /// <summary>ZS (unseen columns) and GZS (all columns) metrics of test scores [N, L] (row-major, seen labels first) at
    /// K = 3, 5 (NUS protocol), as a record; <see cref="TestMetrics(IMultiLabelRegions, float[], IReadOnlyList{int})"/> computes them.</summary>
    public static LesaTestResult TestMetrics(IMultiLabelRegions bench, float[] scores)
    {
        var m = TestMetrics(bench, scores, [3, 5]);
        return new LesaTestResult(m["zs/map"], m["zs/f1@3"], m["zs/f1@5"], m["gzs/map"], m["gzs/f1@3"], m["gzs/f1@5"],
            m["zs/p@3"], m["zs/r@3"], m["zs/p@5"], m["zs/r@5"], m["gzs/p@3"], m["gzs/r@3"], m["gzs/p@5"], m["gzs/r@5"]);
    }

    /// <summary>
    /// ZS (unseen columns) and GZS (all columns) metrics of test scores [N, L] (row-major, seen labels first) at the given K
    /// (NUS-WIDE 3, 5; Open Images 10, 20): keys "zs/map", "zs/p@K", "zs/r@K", "zs/f1@K" and the same under "gzs/".
    /// </summary>
    public static Dictionary<string, double> TestMetrics(IMultiLabelRegions bench, float[] scores, IReadOnlyList<int> ks)
    {
        ArgumentNullException.ThrowIfNull(bench);
        ArgumentNullException.ThrowIfNull(scores);
        CheckKs(ks, bench.Semantics.Count - bench.SeenCount, nameof(ks));
        int n = bench.ImageCount(MultiLabelSplit.Test), l = bench.Semantics.Count;
        if (scores.LongLength != (long)n * l)
            throw new ArgumentException($"scores hold {scores.LongLength} values; the test split needs [{n}, {l}]", nameof(scores));
        return TestMetrics(scores, LesaBatches.SplitLabels(bench, MultiLabelSplit.Test), n, l, bench.SeenCount, ks);
    }

    /// <summary>The same metrics from explicit test labels [N, L] (+1/−1/0, row-major, the first <paramref name="seen"/>
    /// columns seen, the rest unseen). Errors name "scores" and "labels" and the column in the full [N, L] label space.</summary>
    public static Dictionary<string, double> TestMetrics(float[] scores, sbyte[] labels, int n, int l, int seen, IReadOnlyList<int> ks)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "the image count n must be >= 0");
        if (l < 1) throw new ArgumentOutOfRangeException(nameof(l), l, "the label count l must be >= 1 (seen columns, then unseen)");
        if (seen < 0 || seen >= l)
            throw new ArgumentOutOfRangeException(nameof(seen), seen, $"the seen column count must be in [0, {l}): at least one of the l = {l} columns must be unseen");
        CheckKs(ks, l - seen, nameof(ks));
        if (scores.LongLength != (long)n * l || labels.LongLength != (long)n * l)
            throw new ArgumentException($"scores hold {scores.LongLength} and labels {labels.LongLength} values; [{n}, {l}] needs {(long)n * l}");
        int s = seen, u = l - s;
        var zsScores = new float[(long)n * u];
        var zsLabels = new sbyte[(long)n * u];
        for (int i = 0; i < n; i++)
        {
            scores.AsSpan((int)((long)i * l + s), u).CopyTo(zsScores.AsSpan((int)((long)i * u), u));    // [N, L] -> unseen columns [N, U]
            labels.AsSpan((int)((long)i * l + s), u).CopyTo(zsLabels.AsSpan((int)((long)i * u), u));
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
        // GZS first: it checks every score and label with positions in the caller's [N, L] columns; the ZS slice is then valid
        var gzs = MultiLabelEvaluator.Evaluate(Matrix.Create(scores, n, l, "scores"), Matrix.Create(labels, n, l, "labels"), options);
        Add("zs", MultiLabelEvaluator.Evaluate(Matrix.Create(zsScores, n, u, "scores (unseen columns)"), Matrix.Create(zsLabels, n, u, "labels (unseen columns)"), options));
        Add("gzs", gzs);
        return result;
    }

    /// <summary>
    /// K values for the test metrics: at least one, each between 1 and the unseen label count (the ZS metrics rank the
    /// unseen columns only; GZS ranks all of them, so this bound covers both). LesaTask checks its K with this at construction.
    /// </summary>
    internal static void CheckKs(IReadOnlyList<int> ks, int unseen, string paramName)
    {
        ArgumentNullException.ThrowIfNull(ks, paramName);
        if (ks.Count == 0) throw new ArgumentException("need at least one K", paramName);
        foreach (var k in ks)
            if (k < 1 || k > unseen)
                throw new ArgumentOutOfRangeException(paramName, k,
                    $"K = {k} must be between 1 and the unseen label count {unseen} (the ZS test metrics rank the {unseen} unseen labels)");
    }
}
