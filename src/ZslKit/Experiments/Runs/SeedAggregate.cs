// SeedAggregate.cs - runs that differ only in their seed, summarised per metric as mean ± std (sample standard
// deviation, n-1 denominator; 0 for a single seed).
using System.Globalization;
using ZslKit.Experiments.Config;

namespace ZslKit.Experiments.Runs;

/// <summary>One metric over the seeds of one configuration.</summary>
public sealed record MetricSummary(string Metric, double Mean, double Std, int Count)
{
    /// <summary>Mean and sample standard deviation (n−1 denominator; 0 for one value) of one metric's values over seeds.</summary>
    public static MetricSummary Of(string metric, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException($"no values of '{metric}' to summarise", nameof(values));
        double mean = values.Average();
        double std = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1)) : 0;
        return new MetricSummary(metric, mean, std, values.Count);
    }

    public string Format(int decimals = 2) =>
        Count > 1 ? $"{Mean.ToString("F" + decimals, CultureInfo.InvariantCulture)} ± {Std.ToString("F" + decimals, CultureInfo.InvariantCulture)}"
                  : Mean.ToString("F" + decimals, CultureInfo.InvariantCulture);
}

/// <summary>The runs of one configuration (seed aside) and their per-metric summaries.</summary>
/// <param name="GroupKey">The config hash with the seed set to 0.</param>
public sealed record SeedGroup(string GroupKey, ExperimentConfig Config, IReadOnlyList<int> Seeds, IReadOnlyDictionary<string, MetricSummary> Test,
    IReadOnlyDictionary<string, MetricSummary> Validation, bool Synthetic);

public static class SeedAggregate
{
    /// <summary>The key shared by runs that differ only in their seed.</summary>
    public static string GroupKey(ExperimentConfig config) => ConfigJson.Hash(config.Normalized() with { Seed = 0 });

    /// <summary>Groups runs by config (seed aside); diverged runs (no test metrics) count only where they have values.</summary>
    public static IReadOnlyList<SeedGroup> Aggregate(IEnumerable<RunRecord> runs)
    {
        var groups = new List<SeedGroup>();
        foreach (var g in runs.GroupBy(r => GroupKey(r.Config)))
        {
            var list = g.OrderBy(r => r.Config.Seed).ToList();
            groups.Add(new SeedGroup(g.Key, list[0].Config.Normalized() with { Seed = 0 }, list.Select(r => r.Config.Seed).ToList(),
                Summarise(list.Select(r => r.Final.Test)), Summarise(list.Select(r => r.Final.Validation)), list.Any(r => r.Synthetic)));
        }
        return groups;
    }

    /// <summary>Mean and sample standard deviation of each metric over the given metric sets.</summary>
    public static IReadOnlyDictionary<string, MetricSummary> Summarise(IEnumerable<IReadOnlyDictionary<string, double>> sets)
    {
        var values = new SortedDictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var s in sets)
            foreach (var (k, v) in s)
                if (double.IsFinite(v)) (values.TryGetValue(k, out var l) ? l : values[k] = []).Add(v);
        var result = new SortedDictionary<string, MetricSummary>(StringComparer.Ordinal);
        foreach (var (k, l) in values) result[k] = MetricSummary.Of(k, l);
        return result;
    }
}
