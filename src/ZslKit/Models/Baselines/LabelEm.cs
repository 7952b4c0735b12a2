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
        ModelChecks.Width(nameof(LabelEm), featureDim, nameof(featureDim));
        ModelChecks.Width(nameof(LabelEm), wordDim, nameof(wordDim));
        using (torch.NewDisposeScope())
            _W = new Parameter(torch.randn(featureDim, wordDim) * (1 / Math.Sqrt(featureDim)));
        register_parameter("W", _W);
    }

    public string Name => "LabelEM";
    public Module Module => this;

    /// <summary>L_rank, per label column: training may pass only the annotated columns.</summary>
    public bool SeparableLabelColumns => true;

    /// <summary>W·(v_c / ‖v_c‖): label vectors [C, dv] → [D, C].</summary>
    public Tensor EmbedLabels(Tensor labelVectors) => Embed(labelVectors, "LabelEm.EmbedLabels", nameof(labelVectors), "label vectors");

    private Tensor Embed(Tensor vectors, string method, string paramName, string what)
    {
        ModelChecks.Vectors(method, vectors, paramName, what, _W.size(1), _W);
        return _W.matmul(F.normalize(vectors, dim: 1).t());                    // [D, dv] @ [dv, C] -> [D, C]
    }

    /// <summary>Scores [B, C] of region features [B, R, D] for <see cref="EmbedLabels"/>' output [D, C].</summary>
    public Tensor Scores(Tensor features, Tensor embeddedLabels) => Scores(features, embeddedLabels, "LabelEm.Scores");

    private Tensor Scores(Tensor features, Tensor embeddedLabels, string method)
    {
        long d = _W.size(0);
        ModelChecks.Features(method, features, -1, d, _W);
        ArgumentNullException.ThrowIfNull(embeddedLabels);
        if (embeddedLabels.dim() != 2 || embeddedLabels.size(0) != d)
            throw new ArgumentException($"{method}: embedded labels must be [{d}, C] (EmbedLabels), got {ModelChecks.Shape(embeddedLabels)}", nameof(embeddedLabels));
        ModelChecks.DtypeAndDevice(method, embeddedLabels, nameof(embeddedLabels), "embedded labels", _W);
        return features.mean(1).matmul(embeddedLabels);                         // [B, D] @ [D, C] -> [B, C]
    }

    public Tensor Loss(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null)
    {
        const string method = "LabelEm.Loss";
        using var scope = torch.NewDisposeScope();
        var scores = Scores(features, Embed(seenVectors, method, nameof(seenVectors), "seen vectors"), method);   // [B, S]
        return RankingLoss.ForModel(scores, labels, maxPositives: maxPositives).MoveToOuterDisposeScope();
    }

    public LossBreakdown LossBreakdown(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null) =>
        Losses.LossBreakdown.Single("rank", Loss(features, labels, seenVectors, maxPositives));
}
