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
    /// <summary>moduleScores [B, M, C], labels [B, C] (+1/−1/0) → scalar.</summary>
    public static Tensor Compute(Tensor moduleScores, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(moduleScores);
        ArgumentNullException.ThrowIfNull(labels);
        if (moduleScores.dim() != 3 || labels.dim() != 2 || moduleScores.size(0) != labels.size(0) || moduleScores.size(2) != labels.size(1))
            throw new ArgumentException($"AttentionDistributionLoss: module scores must be [B, M, C] and labels [B, C], got [{string.Join(", ", moduleScores.shape)}] and [{string.Join(", ", labels.shape)}]");
        using var scope = torch.NewDisposeScope();
        var p = moduleScores.softmax(1);                                          // [B, M, C]
        var load = (p * labels.eq(1).to(p.dtype).unsqueeze(1)).sum(2);           // [B, M, C] * [B, 1, C] -> sum_c -> [B, M]
        return load.pow(2).mean().MoveToOuterDisposeScope();
    }
}
