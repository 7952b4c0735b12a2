// Calibrated stacking (Chao et al., ECCV 2016; Li & Wang Eq. 9 adds γ to unseen scores, which is the same arg max):
// sweep γ, trace the seen-unseen accuracy curve, its area (AUSUC), and choose γ on validation data only.
namespace ZslKit.Metrics;

/// <summary>One point of the seen-unseen curve.</summary>
public readonly record struct GammaPoint(float Gamma, double AccUnseen, double AccSeen, double H);

/// <summary>γ sweeps, AUSUC and validation-only γ selection.</summary>
public static class CalibratedStacking
{
    /// <summary>A_U, A_S and H at every γ of <paramref name="gammas"/> (the data must hold seen and unseen test images).</summary>
    public static GammaPoint[] Sweep(SingleLabelData data, IReadOnlyList<float> gammas)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckGammas(gammas);
        // A_U and A_S are null for every γ alike when a side has no test images: say so before the parallel loop
        if (!data.Labels.Any(y => data.IsSeen[y]) || !data.Labels.Any(y => !data.IsSeen[y]))
            throw new MetricInputException("labels", "a γ sweep needs test images of both seen and unseen classes");
        var points = new GammaPoint[gammas.Count];
        Parallel.For(0, gammas.Count, i =>
        {
            var r = SingleLabelMetrics.Evaluate(data, gammas[i]);
            points[i] = new GammaPoint(gammas[i], r.AccUnseen!.Value, r.AccSeen!.Value, r.H!.Value);
        });
        return points;
    }

    /// <summary>A γ list (not null) of finite values, checked before any work (errors name the index).</summary>
    private static void CheckGammas(IReadOnlyList<float> gammas)
    {
        ArgumentNullException.ThrowIfNull(gammas);
        for (int i = 0; i < gammas.Count; i++)
            if (!float.IsFinite(gammas[i])) throw new MetricInputException(nameof(gammas), $"γ {gammas[i]} at index {i} is not a finite number");
    }

    /// <summary>Relative distance (to the largest |score|) below which two switch points are merged.</summary>
    public const float MergeTolerance = 1e-6f;

    private static float MaxAbs(float[] a)
    {
        float m = 0;
        foreach (var v in a) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>
    /// One γ inside every interval between consecutive switch points d_i = (best seen score - best unseen score) of
    /// image i (an image is predicted seen iff γ &lt; d_i), plus min d - 1 (every prediction seen) and max d + 1 (every
    /// prediction unseen). The accuracies are constant between switch points, so sweeping these γ traces the exact curve.
    /// </summary>
    public static float[] CriticalGammas(SingleLabelData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Seen.Length == 0) throw new MetricInputException("seen-classes", "no seen classes: γ has no seen scores to lower");
        if (data.Unseen.Length == 0) throw new MetricInputException("seen-classes", "no unseen classes: γ has no unseen scores to compare with");
        var s = data.Scores;
        var d = new float[s.Rows];
        for (int i = 0; i < s.Rows; i++)
        {
            var row = s.Row(i);
            d[i] = row[SingleLabelMetrics.ArgMax(row, data.Seen, data.IsSeen, 0)] - row[SingleLabelMetrics.ArgMax(row, data.Unseen, data.IsSeen, 0)];
        }
        Array.Sort(d);
        // Switch points closer than the rounding of (score - γ) are one point: between them the float arg max could go either way.
        float tol = MaxAbs(s.Data) * MergeTolerance;
        var result = new List<float>(d.Length + 2) { d.Length > 0 ? d[0] - 1 : -1 };
        for (int i = 1; i < d.Length; i++) if (d[i] - d[i - 1] > tol) result.Add(d[i - 1] + (d[i] - d[i - 1]) / 2);
        result.Add(d.Length > 0 ? d[^1] + 1 : 1);
        return [.. result];
    }

    /// <summary>
    /// The exact seen-unseen curve in O(N log N): one point per γ of <see cref="CriticalGammas"/>, found by moving the
    /// images across their switch points in order instead of re-running the arg max (same values as <see cref="Sweep"/>).
    /// </summary>
    public static GammaPoint[] Curve(SingleLabelData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var s = data.Scores;
        int n = s.Rows;
        var count = new int[s.Cols];
        foreach (var y in data.Labels) count[y]++;
        int seenClasses = 0, unseenClasses = 0;
        for (int c = 0; c < s.Cols; c++) if (count[c] > 0) { if (data.IsSeen[c]) seenClasses++; else unseenClasses++; }
        if (seenClasses == 0 || unseenClasses == 0)
            throw new MetricInputException("labels", "a seen-unseen curve needs test images of both seen and unseen classes");

        var d = new float[n];
        var gainUnseen = new double[n]; // added to A_U once image i is predicted unseen
        var lossSeen = new double[n];   // removed from A_S once image i is predicted unseen
        double accSeen = 0, accUnseen = 0;
        for (int i = 0; i < n; i++)
        {
            var row = s.Row(i);
            int bs = SingleLabelMetrics.ArgMax(row, data.Seen, data.IsSeen, 0), bu = SingleLabelMetrics.ArgMax(row, data.Unseen, data.IsSeen, 0);
            d[i] = row[bs] - row[bu];
            int y = data.Labels[i];
            if (data.IsSeen[y] && bs == y) { lossSeen[i] = 1.0 / count[y] / seenClasses; accSeen += lossSeen[i]; }
            if (!data.IsSeen[y] && bu == y) gainUnseen[i] = 1.0 / count[y] / unseenClasses;
        }
        var order = Enumerable.Range(0, n).ToArray();
        Array.Sort(d.ToArray(), order);
        var gammas = CriticalGammas(data);
        var points = new List<GammaPoint>(gammas.Length) { Point(gammas[0], accUnseen, accSeen) };
        int k = 0;
        for (int g = 1; g < gammas.Length; g++)
        {
            // every image with d below this γ is now predicted unseen
            while (k < n && d[order[k]] < gammas[g]) { accUnseen += gainUnseen[order[k]]; accSeen -= lossSeen[order[k]]; k++; }
            points.Add(Point(gammas[g], accUnseen, Math.Max(0, accSeen)));
        }
        return [.. points];

        static GammaPoint Point(float g, double au, double aS) => new(g, au, aS, SingleLabelMetrics.Harmonic(au, aS)!.Value);
    }

    /// <summary>
    /// Area under the seen-unseen curve (AUSUC): A_U (y) against A_S (x), trapezoids between consecutive points taken in
    /// decreasing γ (increasing A_S), from the all-unseen end to the all-seen end. Sweep <see cref="CriticalGammas"/> for the exact area.
    /// </summary>
    public static double Ausuc(IReadOnlyList<GammaPoint> curve)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var pts = curve.OrderByDescending(p => p.Gamma).ToList();
        double area = 0;
        for (int i = 1; i < pts.Count; i++) area += (pts[i].AccSeen - pts[i - 1].AccSeen) * (pts[i].AccUnseen + pts[i - 1].AccUnseen) / 2;
        return area;
    }

    /// <summary>The γ of <paramref name="gammas"/> with the highest H on <paramref name="validation"/> (first on ties).</summary>
    public static float SelectGamma(SingleLabelData validation, IReadOnlyList<float> gammas)
    {
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(gammas);
        if (gammas.Count == 0) throw new MetricInputException("gammas", "empty γ grid");
        var points = Sweep(validation, gammas);
        int best = 0;
        for (int i = 1; i < points.Length; i++) if (points[i].H > points[best].H) best = i;
        return points[best].Gamma;
    }

    /// <summary>An evenly spaced γ grid: <paramref name="count"/> values from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static float[] Grid(float from, float to, int count)
    {
        if (count < 2) throw new MetricInputException("count", "a γ grid needs at least 2 points");
        SingleLabelMetrics.CheckGamma(from, nameof(from));
        SingleLabelMetrics.CheckGamma(to, nameof(to));
        return [.. Enumerable.Range(0, count).Select(i => from + (to - from) * i / (count - 1))];
    }
}
