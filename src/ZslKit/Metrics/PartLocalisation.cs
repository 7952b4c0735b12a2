// Part-localisation precision of SGMA (Zhu et al., NeurIPS 2019, Table 1): the fraction of test images whose predicted
// part box overlaps the ground-truth part box with IoU > 0.5, per part. Ground-truth part boxes can be given directly or
// formed from CUB part locations (parts/part_locs.txt) by the rule documented in docs/metrics.md.
namespace ZslKit.Metrics;

/// <summary>Precision of one part: correct / evaluated images (images where the part is annotated).</summary>
public readonly record struct PartPrecision(string Part, double Precision, int Correct, int Evaluated);

/// <summary>
/// How a ground-truth part box is formed from CUB keypoints: the tight box around the visible keypoints of
/// <paramref name="Keypoints"/> (1-based CUB part ids), grown to a square of side at least
/// <paramref name="MinSideFraction"/> × the longer side of the bird box around its centre, clipped to the image.
/// </summary>
public sealed record PartBoxRule(string Part, int[] Keypoints, double MinSideFraction);

/// <summary>Per-part IoU &gt; threshold precision.</summary>
public static class PartLocalisation
{
    /// <summary>IoU threshold of SGMA Table 1 (strictly greater than).</summary>
    public const double IoUThreshold = 0.5;

    /// <summary>
    /// Precision of <paramref name="predicted"/>[i] against <paramref name="truth"/>[i]; images whose truth is null
    /// (part not visible) are not evaluated.
    /// </summary>
    public static PartPrecision Precision(string part, IReadOnlyList<Box> predicted, IReadOnlyList<Box?> truth, double threshold = IoUThreshold)
    {
        if (predicted.Count != truth.Count)
            throw new MetricInputException("predicted", $"{predicted.Count} predicted boxes for {truth.Count} ground-truth boxes of part '{part}'");
        int correct = 0, evaluated = 0;
        for (int i = 0; i < predicted.Count; i++)
        {
            if (truth[i] is not { } t) continue;
            evaluated++;
            if (predicted[i].IoU(t) > threshold) correct++;
        }
        return new PartPrecision(part, evaluated > 0 ? (double)correct / evaluated : 0, correct, evaluated);
    }

    /// <summary>
    /// The ground-truth box of <paramref name="rule"/> for one image, from its keypoints (x, y, visible) indexed by
    /// CUB part id - 1; null when none of the rule's keypoints is visible.
    /// </summary>
    public static Box? PartBox(PartBoxRule rule, ReadOnlySpan<(double X, double Y, bool Visible)> keypoints, Box bird, double imageWidth, double imageHeight)
    {
        Span<double> xs = stackalloc double[rule.Keypoints.Length];
        Span<double> ys = stackalloc double[rule.Keypoints.Length];
        int m = 0;
        foreach (var id in rule.Keypoints)
        {
            if (id < 1 || id > keypoints.Length) throw new MetricInputException("keypoints", $"part id {id} outside 1..{keypoints.Length}");
            var k = keypoints[id - 1];
            if (!k.Visible) continue;
            xs[m] = k.X; ys[m] = k.Y; m++;
        }
        if (m == 0) return null;
        var tight = Box.Around(xs[..m], ys[..m]);
        double side = Math.Max(Math.Max(tight.W, tight.H), rule.MinSideFraction * Math.Max(bird.W, bird.H));
        return Box.Centred(tight.X + tight.W / 2, tight.Y + tight.H / 2, side, imageWidth, imageHeight);
    }
}
