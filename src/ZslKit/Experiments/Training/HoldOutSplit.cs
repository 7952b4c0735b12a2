// HoldOutSplit.cs - splits the training examples into a fit part and a validation part (validation never touches test).
namespace ZslKit.Experiments.Training;

/// <summary>A seeded split of training-example indices 0..n-1 into fit and validation indices (each sorted).</summary>
public sealed record HoldOutSplit(int[] Fit, int[] Validation)
{
    /// <summary>Holds out round(fraction·n) examples chosen by a seeded shuffle; at least one example is kept for fitting.</summary>
    public static HoldOutSplit Create(int n, double fraction, long seed)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "the training split has no examples");
        if (fraction is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "validation fraction must be in [0, 1)");
        var order = Enumerable.Range(0, n).ToArray();
        TrainRng.FromSeed(seed, stream: 0x5A17).Shuffle(order);
        int nVal = Math.Min((int)Math.Round(fraction * n, MidpointRounding.AwayFromZero), n - 1);
        var val = order[..nVal];
        var fit = order[nVal..];
        Array.Sort(val);
        Array.Sort(fit);
        return new HoldOutSplit(fit, val);
    }
}
