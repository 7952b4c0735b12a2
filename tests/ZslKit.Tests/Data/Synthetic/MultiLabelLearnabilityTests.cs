// The multi-label benchmark is neither trivial nor impossible: a closed-form ridge model learns seen labels and
// transfers to unseen labels through their semantics, well above chance and well below perfect (docs/synthetic.md).
using System.Diagnostics;
using ZslKit.Data.Synthetic;
using ZslKit.Testing;

namespace ZslKit.Tests.Data.Synthetic;

public class MultiLabelLearnabilityTests(ITestOutputHelper output)
{
    /// <summary>mAP of seen labels (test images, seen columns) and ZS mAP (unseen columns) with their chance levels.</summary>
    internal sealed record Result(double SeenMap, double SeenChance, double UnseenMap, double UnseenChance, double UnseenMapRegionMax);

    /// <summary>
    /// Ridge from mean-pooled regions to the sum of the annotated labels' semantic vectors; scores ⟨W x, v_c⟩ from the
    /// pooled features, and also max over regions of ⟨W x_r, v_c⟩.
    /// </summary>
    internal static Result Evaluate(MultiLabelBenchmark bench, double lambda, bool regionMax)
    {
        int d = bench.FeatureDim, e = bench.Semantics.Dim, regions = bench.RegionCount;
        var sem = bench.Semantics;
        int nTrain = bench.ImageCount(MultiLabelSplit.Train);
        var pooled = new float[nTrain * d];                  // [N, D]
        var target = new double[nTrain * e];                 // [N, e]
        var labels = new sbyte[bench.LabelCount(MultiLabelSplit.Train)];
        Parallel.For(0, nTrain, () => new float[bench.ImageLength], (i, _, buf) =>
        {
            bench.GetRegions(MultiLabelSplit.Train, i, buf);
            MeanPool(buf, regions, d, pooled.AsSpan(i * d, d));
            return buf;
        }, _ => { });
        for (int i = 0; i < nTrain; i++)
        {
            bench.GetLabels(MultiLabelSplit.Train, i, labels);
            for (int c = 0; c < labels.Length; c++)
                if (labels[c] > 0) { var v = sem.Row(c); for (int j = 0; j < e; j++) target[i * e + j] += v[j]; }
        }
        var ridge = TinyRidge.Fit(pooled, target, nTrain, d, e, lambda);

        int nTest = bench.ImageCount(MultiLabelSplit.Test), all = sem.Count, seen = sem.SeenCount, unseen = sem.UnseenCount;
        // Scores ⟨W x, v_c⟩ = x·(W Vᵀ) + const: M = W Vᵀ [D, L] computed once.
        var m = new double[d * all];
        for (int j = 0; j < d; j++)
            for (int c = 0; c < all; c++)
            {
                var v = sem.Row(c);
                double acc = 0;
                for (int k = 0; k < e; k++) acc += ridge.W[j * e + k] * v[k];
                m[j * all + c] = acc;
            }
        var pooledScores = new double[nTest * all];          // [N, L]
        var maxScores = new double[nTest * all];             // [N, L], unseen columns only
        Parallel.For(0, nTest, () => (new float[bench.ImageLength], new float[d]), (i, _, s) =>
        {
            var (buf, pool) = s;
            bench.GetRegions(MultiLabelSplit.Test, i, buf);
            MeanPool(buf, regions, d, pool);
            Score(pool, m, d, all, 0, all, pooledScores.AsSpan(i * all, all));
            if (regionMax)
            {
                Span<double> row = stackalloc double[all];
                for (int c = seen; c < all; c++) maxScores[i * all + c] = double.NegativeInfinity;
                for (int r = 0; r < regions; r++)
                {
                    Score(buf.AsSpan(r * d, d), m, d, all, seen, all, row);
                    for (int c = seen; c < all; c++) maxScores[i * all + c] = Math.Max(maxScores[i * all + c], row[c]);
                }
            }
            return s;
        }, _ => { });
        var testLabels = new sbyte[nTest * all];
        bench.GetLabelBatch(MultiLabelSplit.Test, Enumerable.Range(0, nTest).ToArray(), testLabels);

        var (seenMap, seenChance) = Map(pooledScores, testLabels, nTest, all, 0, seen);
        var (unseenMap, unseenChance) = Map(pooledScores, testLabels, nTest, all, seen, unseen);
        var unseenMax = regionMax ? Map(maxScores, testLabels, nTest, all, seen, unseen).Item1 : double.NaN;
        return new Result(seenMap, seenChance, unseenMap, unseenChance, unseenMax);
    }

    private static (double, double) Map(double[] scores, sbyte[] labels, int n, int all, int first, int count)
    {
        var s = new double[n * count];
        var p = new bool[n * count];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < count; c++) { s[i * count + c] = scores[i * all + first + c]; p[i * count + c] = labels[i * all + first + c] > 0; }
        return TinyMetrics.MeanAveragePrecision(s, p, n, count);
    }

    private static void MeanPool(ReadOnlySpan<float> regions, int count, int d, Span<float> dest)
    {
        dest.Clear();
        for (int r = 0; r < count; r++) for (int j = 0; j < d; j++) dest[j] += regions[r * d + j];
        for (int j = 0; j < d; j++) dest[j] /= count;
    }

    /// <summary>dest[c] = x·M[:, c] for c in [from, to) (the centring constants are shared by all images and do not change rankings).</summary>
    private static void Score(ReadOnlySpan<float> x, double[] m, int d, int all, int from, int to, Span<double> dest)
    {
        dest[from..to].Clear();
        for (int j = 0; j < d; j++)
        {
            double xj = x[j];
            for (int c = from; c < to; c++) dest[c] += xj * m[j * all + c];
        }
    }

    /// <summary>
    /// Quick preset, real NUS-WIDE GloVe semantics when present (else the stand-in). Measured 2026-11-28 (seed 0, λ = 10):
    /// real GloVe: seen mAP 0.049 (chance 0.0033), ZS mAP 0.072 (chance 0.015), ZS mAP with max over regions 0.124;
    /// stand-in: 0.096 (0.0035), 0.159 (0.014), 0.225. Bounds: seen ≥ 5x chance, ZS ≥ 2.5x chance (the measured ratios
    /// are 15-27x and 4.7-12x), both ≤ 0.5 (not trivial), and scoring regions beats mean pooling on unseen labels.
    /// </summary>
    [Fact]
    public void A_ridge_model_learns_seen_labels_and_transfers_to_unseen_ones_above_chance_but_not_perfectly()
    {
        var bench = MultiLabelBenchmark.Create(MultiLabelBenchmarkConfig.Quick, RepoPaths.SharedData);
        var r = Evaluate(bench, lambda: 10, regionMax: true);
        output.WriteLine($"{bench.Semantics.Source}: {r}");
        Assert.InRange(r.SeenMap, 5 * r.SeenChance, 0.5);
        Assert.InRange(r.UnseenMap, 2.5 * r.UnseenChance, 0.5);
        Assert.InRange(r.UnseenMapRegionMax, r.UnseenMap, 0.6);
    }
}
