// Non-interpolated average precision of one label (one score column), with tied scores grouped into one threshold.
// This is the definition of sklearn.metrics.average_precision_score: AP = sum_t (R_t - R_{t-1}) P_t over distinct
// score thresholds t taken in decreasing order. Entries labelled 0 (unannotated) are dropped before ranking.
namespace ZslKit.Metrics;

/// <summary>AP of one label column and the counts it was computed from.</summary>
public readonly record struct LabelAp(double Ap, int Positives, int Annotated);

/// <summary>Average precision of a single label over images.</summary>
public static class AveragePrecision
{
    /// <summary>
    /// AP of <paramref name="scores"/> against <paramref name="labels"/> (1 positive, -1 negative, 0 unannotated: dropped).
    /// A column without positives has AP 0. <paramref name="keys"/> and <paramref name="isPositive"/> are scratch buffers of
    /// at least scores.Length elements (callers reuse them across labels). <paramref name="include"/>, when not empty,
    /// keeps only entries i with include[i] (an image filter). Throws <see cref="MetricInputException"/> for mismatched lengths,
    /// a non-finite score or a label outside {-1, 0, 1} (checked while gathering, so the cost is one compare per entry).
    /// </summary>
    public static LabelAp Compute(ReadOnlySpan<float> scores, ReadOnlySpan<sbyte> labels, Span<float> keys, Span<bool> isPositive,
        ReadOnlySpan<bool> include = default)
    {
        CheckLengths(scores.Length, labels.Length, keys.Length, isPositive.Length, "isPositive", include.Length, includeRequired: false);
        int m = 0, positives = 0;
        bool filter = !include.IsEmpty;
        for (int i = 0; i < scores.Length; i++)
        {
            sbyte y = labels[i];
            CheckEntry(scores[i], y, i);
            if (y == 0 || (filter && !include[i])) continue;
            keys[m] = -scores[i]; // ascending sort of -score = descending score
            bool pos = y > 0;
            isPositive[m] = pos;
            if (pos) positives++;
            m++;
        }
        if (positives == 0) return new LabelAp(0, 0, m);
        var k = keys[..m];
        var p = isPositive[..m];
        k.Sort(p);
        return new LabelAp(FromSorted(k, p, positives), positives, m);
    }

    /// <summary>
    /// AP over all images and over the images with include[i], from one sort: the included entries, in sorted order, are
    /// the sorted order of the subset. <paramref name="flags"/> is scratch like <paramref name="keys"/>; <paramref name="include"/>
    /// has one entry per score. Inputs are checked as in <see cref="Compute"/>.
    /// </summary>
    public static (LabelAp All, LabelAp Included) ComputeBoth(ReadOnlySpan<float> scores, ReadOnlySpan<sbyte> labels, Span<float> keys,
        Span<byte> flags, ReadOnlySpan<bool> include)
    {
        CheckLengths(scores.Length, labels.Length, keys.Length, flags.Length, "flags", include.Length, includeRequired: true);
        const byte Positive = 1, Included = 2;
        int m = 0, mIn = 0, positives = 0, positivesIn = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            sbyte y = labels[i];
            CheckEntry(scores[i], y, i);
            if (y == 0) continue;
            keys[m] = -scores[i];
            byte f = (byte)((y > 0 ? Positive : 0) | (include[i] ? Included : 0));
            flags[m++] = f;
            if (y > 0) positives++;
            if (include[i]) { mIn++; if (y > 0) positivesIn++; }
        }
        var k = keys[..m];
        var fl = flags[..m];
        if (positives > 0) k.Sort(fl);
        double ap = 0, apIn = 0;
        long tp = 0, seen = 0, tpIn = 0, seenIn = 0;
        int g = 0;
        while (g < m && positives > 0)
        {
            float key = k[g];
            long groupTp = 0, groupTpIn = 0;
            int j = g;
            for (; j < m && (j == g || k[j] == key); j++)   // j == g: the group always holds its first entry
            {
                byte f = fl[j];
                if ((f & Positive) != 0) groupTp++;
                if ((f & Included) != 0) { seenIn++; if ((f & Positive) != 0) groupTpIn++; }
            }
            seen += j - g;
            tp += groupTp;
            tpIn += groupTpIn;
            if (groupTp > 0) ap += (double)groupTp / positives * ((double)tp / seen);
            if (groupTpIn > 0) apIn += (double)groupTpIn / positivesIn * ((double)tpIn / seenIn);
            g = j;
        }
        return (new LabelAp(ap, positives, m), new LabelAp(apIn, positivesIn, mIn));
    }

    /// <summary>
    /// AP of entries already sorted by decreasing score (keys = -score ascending); equal keys form one threshold.
    /// <paramref name="denominator"/> is the number of positives recall is measured against.
    /// </summary>
    internal static double FromSorted(ReadOnlySpan<float> keys, ReadOnlySpan<bool> isPositive, int denominator)
    {
        double ap = 0;
        long tp = 0, seen = 0;
        int i = 0;
        while (i < keys.Length)
        {
            float key = keys[i];
            long groupTp = 0;
            int j = i;
            for (; j < keys.Length && (j == i || keys[j] == key); j++) if (isPositive[j]) groupTp++;   // j == i: never stalls
            seen += j - i;
            tp += groupTp;
            if (groupTp > 0) ap += (double)groupTp / denominator * ((double)tp / seen);
            i = j;
        }
        return ap;
    }

    /// <summary>Labels as long as scores, scratch buffers at least as long, an image filter empty (when optional) or as long.</summary>
    private static void CheckLengths(int scores, int labels, int keys, int scratch, string scratchName, int include, bool includeRequired)
    {
        if (labels != scores) throw new MetricInputException("labels", $"{labels} labels for {scores} scores");
        if (keys < scores) throw new MetricInputException("keys", $"scratch buffer of {keys} elements, needs at least {scores} (one per score)");
        if (scratch < scores) throw new MetricInputException(scratchName, $"scratch buffer of {scratch} elements, needs at least {scores} (one per score)");
        if (include != scores && (includeRequired || include != 0))
            throw new MetricInputException("include", $"{include} entries for {scores} scores" + (includeRequired ? "" : " (pass none to keep every entry)"));
    }

    /// <summary>A finite score and a label in {-1, 0, 1} (a NaN score would make the tie groups meaningless).</summary>
    private static void CheckEntry(float score, sbyte label, int i)
    {
        if (!float.IsFinite(score)) throw new MetricInputException("scores", $"score {score} at index {i} is not finite");
        if (label is < -1 or > 1) throw new MetricInputException("labels", $"label {label} at index {i} is not one of -1, 0, 1");
    }
}
