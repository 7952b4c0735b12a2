// OneAttentionPerLabel.cs - "One Attention per Label" row of LESA's Table 1, in the style of Kim et al. ("Bilinear
// Attention Networks", NeurIPS 2018): each label generates its own attention over regions from its word vector, and
// scores the feature attended for it. Memory grows with the label count (B x C x D), which is LESA's argument for
// sharing a few attentions. Trained with LESA's ranking (Eq. 13) and relevance (Eq. 8) losses.
using ZslKit.Losses;
using ZslKit.Torch;
using F = ZslKit.Torch.torch.nn.functional;

namespace ZslKit.Models.Baselines;

/// <summary>
/// A = tanh([F,1]·W1) [B, R, H]; e_{r,c} = A_r·(W_a v_c) ; α_c = softmax_r(e_c); z_c = Σ_r α_{c,r} [F_r,1];
/// s_c = ⟨[W3 v_c, 0], z_c⟩; s̄_c = ⟨[W3 v_c, 0], mean_r [F_r,1]⟩ for L_rel.
/// </summary>
public sealed class OneAttentionPerLabel : Module, ILesaTrainable
{
    private readonly Parameter _W1, _Wa, _W3;
    private readonly double _lambdaRel;

    public OneAttentionPerLabel(int featureDim, int wordDim, int hidden = 512, double lambdaRel = 0.001) : base(nameof(OneAttentionPerLabel))
    {
        ModelChecks.Width(nameof(OneAttentionPerLabel), featureDim, nameof(featureDim));
        ModelChecks.Width(nameof(OneAttentionPerLabel), wordDim, nameof(wordDim));
        ModelChecks.Width(nameof(OneAttentionPerLabel), hidden, nameof(hidden));
        if (!(lambdaRel >= 0) || !double.IsFinite(lambdaRel))
            throw new ArgumentOutOfRangeException(nameof(lambdaRel), lambdaRel, "OneAttentionPerLabel: lambdaRel must be finite and >= 0");
        _lambdaRel = lambdaRel;
        using (torch.NewDisposeScope())
        {
            _W1 = new Parameter(torch.randn(featureDim + 1, hidden) * (1 / Math.Sqrt(featureDim + 1)));
            _Wa = new Parameter(torch.randn(wordDim, hidden) * (1 / Math.Sqrt(hidden)));
            _W3 = new Parameter(torch.randn(featureDim, wordDim) * (1 / Math.Sqrt(wordDim)));
        }
        register_parameter("W1", _W1);
        register_parameter("Wa", _Wa);
        register_parameter("W3", _W3);
    }

    public string Name => "One Attention per Label";
    public Module Module => this;

    /// <summary>L_rank + λ_rel·L_rel (margin 0), both per label column: training may pass only the annotated columns.</summary>
    public bool SeparableLabelColumns => true;

    /// <summary>Unit label vectors [C, dv] (attention queries and θ are computed from them in <see cref="Scores"/>).</summary>
    public Tensor EmbedLabels(Tensor labelVectors) => Embed(labelVectors, "OneAttentionPerLabel.EmbedLabels", nameof(labelVectors), "label vectors");

    private Tensor Embed(Tensor vectors, string method, string paramName, string what)
    {
        ModelChecks.Vectors(method, vectors, paramName, what, _Wa.size(0), _Wa);
        return F.normalize(vectors, dim: 1);
    }

    public Tensor Scores(Tensor features, Tensor embeddedLabels) => Forward(features, embeddedLabels, "OneAttentionPerLabel.Scores").Scores;

    /// <summary>Each label's attention over the regions, α_{c,r}: features [B, R, D], <see cref="EmbedLabels"/> output [C, dv] → [B, R, C].</summary>
    public Tensor Attention(Tensor features, Tensor embeddedLabels)
    {
        const string method = "OneAttentionPerLabel.Attention";
        Check(method, features, embeddedLabels);
        using var scope = torch.NewDisposeScope();
        long b = features.size(0), r = features.size(1);
        var f = torch.cat([features, torch.ones([b, r, 1], features.dtype, features.device)], 2);  // [B, R, D+1]
        return AttentionWeights(f, embeddedLabels).MoveToOuterDisposeScope();
    }

    /// <summary>Features [B, R, D] and embedded labels [C, dv] of the model's dtype and device.</summary>
    private void Check(string method, Tensor features, Tensor embeddedLabels)
    {
        ModelChecks.Features(method, features, -1, _W3.size(0), _W1);
        ModelChecks.Vectors(method, embeddedLabels, nameof(embeddedLabels), "embedded labels", _Wa.size(0), _Wa);
    }

    /// <summary>α = softmax_r(tanh(F·W1)·(W_a v_c)): [B, R, D+1] features with the constant channel, [C, dv] vectors → [B, R, C].</summary>
    private Tensor AttentionWeights(Tensor f, Tensor v)
    {
        var a = f.matmul(_W1).tanh();                                           // [B, R, D+1] @ [D+1, H] -> [B, R, H]
        var query = v.matmul(_Wa);                                              // [C, dv] @ [dv, H] -> [C, H]
        return a.matmul(query.t()).softmax(1);                                  // [B, R, H] @ [H, C] -> [B, R, C], softmax over R
    }

    private (Tensor Scores, Tensor Global) Forward(Tensor features, Tensor v, string method)
    {
        Check(method, features, v);
        using var scope = torch.NewDisposeScope();
        long b = features.size(0), r = features.size(1);
        var f = torch.cat([features, torch.ones([b, r, 1], features.dtype, features.device)], 2);  // [B, R, D+1]
        var alpha = AttentionWeights(f, v);                                     // [B, R, C]
        var theta = v.matmul(_W3.t());                                          // [C, dv] @ [dv, D] -> [C, D]
        theta = torch.cat([theta, torch.zeros([theta.size(0), 1], theta.dtype, theta.device)], 1); // [C, D+1]
        var projected = f.matmul(theta.t());                                    // [B, R, D+1] @ [D+1, C] -> [B, R, C] = ⟨θ_c, F_r⟩
        var scores = (alpha * projected).sum(1);                                // Σ_r α_{c,r} ⟨θ_c, F_r⟩ = ⟨θ_c, z_c⟩ -> [B, C]
        var global = projected.mean(1);                                         // [B, C]
        scope.MoveToOuter(scores); scope.MoveToOuter(global);
        return (scores, global);
    }

    public Tensor Loss(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null) =>
        LossBreakdown(features, labels, seenVectors, maxPositives).Total;

    /// <summary>L_rank + λ_rel·L_rel; terms "rank" and "rel" (unweighted).</summary>
    public LossBreakdown LossBreakdown(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null)
    {
        const string method = "OneAttentionPerLabel.Loss";
        using var scope = torch.NewDisposeScope();
        var (s, g) = Forward(features, Embed(seenVectors, method, nameof(seenVectors), "seen vectors"), method);
        var rank = RankingLoss.ForModel(s, labels, maxPositives: maxPositives);
        var rel = AttentionRelevanceLoss.ForModel(s, g, labels);
        var loss = rank + rel * _lambdaRel;
        scope.MoveToOuter(loss); scope.MoveToOuter(rank); scope.MoveToOuter(rel);
        return new LossBreakdown(loss, [new("rank", rank), new("rel", rel)]);
    }
}
