// AttentionRelevanceLoss.cs - LESA's attention relevance loss L_rel (Huynh & Elhamifar, CVPR 2020, Eq. 8), official
// "global" form: attending must raise positive labels' scores and lower negative ones' relative to the score computed
// from the mean-pooled (attention-free) feature.
using ZslKit.Torch;

namespace ZslKit.Losses;

/// <summary>
/// L_rel = Σ_{i,c} max(0, −(s_c − s̄_c)·y_c + margin), s̄_c = ⟨θ_c, mean_r F_r⟩; y ∈ {+1, −1, 0}. Summed (not averaged)
/// over the batch and the labels, as the official code (core/model_share_attention.py, _attention_global_regularizer;
/// margin_att_global = 0.0 in the released run, where unannotated labels add 0; with a margin > 0 they add the margin, as
/// in the official code).
/// </summary>
public static class AttentionRelevanceLoss
{
    /// <summary>scores [B, C], globalScores [B, C], labels [B, C] (+1/−1/0, floating or integer) → scalar. Labels on the CPU
    /// are checked to hold −1, 0 or 1 (one host read); on CUDA that read would make the caller wait for the GPU, so there the
    /// values are the caller's promise (bool labels are refused on any device).</summary>
    public static Tensor Compute(Tensor scores, Tensor globalScores, Tensor labels, double margin = 0)
    {
        Check(scores, globalScores, labels, margin);
        LossChecks.ValuesOnCpu("AttentionRelevanceLoss", labels);
        return Hinge(scores, globalScores, labels, margin);
    }

    /// <summary><see cref="Compute"/> in the models' training losses, which read nothing back (their labels' values are
    /// checked by <see cref="RankingLoss"/>'s read of the positives bound, or where the bound is counted on the host).</summary>
    internal static Tensor ForModel(Tensor scores, Tensor globalScores, Tensor labels, double margin = 0)
    {
        Check(scores, globalScores, labels, margin);
        return Hinge(scores, globalScores, labels, margin);
    }

    private static void Check(Tensor scores, Tensor globalScores, Tensor labels, double margin)
    {
        if (!(margin >= 0) || !double.IsFinite(margin))
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "AttentionRelevanceLoss: margin must be finite and >= 0");
        LossChecks.SameShape2D("AttentionRelevanceLoss", scores, labels);
        LossChecks.SameShape2D("AttentionRelevanceLoss", globalScores, labels, nameof(globalScores));
        LossChecks.LabelType("AttentionRelevanceLoss", labels);
    }

    private static Tensor Hinge(Tensor scores, Tensor globalScores, Tensor labels, double margin)
    {
        using var scope = torch.NewDisposeScope();
        var violation = -(scores - globalScores) * labels;                       // [B, C]
        if (margin != 0) violation = violation + margin;
        return violation.relu().sum().MoveToOuterDisposeScope();
    }
}
