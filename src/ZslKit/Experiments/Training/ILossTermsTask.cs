// ILossTermsTask.cs - the optional capability of a training task to split its loss into named terms (LESA: L_rank, L_rel,
// L_div, L_dist), so that the Trainer logs each term's epoch mean beside the total (metrics.csv columns loss_<term>), as
// the official LESA scripts log l_rank, l_att_global, l_att_span and l_att_dist.
using ZslKit.Losses;

namespace ZslKit.Experiments.Training;

/// <summary>A task whose loss comes with its unweighted terms.</summary>
public interface ILossTermsTask<TBatch> : ITrainingTask<TBatch>
{
    /// <summary>The loss of a batch (with autograd history, the same value as <see cref="ITrainingTask{TBatch}.Loss"/>) and
    /// its terms by name; the trainer reads the terms without gradient.</summary>
    LossBreakdown LossBreakdown(TBatch batch);
}
