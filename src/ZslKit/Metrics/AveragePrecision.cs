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
    /// keeps only entries i with include[i] (an image filter). Inputs are assumed validated (finite, labels in {-1,0,1}).
    /// </summary>
    public static LabelAp Compute(ReadOnlySpan<float> scores, ReadOnlySpan<sbyte> labels, Span<float> keys, Span<bool> isPositive,
        ReadOnlySpan<bool> include = default)
    {
        int m = 0, positives = 0;
        bool filter = !include.IsEmpty;
        for (int i = 0; i < scores.Length; i++)
        {
            sbyte y = labels[i];
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
    /// the sorted order of the subset. <paramref name="flags"/> is scratch like <paramref name="keys"/>.
    /// </summary>
    public static (LabelAp All, LabelAp Included) ComputeBoth(ReadOnlySpan<float> scores, ReadOnlySpan<sbyte> labels, Span<float> keys,
        Span<byte> flags, ReadOnlySpan<bool> include)
    {
        const byte Positive = 1, Included = 2;
        int m = 0, mIn = 0, positives = 0, positivesIn = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            sbyte y = labels[i];
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
            for (; j < m && k[j] == key; j++)
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
            for (; j < keys.Length && keys[j] == key; j++) if (isPositive[j]) groupTp++;
            seen += j - i;
            tp += groupTp;
            if (groupTp > 0) ap += (double)groupTp / denominator * ((double)tp / seen);
            i = j;
        }
        return ap;
    }
}
