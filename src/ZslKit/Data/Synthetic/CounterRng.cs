// Counter-based random numbers for the synthetic benchmarks: a SplitMix64 stream whose starting state is a hash of
// (seed, stream ids...), so any image, region or label draw can be regenerated alone, in any order, on any thread.
// Only integer arithmetic and IEEE +, *, /, sqrt are used (see DeterministicMath), so every value is bit-identical
// across runs, machines and .NET versions; tests/fixtures/synthetic/gen_rng.py reproduces the streams in Python.
namespace ZslKit.Data.Synthetic;

/// <summary>A SplitMix64 random stream (Steele, Lea &amp; Flood 2014) keyed by a hash of a seed and stream ids.</summary>
public struct CounterRng
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private ulong _state;
    private double _spare;
    private bool _hasSpare;

    /// <summary>A stream starting at the given 64-bit key (use <see cref="Key(ulong, ulong)"/> and overloads to derive keys).</summary>
    public CounterRng(ulong key) { _state = key; _spare = 0; _hasSpare = false; }

    public CounterRng(ulong seed, ulong a) : this(Key(seed, a)) { }
    public CounterRng(ulong seed, ulong a, ulong b) : this(Key(seed, a, b)) { }
    public CounterRng(ulong seed, ulong a, ulong b, ulong c) : this(Key(seed, a, b, c)) { }
    public CounterRng(ulong seed, ulong a, ulong b, ulong c, ulong d) : this(Key(seed, a, b, c, d)) { }

    /// <summary>The SplitMix64 output function (a bijective 64-bit mixer).</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Folds one stream id into a key: Mix(h ^ Mix(x + Golden)).</summary>
    public static ulong Combine(ulong h, ulong x) => Mix(h ^ Mix(x + Golden));

    public static ulong Key(ulong seed, ulong a) => Combine(Mix(seed), a);
    public static ulong Key(ulong seed, ulong a, ulong b) => Combine(Key(seed, a), b);
    public static ulong Key(ulong seed, ulong a, ulong b, ulong c) => Combine(Key(seed, a, b), c);
    public static ulong Key(ulong seed, ulong a, ulong b, ulong c, ulong d) => Combine(Key(seed, a, b, c), d);

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += Golden;
        return Mix(_state);
    }

    /// <summary>Uniform double in [0, 1), a multiple of 2^-53.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n) (multiply-high, bias below 2^-32 for n &lt; 2^32).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "upper bound must be positive");
        return (int)(((NextUInt64() >> 32) * (ulong)n) >> 32);
    }

    /// <summary>Uniform integer in [lo, hi] inclusive.</summary>
    public int NextInt(int lo, int hi) => lo + NextInt(hi - lo + 1);

    /// <summary>True with probability p.</summary>
    public bool NextBool(double p) => NextDouble() < p;

    /// <summary>Standard normal by Box–Muller on two uniforms; the second value of each pair is returned next.</summary>
    public double NextGaussian()
    {
        if (_hasSpare) { _hasSpare = false; return _spare; }
        double u1 = 1.0 - NextDouble(); // (0, 1]
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * DeterministicMath.Log(u1));
        DeterministicMath.SinCosTurns(u2, out double s, out double c);
        _spare = r * s;
        _hasSpare = true;
        return r * c;
    }

    /// <summary>Fills <paramref name="dest"/> with scale · N(0, 1) draws (float32).</summary>
    public void FillGaussian(Span<float> dest, double scale)
    {
        for (int i = 0; i < dest.Length; i++) dest[i] = (float)(scale * NextGaussian());
    }
}
