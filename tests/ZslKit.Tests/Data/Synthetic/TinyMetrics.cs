// Test-local ranking metrics for the synthetic benchmarks' learnability checks (kept minimal on purpose).
namespace ZslKit.Tests.Data.Synthetic;

internal static class TinyMetrics
{
    /// <summary>
    /// Mean over labels (columns of [n, labels]) with at least one positive of average precision: the mean, over the
    /// positives, of the precision at their rank when images are sorted by decreasing score (ties broken by image index).
    /// Entries that are not positive count as negatives. Returns (mAP, mean positive rate of the same labels = chance mAP).
    /// </summary>
    public static (double Map, double Chance) MeanAveragePrecision(double[] scores, bool[] positive, int n, int labels)
    {
        double sumAp = 0, sumRate = 0;
        int used = 0;
        var order = new int[n];
        var keys = new double[n];
        for (int c = 0; c < labels; c++)
        {
            int pos = 0;
            for (int i = 0; i < n; i++) if (positive[i * labels + c]) pos++;
            if (pos == 0) continue;
            for (int i = 0; i < n; i++) { order[i] = i; keys[i] = scores[i * labels + c]; }
            Array.Sort(order, (x, y) => keys[x] != keys[y] ? keys[y].CompareTo(keys[x]) : x.CompareTo(y));
            double ap = 0;
            int hits = 0;
            for (int rank = 0; rank < n; rank++)
                if (positive[order[rank] * labels + c]) { hits++; ap += (double)hits / (rank + 1); }
            sumAp += ap / pos;
            sumRate += (double)pos / n;
            used++;
        }
        return used == 0 ? (double.NaN, double.NaN) : (sumAp / used, sumRate / used);
    }
}
