// Conse.cs - CONSE baseline (Norouzi et al., "Zero-Shot Learning by Convex Combination of Semantic Embeddings", ICLR
// 2014), Table 1 row of LESA: a seen-label classifier; an image is embedded as the convex combination of the vectors of
// its T most probable seen labels weighted by their probabilities; every label scores the cosine to that embedding.
// The seen classifier (linear on the mean-pooled feature) is trained with LESA's ranking loss (Eq. 13).
using ZslKit.Losses;
using ZslKit.Torch;
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Models.Baselines;

/// <summary>p = softmax(W·mean_r F_r + b) over S seen labels; e = Σ_{t ∈ top-T} p_t v_t / Σ p_t; s_c = cos(e, v_c).</summary>
public sealed class Conse : Module, ILesaTrainable
{
    private readonly Linear _classifier;
    private readonly Tensor _seenVectors;   // [S, dv], unit rows

    /// <param name="seenVectors">[S, dv] vectors of the seen labels, in classifier order.</param>
    /// <param name="top">T, the number of seen labels combined (10 in CONSE's ImageNet experiments).</param>
    public Conse(int featureDim, Tensor seenVectors, int top = 10) : base(nameof(Conse))
    {
        ModelChecks.Width(nameof(Conse), featureDim, nameof(featureDim));
        ArgumentNullException.ThrowIfNull(seenVectors);
        if (seenVectors.dim() != 2 || seenVectors.size(0) < 1 || seenVectors.size(1) is < 1 or > LesaConfig.MaxWidth)
            throw new ArgumentException($"Conse: seenVectors must be [S, dv] with S >= 1 and dv in [1, {LesaConfig.MaxWidth}], got {ModelChecks.Shape(seenVectors)}", nameof(seenVectors));
        if (top < 1 || top > seenVectors.size(0))
            throw new ArgumentOutOfRangeException(nameof(top), top, $"Conse: top must be in [1, {seenVectors.size(0)}] (seen labels)");
        Top = top;
        _classifier = torch.nn.Linear(featureDim, seenVectors.size(0));
        register_module("classifier", _classifier);
        using (var scope = torch.NewDisposeScope())   // held in the model's dtype (module.to(dtype) converts both later)
            _seenVectors = F.normalize(seenVectors.to(_classifier.weight.dtype), dim: 1).DetachFromDisposeScope();
        register_buffer("seen_vectors", _seenVectors);
    }

    public int Top { get; }
    public string Name => "CONSE";
    public Module Module => this;

    /// <summary>Seen-label logits [B, S] of region features [B, R, D].</summary>
    public Tensor SeenLogits(Tensor features) => SeenLogits(features, "Conse.SeenLogits");

    private Tensor SeenLogits(Tensor features, string method)
    {
        ModelChecks.Features(method, features, -1, _classifier.in_features, _classifier.weight);
        return _classifier.forward(features.mean(1));                           // [B, R, D] -> [B, D] -> [B, S]
    }

    public Tensor EmbedLabels(Tensor labelVectors)
    {
        ModelChecks.Vectors("Conse.EmbedLabels", labelVectors, nameof(labelVectors), "label vectors", _seenVectors.size(1), _seenVectors);
        return F.normalize(labelVectors, dim: 1);                               // [C, dv]
    }

    public Tensor Scores(Tensor features, Tensor embeddedLabels)
    {
        const string method = "Conse.Scores";
        ModelChecks.Vectors(method, embeddedLabels, nameof(embeddedLabels), "embedded labels", _seenVectors.size(1), _seenVectors);
        using var scope = torch.NewDisposeScope();
        var p = SeenLogits(features, method).softmax(1);                        // [B, S]
        var (values, indexes) = p.topk(Top, dim: 1);                            // [B, T]
        var kept = torch.zeros_like(p).scatter(1, indexes, values);             // [B, S], zeros outside the top T
        var e = kept.matmul(_seenVectors) / values.sum(1, keepdim: true);       // [B, S] @ [S, dv] -> [B, dv]
        return F.normalize(e, dim: 1).matmul(embeddedLabels.t()).MoveToOuterDisposeScope(); // [B, dv] @ [dv, C] -> [B, C]
    }

    /// <summary>L_rank of the seen-label logits; <paramref name="seenVectors"/> is not used (the classifier's rows are the
    /// seen labels given to the constructor).</summary>
    public Tensor Loss(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null) =>
        RankingLoss.ForModel(SeenLogits(features, "Conse.Loss"), labels, maxPositives: maxPositives);

    public LossBreakdown LossBreakdown(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null) =>
        Losses.LossBreakdown.Single("rank", Loss(features, labels, seenVectors, maxPositives));
}
