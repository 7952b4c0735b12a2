// TrainRng.cs - the trainer's own random stream (SplitMix64): batch order and the hold-out split come from it, its
// state is one 64-bit number saved in checkpoints, so a resumed run draws exactly what the uninterrupted one drew.
using System.Globalization;

namespace ZslKit.Experiments.Training;

/// <summary>SplitMix64 generator with a serialisable state.</summary>
public sealed class TrainRng(ulong state)
{
    public ulong State { get; private set; } = state;

    public static TrainRng FromSeed(long seed, ulong stream = 0) => new(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL ^ stream));

    public ulong NextUInt64()
    {
        unchecked
        {
            State += 0x9E3779B97F4A7C15UL;
            var z = State;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary>Uniform integer in [0, n) without modulo bias (rejection sampling).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong bound = (ulong)n, limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong x;
        do x = NextUInt64(); while (x >= limit);
        return (int)(x % bound);
    }

    /// <summary>Fisher-Yates shuffle in place.</summary>
    public void Shuffle(int[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A seed for torch.manual_seed derived from a base seed and an epoch (torch's RNG is reseeded each epoch).</summary>
    public static long DeriveSeed(long seed, int epoch)
    {
        var r = new TrainRng(unchecked((ulong)seed ^ ((ulong)(epoch + 1) * 0xD1B54A32D192ED03UL)));
        return (long)(r.NextUInt64() >> 1);
    }

    public string Save() => State.ToString(CultureInfo.InvariantCulture);

    public static TrainRng Load(string text) => new(ulong.Parse(text, CultureInfo.InvariantCulture));
}
