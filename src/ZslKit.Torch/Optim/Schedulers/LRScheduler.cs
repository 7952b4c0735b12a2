// LRScheduler.cs - base of epoch-indexed learning-rate schedulers (torch.optim.lr_scheduler._LRScheduler semantics):
// construction performs step 0, each step() advances LastEpoch and writes every group's new learning rate.
namespace ZslKit.Torch.Optim;

/// <summary>
/// A schedule over epochs. Construction sets epoch 0 (the groups keep their rates, or the schedule's epoch-0 value);
/// call <see cref="step"/> once per epoch after <c>optimizer.step()</c>.
/// </summary>
public abstract class LRScheduler
{
    /// <param name="optimizer">The optimizer whose groups are scheduled.</param>
    /// <param name="last_epoch">-1 for a fresh schedule (records each group's current rate as its initial rate).</param>
    protected LRScheduler(Optimizer optimizer, int last_epoch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (last_epoch < -1) throw new ArgumentOutOfRangeException(nameof(last_epoch), last_epoch, "last_epoch must be >= -1");
        Optimizer = optimizer;
        if (last_epoch == -1)
            foreach (var g in optimizer.ParamGroups)
                if (!g.InitialRateClaimed)
                {
                    // torch: group.setdefault('initial_lr', group['lr']) - the first scheduler fixes the base rate.
                    g.InitialLearningRate = g.LearningRate;
                    g.InitialRateClaimed = true;
                }
        BaseLearningRates = optimizer.ParamGroups.Select(g => g.InitialLearningRate).ToArray();
        LastEpoch = last_epoch;
        LastLearningRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
    }

    public Optimizer Optimizer { get; }

    /// <summary>Each group's initial learning rate (the schedule's base).</summary>
    public IReadOnlyList<double> BaseLearningRates { get; }

    /// <summary>The index of the last epoch stepped (0 after construction).</summary>
    public int LastEpoch { get; private set; }

    private double[] LastLearningRates { get; set; }

    /// <summary>The learning rates the last step set, one per group.</summary>
    public IReadOnlyList<double> get_last_lr() => LastLearningRates;

    /// <summary>Advances one epoch and writes the new rates into the optimizer's groups.</summary>
    public void step()
    {
        LastEpoch++;
        var lrs = ComputeLearningRates();
        var groups = Optimizer.ParamGroups;
        for (var i = 0; i < groups.Count; i++) groups[i].LearningRate = lrs[i];
        LastLearningRates = lrs;
    }

    /// <summary>The rates for epoch <see cref="LastEpoch"/>, one per group (current rates are in the groups).</summary>
    private protected abstract double[] ComputeLearningRates();

    /// <summary>Performs epoch 0; derived constructors call it last, once their fields are set.</summary>
    private protected void InitialStep() => step();

    private protected double[] CurrentRates() => Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
}
