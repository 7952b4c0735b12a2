// RankingLoss.cs - LESA's ranking loss L_rank (Huynh & Elhamifar, CVPR 2020, Eq. 13): every annotated positive label
// should score at least 1 above every annotated negative label of the same image. Official normalisation by default.
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Losses;

/// <summary>
/// Per image i: Σ_{p ∈ P_i, n ∈ N_i} max(0, 1 + s_n − s_p) / (count + 1e-8), mean over the B images, where count is the
/// number of violating pairs (official) or of all pairs (<see cref="RankNormalization.AllPairs"/>). Labels are +1
/// (positive), −1 (negative), 0 (unannotated, ignored). Every label column takes part (official: core/model_share_attention.py,
/// _ranking_loss keeps the columns with any ±1 in the batch, which gives the same value); with <c>presentColumnsOnly</c>
/// only columns with at least one positive in the batch do (an earlier reading, kept as an option).
/// </summary>
public static class RankingLoss
{
    private const double Epsilon = 1e-8;

    /// <summary>scores [B, C], labels [B, C] (float, +1/−1/0) → scalar. <paramref name="maxPositives"/>: an upper bound on the
    /// positives of one image in the batch (<see cref="MaxPositives"/>, counted on the host when the batch is built); null
    /// reads it from the labels, a host sync that makes a CUDA step wait for the GPU. A bound above the true maximum gives the
    /// same value (the extra rows are padding); one below it drops positives, so it must hold.</summary>
    public static Tensor Compute(Tensor scores, Tensor labels, bool presentColumnsOnly = false,
        RankNormalization normalization = RankNormalization.ViolatingPairs, int? maxPositives = null)
    {
        LossChecks.SameShape2D("RankingLoss", scores, labels);
        if (maxPositives is < 0) throw new ArgumentOutOfRangeException(nameof(maxPositives), maxPositives, "RankingLoss: maxPositives must be >= 0");
        using var scope = torch.NewDisposeScope();
        Tensor s = scores, y = labels;
        if (presentColumnsOnly)
        {
            var present = labels.eq(1).to(ScalarType.Float32).amax(0).cpu().ToArray<float>();     // [C]
            var keep = Enumerable.Range(0, present.Length).Where(c => present[c] > 0).Select(c => (long)c).ToArray();
            if (keep.Length == 0) return (scores.sum() * 0).MoveToOuterDisposeScope();
            var index = torch.tensor(keep, device: scores.device);
            s = scores.index_select(1, index);                                                     // [B, K]
            y = labels.index_select(1, index);                                                     // [B, K]
        }
        var pos = y.eq(1).to(s.dtype);                                                             // [B, K]
        var neg = y.eq(-1).to(s.dtype);                                                            // [B, K]
        // Only (positive, negative) pairs count, so each image's positives are gathered first (padded to P, the most positives
        // of one image in the batch): the pair tensors are [B, P, K] instead of [B, K, K] (K = 925 NUS-WIDE tags, P ≈ 10).
        // topk of the 0/1 mask returns every positive (value 1) before any padding (value 0). Without maxPositives one host
        // sync reads P.
        long p = maxPositives is { } bound ? Math.Min(bound, y.size(1)) : y.eq(1).to(ScalarType.Int64).sum(1).max().item<long>();
        if (p == 0) return (scores.sum() * 0).MoveToOuterDisposeScope();
        var (pmask, pidx) = pos.topk(p, dim: 1);                                                   // [B, P] 1 = a positive, 0 = padding
        var sp = s.gather(1, pidx);                                                                // [B, P] scores of the positives
        var margin = s.unsqueeze(1) - sp.unsqueeze(2) + 1;                                         // [B, 1, K] - [B, P, 1] -> [B, P, K]: 1 + s_n − s_p
        var valid = pmask.unsqueeze(2) * neg.unsqueeze(1);                                         // [B, P, K]
        var hinge = margin.relu() * valid;
        var count = normalization == RankNormalization.ViolatingPairs
            ? hinge.gt(0).to(s.dtype).sum([1, 2])                                                  // [B]
            : valid.sum([1, 2]);
        return (hinge.sum([1, 2]) / (count + Epsilon)).mean().MoveToOuterDisposeScope();
    }
}

/// <summary>The most positives (+1) of one row of a host label matrix: the <c>maxPositives</c> bound of
/// <see cref="RankingLoss.Compute"/>, counted while a batch is built so the loss needs no host sync.</summary>
public static class MaxPositives
{
    /// <summary>labels: row-major [rows, columns] of +1/−1/0.</summary>
    public static int Of(ReadOnlySpan<sbyte> labels, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (labels.Length % columns != 0)
            throw new ArgumentException($"MaxPositives: {labels.Length} labels are not whole rows of {columns} columns", nameof(labels));
        int most = 0;
        for (int start = 0; start < labels.Length; start += columns)
        {
            int count = 0;
            foreach (var v in labels.Slice(start, columns)) if (v == 1) count++;
            most = Math.Max(most, count);
        }
        return most;
    }
}

/// <summary>Argument checks shared by the loss functions.</summary>
internal static class LossChecks
{
    public static void SameShape2D(string loss, Tensor scores, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        if (scores.dim() != 2 || labels.dim() != 2 || scores.size(0) != labels.size(0) || scores.size(1) != labels.size(1))
            throw new ArgumentException($"{loss}: scores and labels must both be [B, C], got [{string.Join(", ", scores.shape)}] and [{string.Join(", ", labels.shape)}]");
    }
}
