// BenchSuite.cs - `zsl bench suite`: the standard benchmark set in one go, each run's JSON report kept in one folder
// with a Markdown table of them all (BenchTable), so a machine's figures for docs/benchmarks.md come from one command.
// A run that fails is logged and recorded in failures.txt; the other runs still happen and keep their reports.
using System.Globalization;
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

/// <summary>One run of a suite: a target with its settings; <paramref name="Tag"/> names its report file.</summary>
public sealed record BenchSuiteEntry(string Target, IReadOnlyList<string> Overrides, string Tag);

/// <summary>What a suite wrote: the report files in run order, and the runs that failed with their messages.</summary>
public sealed record BenchSuiteResult(string Folder, IReadOnlyList<string> Reports, IReadOnlyList<(string Tag, string Error)> Failures, string Table);

/// <summary>Runs several benchmarks and keeps their reports together.</summary>
public static class BenchSuite
{
    /// <summary>The standard set at default shapes: the LESA training step and inference over 7,586 labels (beside the twin
    /// when one is given), a full evaluation pass, an Open Images-shaped test pass, a training epoch from a feature store,
    /// store streaming and the notebook runner's cold start. VGG-19 (`backbone-forward`, minutes on a CPU) is left out.</summary>
    public static IReadOnlyList<BenchSuiteEntry> Standard { get; } =
    [
        new("lesa-step", [], "lesa-step"),
        new("lesa-infer", [], "lesa-infer"),
        new("lesa-eval", [], "lesa-eval"),
        new("lesa-oi-test", [], "lesa-oi-test"),
        new("lesa-epoch", [], "lesa-epoch"),
        new("feature-store", [], "feature-store"),
        new("notebook-startup", [], "notebook-startup"),
    ];

    /// <summary>The entries of the comma-separated target names (each at its defaults); an unknown name, or one named twice
    /// (its report would overwrite the first), fails naming it.</summary>
    public static IReadOnlyList<BenchSuiteEntry> Parse(string targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var names = targets.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) throw new ArgumentException("--targets: no target named");
        var twice = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw new ArgumentException($"--targets: '{twice.Key}' is named twice");
        return names.Select(n => new BenchSuiteEntry(BenchRegistry.Find(n).Name, [], n)).ToList();
    }

    /// <summary>The default output folder: artifacts/bench/&lt;UTC date and time&gt; under <paramref name="root"/>.</summary>
    public static string DefaultFolder(string root) =>
        Path.Combine(root, "artifacts", "bench", DateTime.UtcNow.ToString("yyyy-MM-dd-HHmm", CultureInfo.InvariantCulture));

    /// <summary>Runs every entry in order (the twin, when given, beside the targets that have one), writes
    /// &lt;folder&gt;/&lt;tag&gt;.json per report, table.md over them and, when some failed, failures.txt.</summary>
    public static BenchSuiteResult Run(IReadOnlyList<BenchSuiteEntry> entries, torch.Device device, BenchRepetitions repetitions, string folder,
        int? threads = null, TwinLauncher? twin = null, IReadOnlyList<string>? self = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(folder);
        if (entries.Count == 0) throw new ArgumentException("no entries", nameof(entries));
        var duplicate = entries.GroupBy(e => e.Tag, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"tag '{duplicate.Key}' is used twice", nameof(entries));
        log ??= _ => { };
        Directory.CreateDirectory(folder);
        var reports = new List<(string Path, BenchReport Report)>();
        var failures = new List<(string, string)>();
        for (int i = 0; i < entries.Count; i++)
        {
            var e = entries[i];
            var target = BenchRegistry.Find(e.Target);
            log($"suite {i + 1}/{entries.Count}: {e.Target}{(e.Overrides.Count > 0 ? " " + string.Join(" ", e.Overrides) : "")}{(twin is not null && target.HasTwin ? " (with the twin)" : "")}");
            try
            {
                var report = BenchRegistry.Run(new BenchRunOptions(e.Target, device, repetitions, threads, e.Overrides,
                    target.HasTwin ? twin : null, self), log);
                var path = Path.Combine(folder, e.Tag + ".json");
                File.WriteAllText(path, report.ToJson());
                reports.Add((path, report));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or TimeoutException or IOException or TorchException)
            {
                var message = ex.Message.ReplaceLineEndings(" ");
                log($"suite: {e.Tag} failed: {message}");
                failures.Add((e.Tag, message));
            }
        }
        var table = Path.Combine(folder, "table.md");
        File.WriteAllText(table, reports.Count > 0 ? BenchTable.Markdown(reports.Select(r => r.Report)) : "");
        var failed = Path.Combine(folder, "failures.txt");
        if (failures.Count > 0) File.WriteAllLines(failed, failures.Select(f => $"{f.Item1}: {f.Item2}"));
        else if (File.Exists(failed)) File.Delete(failed);
        return new BenchSuiteResult(folder, reports.Select(r => r.Path).ToList(), failures, table);
    }
}
