// LesaTrainable.cs - the contract between the LESA training protocol (LesaTask, run by the generic Trainer) and the models it trains: LESA
// itself and the Table 1 baselines of Huynh & Elhamifar, CVPR 2020 (Models/Baselines).
using ZslKit.Torch;

namespace ZslKit.Models;

/// <summary>A multi-label zero-shot model trained on seen labels and scored on any label set through label vectors.</summary>
public interface ILesaTrainable : IDisposable
{
    /// <summary>Row name in tables ("LESA (M=10)", "Fast0Tag", ...).</summary>
    string Name { get; }

    /// <summary>The trainable module (parameters, train/eval, state_dict).</summary>
    Module Module { get; }

    /// <summary>Training loss on region features [B, R, D], labels [B, S] (+1/−1/0 as float) and seen-label vectors [S, dv].
    /// <paramref name="maxPositives"/>: the most positives of one image in the batch, counted on the host
    /// (<see cref="Losses.MaxPositives"/>), so the ranking loss needs no host sync; null reads it from the labels.</summary>
    Tensor Loss(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null);

    /// <summary><see cref="Loss"/> with its unweighted terms by name (for the per-term columns of a run's metrics.csv).</summary>
    Losses.LossBreakdown LossBreakdown(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null);

    /// <summary>Label-side precomputation for inference over a fixed label set: vectors [C, dv] → model-specific tensor.</summary>
    Tensor EmbedLabels(Tensor labelVectors);

    /// <summary>Scores [B, C] of region features [B, R, D] for the labels given to <see cref="EmbedLabels"/>.</summary>
    Tensor Scores(Tensor features, Tensor embeddedLabels);

    /// <summary>True when the loss is built from per-label-column terms, each computed from its own column's label vector, and
    /// a column unannotated (0) in every image of the batch adds nothing to the loss or its gradients. Then training may
    /// pass only the batch's annotated columns (<see cref="AnnotatedColumns"/>) and their vectors: the same loss, less work
    /// when most labels are unannotated (Open Images). False (the default) always passes every column.</summary>
    bool SeparableLabelColumns => false;
}

/// <summary>LESA (any M) as an <see cref="ILesaTrainable"/>: loss = <see cref="Losses.LesaObjective"/>.</summary>
public sealed class LesaTrainable : ILesaTrainable
{
    public LesaTrainable(LesaConfig config) => Model = new LesaModel(config);

    /// <summary>Wraps an existing model (owned from now on: disposed with this).</summary>
    public LesaTrainable(LesaModel model) => Model = model ?? throw new ArgumentNullException(nameof(model));

    public LesaModel Model { get; }

    public string Name => $"LESA (M={Model.Config.Modules})";

    public Module Module => Model;

    public Tensor Loss(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null) =>
        LossBreakdown(features, labels, seenVectors, maxPositives).Total;

    public Losses.LossBreakdown LossBreakdown(Tensor features, Tensor labels, Tensor seenVectors, int? maxPositives = null) =>
        Losses.LesaObjective.Compute(Model.forward(features, seenVectors), labels, Model.Config, Model, maxPositives).ToBreakdown();

    /// <summary>θ without the constant channel ([C, D]): <see cref="Scores"/> then runs LESA's folded inference path.</summary>
    public Tensor EmbedLabels(Tensor labelVectors) => Model.ScoringEmbedding(labelVectors);

    public Tensor Scores(Tensor features, Tensor embeddedLabels) => Model.Scores(features, embeddedLabels);

    /// <summary>L_rank, L_dist (positives only) and L_rel are per column and L_div does not read labels; with a relevance
    /// margin > 0 an unannotated entry adds the margin to L_rel's value (not to its gradient), so then it is false.</summary>
    public bool SeparableLabelColumns => Model.Config.RelevanceMargin == 0;

    public void Dispose() => Model.Dispose();
}
