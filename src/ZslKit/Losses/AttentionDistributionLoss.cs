// AttentionDistributionLoss.cs - LESA's attention distribution loss L_dist (Huynh & Elhamifar, CVPR 2020, Eq. 10-11):
// spreads the positive labels of an image over the M attention modules instead of letting one module serve them all.
using ZslKit.Torch;

namespace ZslKit.Losses;

/// <summary>
/// P_{m,c} = softmax over modules of s_{m,c}; ℓ_m = Σ_{c positive} P_{m,c}; L_dist = mean over images and modules of
/// ℓ_m² (official code). Minimised, for a fixed number of positives, when every module takes an equal share.
/// </summary>
public static class AttentionDistributionLoss
{
    /// <summary>moduleScores [B, M, C] (B, M ≥ 1), labels [B, C] (+1/−1/0, floating or integer) → scalar. Labels on the CPU
    /// are checked to hold −1, 0 or 1 (one host read); on CUDA that read would make the caller wait for the GPU, so there the
    /// values are the caller's promise (bool labels are refused on any device).</summary>
    public static Tensor Compute(Tensor moduleScores, Tensor labels)
    {
        Check(moduleScores, labels);
        LossChecks.ValuesOnCpu("AttentionDistributionLoss", labels);
        return Load(moduleScores, labels);
    }

    /// <summary><see cref="Compute"/> in <see cref="LesaObjective"/>, which reads nothing back (its labels' values are checked
    /// by <see cref="RankingLoss"/>'s read of the positives bound, or where the bound is counted on the host).</summary>
    internal static Tensor ForModel(Tensor moduleScores, Tensor labels)
    {
        Check(moduleScores, labels);
        return Load(moduleScores, labels);
    }

    private static void Check(Tensor moduleScores, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(moduleScores);
        ArgumentNullException.ThrowIfNull(labels);
        if (moduleScores.dim() != 3 || labels.dim() != 2 || moduleScores.size(0) != labels.size(0) || moduleScores.size(2) != labels.size(1))
            throw new ArgumentException($"AttentionDistributionLoss: module scores must be [B, M, C] and labels [B, C], got [{string.Join(", ", moduleScores.shape)}] and [{string.Join(", ", labels.shape)}]");
        if (moduleScores.size(0) == 0 || moduleScores.size(1) == 0)
            throw new ArgumentException($"AttentionDistributionLoss: module scores [{string.Join(", ", moduleScores.shape)}] have no image or no module: " +
                "the loss is a mean over images and modules", nameof(moduleScores));
        if (moduleScores.device != labels.device)
            throw new ArgumentException($"AttentionDistributionLoss: module scores are on {moduleScores.device}, labels on {labels.device}", nameof(labels));
        LossChecks.LabelType("AttentionDistributionLoss", labels);
    }

    private static Tensor Load(Tensor moduleScores, Tensor labels)
    {
        using var scope = torch.NewDisposeScope();
        var p = moduleScores.softmax(1);                                          // [B, M, C]
        var load = (p * labels.eq(1).to(p.dtype).unsqueeze(1)).sum(2);           // [B, M, C] * [B, 1, C] -> sum_c -> [B, M]
        return load.pow(2).mean().MoveToOuterDisposeScope();
    }
}
