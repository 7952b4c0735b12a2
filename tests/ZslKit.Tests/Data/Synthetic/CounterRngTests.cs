// CounterRng and DeterministicMath against the Python transcription in tests/fixtures/synthetic/gen_rng.py (bit-exact).
using System.Text.Json;
using ZslKit.Data.Synthetic;
using ZslKit.Testing;

namespace ZslKit.Tests.Data.Synthetic;

public class CounterRngTests
{
    private static readonly JsonElement Expected =
        JsonDocument.Parse(File.ReadAllText(RepoPaths.Fixture("synthetic", "rng_expected.json"))).RootElement;

    private static double Bits(JsonElement e) => BitConverter.Int64BitsToDouble(long.Parse(e.GetString()!));

    private static ulong KeyOf(ulong seed, ulong[] parts) => parts.Length switch
    {
        1 => CounterRng.Key(seed, parts[0]),
        2 => CounterRng.Key(seed, parts[0], parts[1]),
        3 => CounterRng.Key(seed, parts[0], parts[1], parts[2]),
        4 => CounterRng.Key(seed, parts[0], parts[1], parts[2], parts[3]),
        _ => throw new ArgumentException("fixture has an unexpected number of key parts"),
    };

    [Fact]
    public void Keys_and_streams_match_the_python_reference_bit_for_bit()
    {
        int cases = 0;
        foreach (var c in Expected.GetProperty("keys").EnumerateArray())
        {
            ulong seed = ulong.Parse(c.GetProperty("seed").GetString()!);
            var parts = c.GetProperty("parts").EnumerateArray().Select(p => p.GetUInt64()).ToArray();
            ulong key = KeyOf(seed, parts);
            Assert.Equal(ulong.Parse(c.GetProperty("key").GetString()!), key);

            var rng = new CounterRng(key);
            Assert.Equal(c.GetProperty("u64").EnumerateArray().Select(e => ulong.Parse(e.GetString()!)), Enumerable.Range(0, 4).Select(_ => rng.NextUInt64()));
            rng = new CounterRng(key);
            Assert.Equal(c.GetProperty("doubles").EnumerateArray().Select(Bits), Enumerable.Range(0, 4).Select(_ => rng.NextDouble()));
            rng = new CounterRng(key);
            Assert.Equal(c.GetProperty("ints").EnumerateArray().Select(e => e.GetInt32()), Enumerable.Range(0, 6).Select(_ => rng.NextInt(1006)));
            rng = new CounterRng(key);
            Assert.Equal(c.GetProperty("gaussians").EnumerateArray().Select(Bits), Enumerable.Range(0, 9).Select(_ => rng.NextGaussian()));
            cases++;
        }
        Assert.Equal(4, cases);
    }

    [Fact]
    public void Log_exp_and_sincos_match_the_python_reference_and_libm()
    {
        foreach (var c in Expected.GetProperty("log").EnumerateArray())
        {
            double x = Bits(c.GetProperty("x"));
            double got = DeterministicMath.Log(x);
            Assert.Equal(Bits(c.GetProperty("det")), got);
            Assert.True(Math.Abs(got - c.GetProperty("libm").GetDouble()) <= 4e-16 * Math.Max(1, Math.Abs(got)), $"log({x}) = {got}");
        }
        foreach (var c in Expected.GetProperty("exp").EnumerateArray())
        {
            double x = Bits(c.GetProperty("x"));
            double got = DeterministicMath.Exp(x);
            Assert.Equal(Bits(c.GetProperty("det")), got);
            Assert.True(Math.Abs(got / c.GetProperty("libm").GetDouble() - 1) <= 4e-16, $"exp({x}) = {got}");
        }
        foreach (var c in Expected.GetProperty("sincos").EnumerateArray())
        {
            DeterministicMath.SinCosTurns(Bits(c.GetProperty("t")), out double s, out double co);
            Assert.Equal(Bits(c.GetProperty("sin")), s);
            Assert.Equal(Bits(c.GetProperty("cos")), co);
            Assert.Equal(c.GetProperty("libm_sin").GetDouble(), s, 1e-15);
            Assert.Equal(c.GetProperty("libm_cos").GetDouble(), co, 1e-15);
        }
    }

    [Fact]
    public void Gaussian_draws_have_zero_mean_and_unit_variance()
    {
        const int n = 200_000;
        var rng = new CounterRng(7, 1, 2);
        double sum = 0, sumSq = 0, sum4 = 0;
        for (int i = 0; i < n; i++) { double z = rng.NextGaussian(); sum += z; sumSq += z * z; sum4 += z * z * z * z; }
        double mean = sum / n, variance = sumSq / n - mean * mean;
        // Standard errors: mean 1/√n = 0.0022, variance √(2/n) = 0.0032, 4th moment √(96/n) = 0.022; bounds are 5 SE.
        Assert.InRange(mean, -0.011, 0.011);
        Assert.InRange(variance, 0.984, 1.016);
        Assert.InRange(sum4 / n, 2.89, 3.11);
    }

    [Fact]
    public void Uniform_integers_cover_their_range_evenly()
    {
        var counts = new int[10];
        var rng = new CounterRng(3, 4);
        for (int i = 0; i < 100_000; i++) counts[rng.NextInt(10)]++;
        // Each count is Binomial(10^5, 0.1): SD 95; bound = 5 SD.
        Assert.All(counts, k => Assert.InRange(k, 10_000 - 475, 10_000 + 475));
        Assert.Throws<ArgumentOutOfRangeException>(() => rng.NextInt(0));
    }

    [Fact]
    public void Different_stream_ids_give_different_streams()
    {
        Assert.NotEqual(new CounterRng(1, 2, 3).NextUInt64(), new CounterRng(1, 2, 4).NextUInt64());
        Assert.NotEqual(new CounterRng(1, 2, 3).NextUInt64(), new CounterRng(1, 3, 2).NextUInt64());
        Assert.NotEqual(new CounterRng(1, 2, 3).NextUInt64(), new CounterRng(2, 2, 3).NextUInt64());
    }

    [Fact]
    public void Log_rejects_non_positive_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DeterministicMath.Log(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeterministicMath.Log(-1));
    }
}
