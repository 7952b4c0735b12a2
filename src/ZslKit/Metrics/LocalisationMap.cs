// Localisation mAP of LESA (Huynh & Elhamifar, CVPR 2020, §5.4 / Table 3), as defined in docs/metrics.md: per label, images
// are ranked by the label's confidence; an image is a hit when the label is present and the maximum of the label's attention
// map falls inside one of the label's ground-truth boxes; recall is measured against the images holding a box of the label.
// mAP is taken over seen labels and over unseen labels (labels with ≥1 box), and H is their harmonic mean.
namespace ZslKit.Metrics;

/// <summary>Localisation mAP over seen and unseen labels and their harmonic mean.</summary>
public sealed record LocalisationReport(double MapSeen, double MapUnseen, double H, double[] PerLabel, int[] BoxedImages);

/// <summary>The attention maximum of one (image, label) in image coordinates.</summary>
public readonly record struct Peak(double X, double Y);

public static class LocalisationMap
{
    /// <summary>
    /// <paramref name="confidence"/>: [N, L] label scores; <paramref name="peaks"/>: [N, L] attention maxima;
    /// <paramref name="boxes"/>: ground-truth boxes per (image, label) (missing or empty list: label has no box in that image);
    /// <paramref name="isSeen"/>: [L]. Labels without any box are left out of both means.
    /// </summary>
    public static LocalisationReport Evaluate(Matrix<float> confidence, Matrix<Peak> peaks, IReadOnlyDictionary<(int Image, int Label), IReadOnlyList<Box>> boxes, bool[] isSeen)
    {
        int n = confidence.Rows, l = confidence.Cols;
        if (peaks.Rows != n || peaks.Cols != l) throw new MetricInputException(peaks.Name, $"shape [{peaks.Rows}, {peaks.Cols}] does not match {confidence.Name} [{n}, {l}]");
        if (isSeen.Length != l) throw new MetricInputException("isSeen", $"{isSeen.Length} entries for {l} labels");
        foreach (var v in confidence.Data) if (!float.IsFinite(v)) throw new MetricInputException(confidence.Name, $"confidence {v} is not finite");
        foreach (var key in boxes.Keys)
            if ((uint)key.Image >= (uint)n || (uint)key.Label >= (uint)l) throw new MetricInputException("boxes", $"box for image {key.Image}, label {key.Label} is outside [{n}, {l}]");

        var perLabel = new double[l];
        var boxed = new int[l];
        Parallel.For(0, l, () => (Keys: new float[n], Hit: new bool[n]), (c, _, buf) =>
        {
            int g = 0;
            for (int i = 0; i < n; i++)
            {
                bool hit = false;
                if (boxes.TryGetValue((i, c), out var list) && list.Count > 0)
                {
                    g++;
                    var p = peaks[i, c];
                    foreach (var b in list) if (b.Contains(p.X, p.Y)) { hit = true; break; }
                }
                buf.Keys[i] = -confidence[i, c];
                buf.Hit[i] = hit;
            }
            boxed[c] = g;
            if (g == 0) return buf;
            var keys = buf.Keys.AsSpan(0, n);
            var hits = buf.Hit.AsSpan(0, n);
            keys.Sort(hits);
            perLabel[c] = AveragePrecision.FromSorted(keys, hits, g);
            return buf;
        }, _ => { });

        double Mean(bool seen)
        {
            double sum = 0; int m = 0;
            for (int c = 0; c < l; c++) if (isSeen[c] == seen && boxed[c] > 0) { sum += perLabel[c]; m++; }
            return m > 0 ? sum / m : 0;
        }
        double ms = Mean(true), mu = Mean(false);
        return new LocalisationReport(ms, mu, ms + mu > 0 ? 2 * ms * mu / (ms + mu) : 0, perLabel, boxed);
    }
}
