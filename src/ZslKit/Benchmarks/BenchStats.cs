// BenchStats.cs - summary statistics of repeated timings (median, min, max, mean) used by every `zsl bench` target.
namespace ZslKit.Benchmarks;

/// <summary>Median, minimum, maximum and mean of a series of samples (seconds, or any unit).</summary>
public sealed record BenchStats(int Count, double Median, double Min, double Max, double Mean)
{
    /// <summary>Statistics of <paramref name="samples"/>; the median of an even count is the mean of the two middle values.</summary>
    public static BenchStats From(IReadOnlyList<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0) throw new ArgumentException("BenchStats: no samples", nameof(samples));
        var sorted = samples.ToArray();
        Array.Sort(sorted);
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new BenchStats(n, median, sorted[0], sorted[^1], sorted.Average());
    }
}
