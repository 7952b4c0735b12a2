// Sweep.cs - grid and list sweeps over config overrides (hyperparameters, number of attention modules, λ values): each
// point runs once, finished runs are reused from their folder (the run id is the config hash), and the result is a
// table with one row per point (axis values, then test and validation metrics) ready for plotting.
using System.Globalization;
using System.Text;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Runs;

namespace ZslKit.Experiments.Sweeps;

/// <summary>One sweep axis: a dotted config path and the values it takes (as override text).</summary>
public sealed record SweepAxis(string Path, IReadOnlyList<string> Values)
{
    public static SweepAxis Of<T>(string path, params T[] values) where T : IFormattable =>
        new(path, values.Select(v => v.ToString(null, CultureInfo.InvariantCulture)).ToList());
}

/// <summary>A point of a sweep: its axis values and the resulting config.</summary>
public sealed record SweepPoint(IReadOnlyDictionary<string, string> Values, ExperimentConfig Config);

/// <summary>One finished point.</summary>
public sealed record SweepRow(IReadOnlyDictionary<string, string> Values, RunRecord Run, bool CacheHit);

/// <summary>The finished sweep: rows in point order.</summary>
public sealed class SweepResult(IReadOnlyList<string> axes, IReadOnlyList<SweepRow> rows)
{
    public IReadOnlyList<string> Axes { get; } = axes;
    public IReadOnlyList<SweepRow> Rows { get; } = rows;
    public int CacheHits => Rows.Count(r => r.CacheHit);

    /// <summary>A test metric per row (NaN where missing), for plotting against an axis.</summary>
    public double[] Test(string metric) => Rows.Select(r => r.Run.Final.Test.TryGetValue(metric, out var v) ? v : double.NaN).ToArray();

    /// <summary>CSV: axis columns, run_id, cached, then test_&lt;metric&gt; and val_&lt;metric&gt; columns (sorted).</summary>
    public string ToCsv()
    {
        var test = Rows.SelectMany(r => r.Run.Final.Test.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var val = Rows.SelectMany(r => r.Run.Final.Validation.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        sb.AppendJoin(',', Axes.Concat(["run_id", "cached"]).Concat(test.Select(t => "test_" + t)).Concat(val.Select(v => "val_" + v))).Append('\n');
        foreach (var r in Rows)
        {
            sb.AppendJoin(',', Axes.Select(a => Quote(r.Values[a])).Concat([r.Run.RunId, r.CacheHit ? "true" : "false"])
                .Concat(test.Select(t => r.Run.Final.Test.TryGetValue(t, out var x) ? x.ToString("R", CultureInfo.InvariantCulture) : ""))
                .Concat(val.Select(v => r.Run.Final.Validation.TryGetValue(v, out var x) ? x.ToString("R", CultureInfo.InvariantCulture) : "")));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}

public static class Sweep
{
    /// <summary>Every combination of the axes' values (the last axis varies fastest).</summary>
    public static IReadOnlyList<SweepPoint> Grid(ExperimentConfig baseConfig, params SweepAxis[] axes)
    {
        ArgumentNullException.ThrowIfNull(axes);
        foreach (var a in axes)
            if (a.Values.Count == 0) throw new ArgumentException($"sweep axis '{a.Path}' has no values", nameof(axes));
        IEnumerable<Dictionary<string, string>> points = [new Dictionary<string, string>(StringComparer.Ordinal)];
        foreach (var axis in axes)
            points = points.SelectMany(p => axis.Values.Select(v => new Dictionary<string, string>(p, StringComparer.Ordinal) { [axis.Path] = v })).ToList();
        return List(baseConfig, points);
    }

    /// <summary>The given points (each a set of path → value overrides).</summary>
    public static IReadOnlyList<SweepPoint> List(ExperimentConfig baseConfig, IEnumerable<IReadOnlyDictionary<string, string>> points) =>
        points.Select(p => new SweepPoint(p, ConfigJson.ApplyOverrides(baseConfig, p.Select(kv => $"{kv.Key}={kv.Value}")).Validate())).ToList();

    /// <summary>
    /// Runs every point with <paramref name="run"/> unless a finished run with the same config hash already exists under
    /// <paramref name="runsRoot"/> (a cache hit: its record is read back, nothing is trained).
    /// </summary>
    public static SweepResult Run(IReadOnlyList<SweepPoint> points, string runsRoot, Func<ExperimentConfig, RunRecord> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var axes = points.SelectMany(p => p.Values.Keys).Distinct().ToList();
        var rows = new List<SweepRow>();
        foreach (var p in points)
        {
            var cached = RunRecord.TryLoad(RunRecord.FolderFor(runsRoot, p.Config));
            rows.Add(cached is not null ? new SweepRow(p.Values, cached, true) : new SweepRow(p.Values, run(p.Config), false));
        }
        return new SweepResult(axes, rows);
    }
}
