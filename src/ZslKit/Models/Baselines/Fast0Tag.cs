// Fast0Tag.cs - Fast0Tag baseline (Zhang, Gong & Shah, "Fast Zero-Shot Image Tagging", CVPR 2016), Table 1 row of
// LESA: a network maps the global image feature to a principal direction u(x) in word-vector space along which the
// relevant tags rank first; tag c scores ⟨u(x), v_c⟩. Trained here with LESA's ranking loss (Eq. 13) instead of the
// original RankNet-style loss, on mean-pooled region features.
using ZslKit.Losses;
using ZslKit.Torch;
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Models.Baselines;

/// <summary>u = W_b·relu(W_a·mean_r F_r + a) + b; s_c = ⟨u, v_c / ‖v_c‖⟩.</summary>
public sealed class Fast0Tag : Module, ILesaTrainable
{
    private readonly Linear _hidden, _out;

    public Fast0Tag(int featureDim, int wordDim, int hidden = 512) : base(nameof(Fast0Tag))
    {
        ModelChecks.Width(nameof(Fast0Tag), featureDim, nameof(featureDim));
        ModelChecks.Width(nameof(Fast0Tag), wordDim, nameof(wordDim));
        ModelChecks.Width(nameof(Fast0Tag), hidden, nameof(hidden));
        _hidden = torch.nn.Linear(featureDim, hidden);
        _out = torch.nn.Linear(hidden, wordDim);
        register_module("hidden", _hidden);
        register_module("out", _out);
    }

    public string Name => "Fast0Tag";
    public Module Module => this;

    /// <summary>Principal directions [B, dv] of region features [B, R, D].</summary>
    public Tensor Direction(Tensor features) => Direction(features, "Fast0Tag.Direction");

    private Tensor Direction(Tensor features, string method)
    {
        ModelChecks.Features(method, features, -1, _hidden.in_features, _hidden.weight);
        return _out.forward(_hidden.forward(features.mean(1)).relu());          // [B, D] -> [B, H] -> [B, dv]
    }

    /// <summary>L_rank, per label column: training may pass only the annotated columns.</summary>
    public bool SeparableLabelColumns => true;

    public Tensor EmbedLabels(Tensor labelVectors) => Embed(labelVectors, "Fast0Tag.EmbedLabels", nameof(labelVectors), "label vectors");

    private Tensor Embed(Tensor vectors, string method, string paramName, string what)
    {
        ModelChecks.Vectors(method, vectors, paramName, what, _out.out_features, _out.weight);
        return F.normalize(vectors, dim: 1);                                    // [C, dv]
    }

    public Tensor Scores(Tensor features, Tensor embeddedLabels) => Scores(features, embeddedLabels, "Fast0Tag.Scores");

    private Tensor Scores(Tensor features, Tensor embeddedLabels, string method)
    {
        ModelChecks.Vectors(method, embeddedLabels, nameof(embeddedLabels), "embedded labels", _out.out_features, _out.weight);
        return Direction(features, method).matmul(embeddedLabels.t());         // [B, dv] @ [dv, C] -> [B, C]
    }

    public Tensor Loss(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null)
    {
        const string method = "Fast0Tag.Loss";
        using var scope = torch.NewDisposeScope();
        var scores = Scores(features, Embed(seenVectors, method, nameof(seenVectors), "seen vectors"), method);   // [B, S]
        return RankingLoss.ForModel(scores, labels, maxPositives: maxPositives).MoveToOuterDisposeScope();
    }

    public LossBreakdown LossBreakdown(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null) =>
        Losses.LossBreakdown.Single("rank", Loss(features, labels, seenVectors, maxPositives));
}
