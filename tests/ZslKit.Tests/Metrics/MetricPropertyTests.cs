using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using ZslKit.Metrics;

namespace ZslKit.Tests.Metrics;

/// <summary>Property tests: FsCheck draws sizes and seeds; the data are built from them.</summary>
public class MetricPropertyTests
{
    private static (Matrix<float> S, Matrix<sbyte> Y) Random(int seed, int n, int l, bool distinct)
    {
        var rng = new Random(seed);
        var s = new float[n * l];
        var y = new sbyte[n * l];
        var perm = Enumerable.Range(0, n * l).OrderBy(_ => rng.Next()).ToArray();
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = distinct ? perm[i] : rng.Next(4) / 4f; // ties unless distinct
            y[i] = (sbyte)(rng.Next(3) - 1);
        }
        for (int j = 0; j < l; j++) y[rng.Next(n) * l + j] = 1; // every label has a positive
        return (new Matrix<float>(s, n, l), new Matrix<sbyte>(y, n, l));
    }

    private static Matrix<T> Permute<T>(Matrix<T> m, int[] rows, int[] cols)
    {
        var d = new T[m.Data.Length];
        for (int i = 0; i < m.Rows; i++)
            for (int j = 0; j < m.Cols; j++) d[i * m.Cols + j] = m[rows[i], cols[j]];
        return new Matrix<T>(d, m.Rows, m.Cols);
    }

    private static int[] Shuffle(int n, int seed)
    {
        var p = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(p);
        return p;
    }

    private static Gen<(int Seed, int N, int L)> Sizes() =>
        from seed in ArbMap.Default.GeneratorFor<int>()
        from n in Gen.Choose(2, 40)
        from l in Gen.Choose(2, 12)
        select (seed, n, l);

    [Property(MaxTest = 60)]
    public Property Metrics_are_invariant_to_image_permutation() => Prop.ForAll(Sizes().ToArbitrary(), t =>
    {
        var (s, y) = Random(t.Seed, t.N, t.L, distinct: false);
        var rows = Shuffle(t.N, t.Seed);
        var cols = Enumerable.Range(0, t.L).ToArray();
        var a = Ml.Eval(s, y, [1, 2]);
        var b = Ml.Eval(Permute(s, rows, cols), Permute(y, rows, cols), [1, 2]);
        return a.PerLabel.SequenceEqual(b.PerLabel) && a.TopK.SequenceEqual(b.TopK) && a.Variants.All(kv => b.Variants[kv.Key] == kv.Value);
    });

    [Property(MaxTest = 60)]
    public Property Metrics_are_invariant_to_label_permutation() => Prop.ForAll(Sizes().ToArbitrary(), t =>
    {
        // Distinct scores: with ties, top-K depends on column order by design (lower index first).
        var (s, y) = Random(t.Seed, t.N, t.L, distinct: true);
        var rows = Enumerable.Range(0, t.N).ToArray();
        var cols = Shuffle(t.L, t.Seed ^ 0x5bd1);
        var a = Ml.Eval(s, y, [1, 2]);
        var b = Ml.Eval(Permute(s, rows, cols), Permute(y, rows, cols), [1, 2]);
        bool perLabel = Enumerable.Range(0, t.L).All(j => a.PerLabel[cols[j]] == b.PerLabel[j]);
        return perLabel && a.TopK.SequenceEqual(b.TopK) && a.Variants.All(kv => Math.Abs(b.Variants[kv.Key] - kv.Value) < 1e-12);
    });

    [Property(MaxTest = 60)]
    public Property Perfect_scores_give_one() => Prop.ForAll(Sizes().ToArbitrary(), t =>
    {
        var (_, y) = Random(t.Seed, t.N, t.L, distinct: false);
        var s = new Matrix<float>(Array.ConvertAll(y.Data, v => v > 0 ? 1f : 0f), t.N, t.L);
        var r = Ml.Eval(s, y, [t.L]);
        var oneHot = OneHot(t.N, t.L, t.Seed, out var labels);
        var sl = SingleLabelMetrics.Evaluate(new SingleLabelData(oneHot, labels, [0]));
        return r.Variants.Values.All(v => Math.Abs(v - 1) < 1e-12) && Math.Abs(r.TopK[0].Recall - 1) < 1e-12
            && (sl.Mca ?? 1) == 1 && (sl.AccUnseen ?? 1) == 1 && (sl.AccSeen ?? 1) == 1;
    });

    [Property(MaxTest = 60)]
    public Property Reversed_scores_give_the_minimum_ap() => Prop.ForAll(Sizes().ToArbitrary(), t =>
    {
        var (s, y) = Random(t.Seed, t.N, t.L, distinct: false);
        // Every positive below every negative, all scores distinct (a tied bottom group would score p/m, above the minimum).
        var rev = new float[y.Data.Length];
        for (int i = 0; i < rev.Length; i++) rev[i] = (y.Data[i] > 0 ? 0f : 1f) - i * 1e-4f;
        var reversed = new Matrix<float>(rev, t.N, t.L);
        var r = Ml.Eval(reversed, y);
        var random = Ml.Eval(s, y);
        for (int j = 0; j < t.L; j++)
        {
            // Positives ranked after all m - p negatives: AP = (1/p) Σ_k k / (m - p + k), the smallest AP possible.
            var (p, m) = (r.PerLabel[j].Positives, r.PerLabel[j].Annotated);
            double min = Enumerable.Range(1, p).Sum(k => (double)k / (m - p + k)) / p;
            if (p < m && Math.Abs(r.PerLabel[j].Ap - min) > 1e-12) return false;
            if (random.PerLabel[j].Ap < min - 1e-12) return false;
        }
        // L + 1 ≥ 3 classes: with a single unseen class the ZSL arg max could not be wrong.
        var negated = Negate(OneHot(t.N, t.L + 1, t.Seed, out var labels));
        var sl = SingleLabelMetrics.Evaluate(new SingleLabelData(negated, labels, [0]));
        return (sl.Mca ?? 0) == 0 && (sl.AccUnseen ?? 0) == 0 && (sl.AccSeen ?? 0) == 0;
    });

    private static Matrix<float> OneHot(int n, int c, int seed, out int[] labels)
    {
        var rng = new Random(seed);
        labels = [.. Enumerable.Range(0, n).Select(_ => rng.Next(c))];
        var d = new float[n * c];
        for (int i = 0; i < n; i++) d[i * c + labels[i]] = 1;
        return new Matrix<float>(d, n, c);
    }

    private static Matrix<float> Negate(Matrix<float> m) => new(Array.ConvertAll(m.Data, v => -v), m.Rows, m.Cols);
}
