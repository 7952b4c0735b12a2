// Single-label ZSL/GZSL metrics of the GBU protocol (Xian et al., TPAMI 2018, §4.2), used by SGMA, Li & Wang and the
// baselines: mean per-class top-1 accuracy (MCA), A_U, A_S and H = 2·A_U·A_S/(A_U+A_S), with calibrated stacking
// (Chao et al. 2016; Li & Wang Eq. 9): γ is subtracted from every seen-class score before the arg max.
namespace ZslKit.Metrics;

/// <summary>ZSL and GZSL results; a value is null where its test images are absent (e.g. A_S without seen test images).</summary>
/// <param name="Mca">ZSL: MCA over test images of unseen classes, arg max over unseen columns only.</param>
/// <param name="AccUnseen">GZSL A_U: MCA over test images of unseen classes, arg max over all columns.</param>
/// <param name="AccSeen">GZSL A_S: MCA over test images of seen classes, arg max over all columns.</param>
/// <param name="H">Harmonic mean of A_U and A_S (0 when both are 0).</param>
public sealed record SingleLabelReport(double? Mca, double? AccUnseen, double? AccSeen, double? H, float Gamma, int Images, int Classes);

/// <summary>Single-label inputs checked once: scores [N, C] over all classes, labels [N] class indices, the seen classes.</summary>
public sealed class SingleLabelData
{
    /// <param name="scores">Scores [N, C]; unnamed (<see cref="Matrix.DefaultName"/>) it is called "scores" in errors.</param>
    public SingleLabelData(Matrix<float> scores, int[] labels, IReadOnlyCollection<int> seenClasses, string labelsName = "labels", string seenName = "seen-classes")
    {
        scores = scores.NamedOr("scores");
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(seenClasses);
        if (labels.Length != scores.Rows)
            throw new MetricInputException(labelsName, $"has {labels.Length} labels but {scores.Name} has {scores.Rows} rows");
        if (scores.Cols == 0) throw new MetricInputException(scores.Name, "no class columns");
        for (int i = 0; i < scores.Data.Length; i++)
            if (!float.IsFinite(scores.Data[i]))
                throw new MetricInputException(scores.Name, $"score {scores.Data[i]} at row {i / scores.Cols}, column {i % scores.Cols} is not finite");
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)scores.Cols)
                throw new MetricInputException(labelsName, $"label {labels[i]} at index {i} is outside the {scores.Cols} classes");
        IsSeen = new bool[scores.Cols];
        foreach (var c in seenClasses)
        {
            if ((uint)c >= (uint)scores.Cols) throw new MetricInputException(seenName, $"class {c} is outside the {scores.Cols} classes");
            if (IsSeen[c]) throw new MetricInputException(seenName, $"class {c} is listed twice");
            IsSeen[c] = true;
        }
        Scores = scores;
        Labels = labels;
        Seen = [.. Enumerable.Range(0, scores.Cols).Where(c => IsSeen[c])];
        Unseen = [.. Enumerable.Range(0, scores.Cols).Where(c => !IsSeen[c])];
        if (Unseen.Length == 0) throw new MetricInputException(seenName, "every class is seen: no unseen classes left");
    }

    public Matrix<float> Scores { get; }
    public int[] Labels { get; }
    public bool[] IsSeen { get; }
    public int[] Seen { get; }
    public int[] Unseen { get; }
}

/// <summary>MCA, A_U, A_S and H.</summary>
public static class SingleLabelMetrics
{
    /// <summary>ZSL MCA and GZSL A_U, A_S, H with seen scores lowered by <paramref name="gamma"/>.</summary>
    public static SingleLabelReport Evaluate(SingleLabelData data, float gamma = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckGamma(gamma, nameof(gamma));
        double? mca = MeanClassAccuracy(data, data.Unseen, unseenImages: true, 0);
        double? au = MeanClassAccuracy(data, null, unseenImages: true, gamma);
        double? aS = MeanClassAccuracy(data, null, unseenImages: false, gamma);
        return new SingleLabelReport(mca, au, aS, Harmonic(au, aS), gamma, data.Labels.Length, data.Scores.Cols);
    }

    /// <summary>H = 2·A_U·A_S/(A_U+A_S); 0 when both are 0; null when either is null.</summary>
    public static double? Harmonic(double? au, double? aS) =>
        au is null || aS is null ? null : au + aS > 0 ? 2 * au * aS / (au + aS) : 0;

    /// <summary>
    /// Mean over classes of top-1 accuracy on the test images of unseen (or seen) classes; arg max over
    /// <paramref name="candidates"/> (null: all columns) with <paramref name="gamma"/> subtracted from seen columns.
    /// Ties go to the lowest class index (MATLAB max). Classes without test images are left out of the mean; null if none.
    /// </summary>
    public static double? MeanClassAccuracy(SingleLabelData data, int[]? candidates, bool unseenImages, float gamma)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckGamma(gamma, nameof(gamma));
        if (candidates is not null) CheckCandidates(candidates, data.Scores.Cols);
        var s = data.Scores;
        var correct = new long[s.Cols];
        var total = new long[s.Cols];
        for (int i = 0; i < data.Labels.Length; i++)
        {
            int y = data.Labels[i];
            if (data.IsSeen[y] == unseenImages) continue;
            total[y]++;
            if (ArgMax(s.Row(i), candidates, data.IsSeen, gamma) == y) correct[y]++;
        }
        double sum = 0;
        int classes = 0;
        for (int c = 0; c < s.Cols; c++)
            if (total[c] > 0) { sum += (double)correct[c] / total[c]; classes++; }
        return classes > 0 ? sum / classes : null;
    }

    /// <summary>Index of the largest (score - γ·seen) among candidates (all columns if null); first index wins ties; -1
    /// when <paramref name="candidates"/> is empty. <paramref name="isSeen"/> has one entry per column of the row.</summary>
    public static int ArgMax(ReadOnlySpan<float> row, int[]? candidates, bool[] isSeen, float gamma)
    {
        ArgumentNullException.ThrowIfNull(isSeen);
        if (isSeen.Length != row.Length)
            throw new MetricInputException(nameof(isSeen), $"{isSeen.Length} entries for a row of {row.Length} columns");
        CheckGamma(gamma, nameof(gamma));
        int best = -1;
        float bestValue = float.NegativeInfinity;
        int count = candidates?.Length ?? row.Length;
        for (int q = 0; q < count; q++)
        {
            int c = candidates is null ? q : candidates[q];
            if ((uint)c >= (uint)row.Length)
                throw new MetricInputException(nameof(candidates), $"class {c} at index {q} is outside the {row.Length} classes");
            float v = isSeen[c] ? row[c] - gamma : row[c];
            if (best < 0 || v > bestValue) { best = c; bestValue = v; }
        }
        return best;
    }

    /// <summary>Calibrated stacking's γ must be a finite number (NaN would silently turn every seen score into NaN).</summary>
    internal static void CheckGamma(float gamma, string input)
    {
        if (!float.IsFinite(gamma)) throw new MetricInputException(input, $"γ = {gamma} is not a finite number");
    }

    /// <summary>Candidate classes inside [0, <paramref name="classes"/>).</summary>
    private static void CheckCandidates(int[] candidates, int classes)
    {
        for (int q = 0; q < candidates.Length; q++)
            if ((uint)candidates[q] >= (uint)classes)
                throw new MetricInputException("candidates", $"class {candidates[q]} at index {q} is outside the {classes} classes");
    }
}
