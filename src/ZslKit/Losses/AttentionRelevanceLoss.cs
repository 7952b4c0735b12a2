// AttentionRelevanceLoss.cs - LESA's attention relevance loss L_rel (Huynh & Elhamifar, CVPR 2020, Eq. 8), official
// "global" form: attending must raise positive labels' scores and lower negative ones' relative to the score computed
// from the mean-pooled (attention-free) feature.
using ZslKit.Torch;

namespace ZslKit.Losses;

/// <summary>
/// L_rel = Σ_{i,c} max(0, −(s_c − s̄_c)·y_c), s̄_c = ⟨θ_c, mean_r F_r⟩; y ∈ {+1, −1, 0}, so unannotated labels add 0.
/// Summed (not averaged) over the batch and the labels, as the official code.
/// </summary>
public static class AttentionRelevanceLoss
{
    /// <summary>scores [B, C], globalScores [B, C], labels [B, C] → scalar.</summary>
    public static Tensor Compute(Tensor scores, Tensor globalScores, Tensor labels)
    {
        LossChecks.SameShape2D("AttentionRelevanceLoss", scores, labels);
        LossChecks.SameShape2D("AttentionRelevanceLoss", globalScores, labels);
        using var scope = torch.NewDisposeScope();
        return (-(scores - globalScores) * labels).relu().sum().MoveToOuterDisposeScope();
    }
}
