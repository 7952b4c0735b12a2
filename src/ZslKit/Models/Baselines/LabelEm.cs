// LabelEm.cs - LabelEM baseline (Akata, Perronnin, Harchaoui & Schmid, "Label-Embedding for Image Classification",
// TPAMI 2016), Table 1 row of LESA: a bilinear compatibility F(x, c) = θ(x)ᵀ W φ(c) between the global image feature
// and the label vector, trained with a ranking loss (here LESA's Eq. 13 ranking loss over multi-label annotations).
using ZslKit.Losses;
using ZslKit.Torch;
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Models.Baselines;

/// <summary>s_c = (mean_r F_r)ᵀ W (v_c / ‖v_c‖), W [D, dv].</summary>
public sealed class LabelEm : Module, ILesaTrainable
{
    private readonly Parameter _W;

    public LabelEm(int featureDim, int wordDim) : base(nameof(LabelEm))
    {
        using (torch.NewDisposeScope())
            _W = new Parameter(torch.randn(featureDim, wordDim) * (1 / Math.Sqrt(featureDim)));
        register_parameter("W", _W);
    }

    public string Name => "LabelEM";
    public Module Module => this;

    /// <summary>L_rank, per label column: training may pass only the annotated columns.</summary>
    public bool SeparableLabelColumns => true;

    public Tensor EmbedLabels(Tensor labelVectors) =>
        _W.matmul(F.normalize(labelVectors, dim: 1).t());                       // [D, dv] @ [dv, C] -> [D, C]

    public Tensor Scores(Tensor features, Tensor embeddedLabels) =>
        features.mean(1).matmul(embeddedLabels);                                // [B, D] @ [D, C] -> [B, C]

    public Tensor Loss(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null)
    {
        using var scope = torch.NewDisposeScope();
        return RankingLoss.Compute(Scores(features, EmbedLabels(seenVectors)), labels, maxPositives: maxPositives).MoveToOuterDisposeScope();
    }

    public LossBreakdown LossBreakdown(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null) =>
        Losses.LossBreakdown.Single("rank", Loss(features, labels, seenVectors, maxPositives));
}
