// LesaObjective.cs - LESA's full training objective (Huynh & Elhamifar, CVPR 2020, Eq. 14):
// L = L_rank + λ_dist·L_dist + λ_div·L_div + λ_rel·L_rel, the attention terms only with M > 1 modules; plus the optional
// L2 penalty on the conv weight (official code's l2_scale, off in its released run; LesaConfig.ConvWeightDecay).
using ZslKit.Models;
using ZslKit.Torch;

namespace ZslKit.Losses;

/// <summary>Each term of the objective (scalars on the model's device) and their weighted sum.</summary>
public sealed record LesaLossTerms(Tensor Total, Tensor Rank, Tensor? Dist, Tensor? Div, Tensor Rel)
{
    /// <summary>The total and the unweighted terms named "rank", "rel", and with M &gt; 1 "div" and "dist" (the official
    /// log's l_rank, l_att_global, l_att_span, l_att_dist).</summary>
    public LossBreakdown ToBreakdown()
    {
        var terms = new List<KeyValuePair<string, Tensor>> { new("rank", Rank), new("rel", Rel) };
        if (Div is not null) terms.Add(new("div", Div));
        if (Dist is not null) terms.Add(new("dist", Dist));
        return new LossBreakdown(Total, terms);
    }
}

/// <summary>Combines the four LESA losses with the weights and options of a <see cref="LesaConfig"/>.</summary>
public static class LesaObjective
{
    /// <summary>output of <see cref="LesaModel.forward"/>, labels [B, C] (+1/−1/0, of a float or integer dtype). <paramref name="model"/> is
    /// needed only for <see cref="LesaConfig.ConvWeightDecay"/> &gt; 0 with a conv (its penalty is added to the total).
    /// <paramref name="maxPositives"/>: see <see cref="RankingLoss.Compute"/> (null: one host sync reads it, and the label values
    /// are checked in that read). With a bound nothing is read back, on the CPU either (a training step makes no host read):
    /// the bound and the label values are the caller's promise (LesaTask counts the bound with <see cref="MaxPositives.Of"/>,
    /// which checks the values). The config is validated (λ finite and ≥ 0, ...) and must have the output's module count M
    /// (its attention terms depend on it).</summary>
    public static LesaLossTerms Compute(LesaOutput output, Tensor labels, LesaConfig config, LesaModel? model = null, int? maxPositives = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        ArgumentNullException.ThrowIfNull(output.ModuleScores, "output.ModuleScores");
        if (output.ModuleScores.dim() != 3 || output.ModuleScores.size(1) != config.Modules)
            throw new ArgumentException($"LesaObjective: config.Modules = {config.Modules} does not match the output's module scores " +
                $"[{string.Join(", ", output.ModuleScores.shape)}] ([B, M, C]): pass the config of the model that produced the output", nameof(config));
        using var scope = torch.NewDisposeScope();
        var rank = RankingLoss.ForModel(output.Scores, labels, config.RankPresentColumnsOnly, config.RankNormalization, maxPositives);
        var rel = AttentionRelevanceLoss.ForModel(output.Scores, output.GlobalScores, labels, config.RelevanceMargin);
        var total = rank + rel * config.LambdaRel;
        if (config.UseConv && config.ConvWeightDecay > 0)
        {
            if (model is null)
                throw new ArgumentException("LesaObjective: config.ConvWeightDecay > 0 with UseConv needs the model (its conv weight)", nameof(model));
            total = total + model.RegularizationLoss();
        }
        Tensor? dist = null, div = null;
        if (config.Modules > 1)
        {
            dist = AttentionDistributionLoss.ForModel(output.ModuleScores, labels);
            div = AttentionDiversityLoss.Compute(config.DiversityInput == DiversityInput.Logits ? output.Logits : output.Attention);
            total = total + dist * config.LambdaDist + div * config.LambdaDiv;
        }
        var terms = new LesaLossTerms(total, rank, dist, div, rel);
        scope.MoveToOuter(total); scope.MoveToOuter(rank); scope.MoveToOuter(rel);
        if (dist is not null) scope.MoveToOuter(dist);
        if (div is not null) scope.MoveToOuter(div);
        return terms;
    }
}
