// ExponentialLR.cs - multiplies the learning rate by gamma every epoch (torch.optim.lr_scheduler.ExponentialLR).
namespace ZslKit.Torch.Optim;

/// <summary>lr(t) = lr(t−1)·γ for t ≥ 1 (PyTorch's chained form).</summary>
public sealed class ExponentialLR : LRScheduler
{
    public ExponentialLR(Optimizer optimizer, double gamma, int last_epoch = -1) : base(optimizer, last_epoch)
    {
        if (!double.IsFinite(gamma) || gamma <= 0) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be positive");
        Gamma = gamma;
        InitialStep();
    }

    public double Gamma { get; }

    private protected override double[] ComputeLearningRates()
    {
        var lrs = CurrentRates();
        return LastEpoch == 0 ? lrs : lrs.Select(lr => lr * Gamma).ToArray();
    }
}
