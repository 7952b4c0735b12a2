// BenchTable.cs - `zsl bench table FILE...`: saved `zsl bench --json` reports as one Markdown table for
// docs/benchmarks.md. Each measurement becomes one row with its provenance: date, commit, device, engine and libtorch,
// load, and the settings that differ from the target's defaults. The table holds ours and the twin's medians (min–max),
// the ratios, the throughput, and the matmul rate with its share of peak where the report has them.
using System.Globalization;
using System.Text;
using System.Text.Json;
using ZslKit.Torch.Serialization;

namespace ZslKit.Benchmarks;

/// <summary>How `zsl bench` writes times and rates, on the console and in Markdown tables.</summary>
public static class BenchFormat
{
    /// <summary>Seconds in a readable unit: ms below 1 s.</summary>
    public static string Time(double seconds) =>
        seconds < 1 ? (seconds * 1e3).ToString("F1", CultureInfo.InvariantCulture) + " ms" : seconds.ToString("F3", CultureInfo.InvariantCulture) + " s";

    /// <summary>Three significant digits below 100, whole numbers with thousands separators above (0.0364, 54.7, 1,230).</summary>
    public static string Rate(double v) => v >= 100 ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString("G3", CultureInfo.InvariantCulture);
}

/// <summary>Reads bench reports and formats them as one Markdown table.</summary>
public static class BenchTable
{
    /// <summary>Reads each file as a zslkit-bench/1 report. A missing or unreadable file, a folder, or a file that is not a
    /// complete report fails with an ArgumentException that names it.</summary>
    public static IReadOnlyList<(string Path, BenchReport Report)> Load(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var reports = new List<(string, BenchReport)>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path)) throw new ArgumentException($"{path}: is a folder, not a report file");
            if (!File.Exists(path)) throw new ArgumentException($"{path}: no such file");
            try
            {
                reports.Add((path, BenchReport.FromJson(File.ReadAllText(path))));
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"{path}: not a {BenchReport.CurrentSchema} report ({JsonErrorText.Describe(e)})", e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"{path}: cannot be read ({e.Message})", e);
            }
        }
        if (reports.Count == 0) throw new ArgumentException("no report files given (zsl bench table FILE.json ...)");
        return reports;
    }

    /// <summary>The settings of <paramref name="report"/> that differ from its target's defaults ("defaults" when none; every
    /// setting for a target this build does not know).</summary>
    public static string NonDefaultSettings(BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var defaults = BenchRegistry.Targets.FirstOrDefault(t => t.Name == report.Target)?.Defaults;
        var changed = report.Settings
            .Where(kv => defaults is null || !defaults.TryGetValue(kv.Key, out var d) || !string.Equals(d, kv.Value, StringComparison.OrdinalIgnoreCase))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={kv.Value}").ToList();
        return changed.Count == 0 ? "defaults" : string.Join(" ", changed);
    }

    /// <summary>One Markdown table: a row per measurement of every report, in the order given.</summary>
    public static string Markdown(IEnumerable<BenchReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var sb = new StringBuilder();
        sb.AppendLine("| target | measurement | settings | date (UTC) | commit | device | engine ABI, libtorch | load (1 min) | reps | ours median (min–max) | PyTorch median (min–max) | ratio (wall, CPU time) | ours throughput | matmul TFLOP/s, ours (share of peak) |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in reports)
        {
            var e = r.Environment;
            foreach (var m in r.Measurements)
            {
                string twin = m.PyTorch is { } p ? Series(p) : "—";
                string ratio = m.Ratio is { } q ? $"{F(q, "F2")}x, {(m.CpuRatio is { } c ? F(c, "F2") + "x" : "—")}" : "—";
                bool first = ReferenceEquals(m, r.Measurements[0]);   // a report's rates belong to its first measurement
                sb.AppendLine(string.Join(" | ",
                    "| " + Cell(r.Target), Cell(m.Name), Cell(NonDefaultSettings(r)), e.Date.Replace('T', ' ').TrimEnd('Z'), Cell(e.Commit),
                    Cell(e.DeviceName), $"{e.EngineAbi}, {Cell(e.LibTorch)}", e.LoadAverage is { Length: > 0 } l ? F(l[0], "F1") : "—",
                    $"{r.Repetitions.Reps} (+{r.Repetitions.Warmup})", Series(m.Ours), twin, ratio, $"{Rate(m.Throughput)} {Cell(m.ItemUnit)}/s",
                    first ? MatmulRate(r.Metrics) : "—") + " |");
            }
        }
        return sb.ToString();
    }

    private static string MatmulRate(IReadOnlyDictionary<string, double> metrics)
    {
        if (!metrics.TryGetValue("tflops", out var t)) return "—";
        return metrics.TryGetValue("percentPeakFlops", out var p) ? $"{Rate(t)} ({F(p, "F1")} %)" : Rate(t);
    }

    private static string Series(BenchSeries s) => $"{BenchFormat.Time(s.Wall.Median)} ({BenchFormat.Time(s.Wall.Min)}–{BenchFormat.Time(s.Wall.Max)})";

    private static string Rate(double v) => BenchFormat.Rate(v);

    private static string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Text safe inside a Markdown table cell (pipes escaped, line breaks flattened).</summary>
    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
