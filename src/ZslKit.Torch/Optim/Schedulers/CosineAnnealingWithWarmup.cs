// CosineAnnealingWithWarmup.cs - linear warm-up followed by half-cosine annealing to eta_min (closed form per epoch;
// the cosine part is SGDR's schedule without restarts, Loshchilov & Hutter, ICLR 2017, Eq. 5).
namespace ZslKit.Torch.Optim;

/// <summary>
/// For base rate b, warm-up W and total T epochs: lr(t) = b·(t+1)/W for t &lt; W; then
/// lr(t) = η_min + (b − η_min)·½(1 + cos(π·min(1, (t−W)/max(1, T−W)))), so the rate is b at t = W and η_min from t = T on.
/// </summary>
public sealed class CosineAnnealingWithWarmup : LRScheduler
{
    public CosineAnnealingWithWarmup(Optimizer optimizer, int warmup_epochs, int total_epochs, double eta_min = 0, int last_epoch = -1)
        : base(optimizer, last_epoch)
    {
        if (warmup_epochs < 0) throw new ArgumentOutOfRangeException(nameof(warmup_epochs), warmup_epochs, "warmup_epochs must be >= 0");
        if (total_epochs < warmup_epochs)
            throw new ArgumentOutOfRangeException(nameof(total_epochs), total_epochs, $"total_epochs must be >= warmup_epochs ({warmup_epochs})");
        Optimizer.CheckNonNegative(eta_min, nameof(eta_min));
        WarmupEpochs = warmup_epochs;
        TotalEpochs = total_epochs;
        EtaMin = eta_min;
        InitialStep();
    }

    public int WarmupEpochs { get; }

    public int TotalEpochs { get; }

    public double EtaMin { get; }

    /// <summary>The closed-form rate of epoch <paramref name="t"/> for base rate <paramref name="baseLr"/>.</summary>
    public double RateAt(int t, double baseLr)
    {
        if (t < WarmupEpochs) return baseLr * (t + 1) / WarmupEpochs;
        var progress = Math.Min(1.0, (double)(t - WarmupEpochs) / Math.Max(1, TotalEpochs - WarmupEpochs));
        return EtaMin + (baseLr - EtaMin) * 0.5 * (1 + Math.Cos(Math.PI * progress));
    }

    private protected override double[] ComputeLearningRates() => BaseLearningRates.Select(b => RateAt(LastEpoch, b)).ToArray();
}
