// StepLR.cs - multiplies the learning rate by gamma every step_size epochs (torch.optim.lr_scheduler.StepLR).
namespace ZslKit.Torch.Optim;

/// <summary>lr(t) = lr(t−1)·γ when t is a positive multiple of step_size, else lr(t−1) (PyTorch's chained form).</summary>
public sealed class StepLR : LRScheduler
{
    public StepLR(Optimizer optimizer, int step_size, double gamma = 0.1, int last_epoch = -1) : base(optimizer, last_epoch)
    {
        if (step_size <= 0) throw new ArgumentOutOfRangeException(nameof(step_size), step_size, "step_size must be positive");
        if (!double.IsFinite(gamma) || gamma <= 0) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must be positive");
        StepSize = step_size;
        Gamma = gamma;
        InitialStep();
    }

    public int StepSize { get; }

    public double Gamma { get; }

    private protected override double[] ComputeLearningRates()
    {
        var lrs = CurrentRates();
        if (LastEpoch == 0 || LastEpoch % StepSize != 0) return lrs;
        return lrs.Select(lr => lr * Gamma).ToArray();
    }
}
