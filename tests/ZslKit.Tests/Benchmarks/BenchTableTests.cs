// BenchTableTests.cs - `zsl bench table`: saved reports become Markdown rows with their provenance, ratios and rates;
// settings are shown only where they differ from the target's defaults; unreadable files are refused by name.
using ZslKit.Benchmarks;

namespace ZslKit.Tests.Benchmarks;

public sealed class BenchTableTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zsl-bench-table-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static BenchSeries Series(params double[] seconds) => BenchSeries.From(seconds.Select(s => new BenchSample(s, s)).ToList());

    private static BenchReport Report(string target, IReadOnlyDictionary<string, string> settings, BenchMeasurement[] measurements,
        Dictionary<string, double>? metrics = null, string device = "NVIDIA H200") =>
        new(BenchReport.CurrentSchema, target,
            new BenchEnvironment("2026-11-29T06:34:43Z", "abc1234", "cuda:0", device, 11, "2.11.0", "13.0", "10.0.12", "Linux", 16, 1, [1.25, 1.0, 0.5]),
            new BenchRepetitions(Warmup: 2, Reps: 3), settings, measurements, metrics ?? [], Twin: null, Notes: []);

    private static Dictionary<string, string> Defaults(string target, params (string Key, string Value)[] changed)
    {
        var d = new Dictionary<string, string>(BenchRegistry.Find(target).Defaults);
        foreach (var (k, v) in changed) d[k] = v;
        return d;
    }

    [Fact]
    public void A_row_carries_provenance_medians_ratios_and_the_share_of_peak()
    {
        var step = new BenchMeasurement("train step x5", 160, "images", Series(0.004, 0.003, 0.005), Series(0.02, 0.018, 0.03));
        var report = Report("lesa-step", Defaults("lesa-step", ("graph", "on")), [step],
            new() { ["tflops"] = 11.58, ["percentPeakFlops"] = 17.28 });
        var lines = BenchTable.Markdown([report]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);                                             // header, rule, one row
        var cells = lines[2].Trim('|', ' ').Split(" | ");
        Assert.Equal(["lesa-step", "train step x5", "graph=on", "2026-11-29 06:34:43", "abc1234", "NVIDIA H200", "11, 2.11.0", "1.2", "3 (+2)",
            "4.0 ms (3.0 ms–5.0 ms)", "20.0 ms (18.0 ms–30.0 ms)", "0.20x, 0.20x", "40,000 images/s", "11.6 (17.3 %)"], cells);
    }

    [Fact]
    public void Default_settings_read_defaults_and_reports_without_twin_or_rates_show_dashes()
    {
        var eval = new BenchMeasurement("eval pass", 1024, "images", Series(1.5, 1.0, 2.0), PyTorch: null);
        var second = new BenchMeasurement("metrics", 1, "passes", Series(0.5), PyTorch: null);
        var row = BenchTable.Markdown([Report("lesa-eval", Defaults("lesa-eval"), [eval, second])]).Split('\n')[2];
        Assert.Contains("| lesa-eval | eval pass | defaults |", row);
        Assert.Contains("| 1.500 s (1.000 s–2.000 s) | — | — | 683 images/s | — |", row);
    }

    [Fact]
    public void Settings_of_a_target_this_build_does_not_know_are_all_shown()
    {
        var r = Report("old-target", new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }, []);
        Assert.Equal("a=1 b=2", BenchTable.NonDefaultSettings(r));
    }

    [Fact]
    public void Reports_round_trip_through_their_json_files_and_a_bad_file_is_named()
    {
        var m = new BenchMeasurement("score 7586 labels", 256, "images", Series(0.4), Series(0.5));
        var path = Path.Combine(_dir, "infer.json");
        File.WriteAllText(path, Report("lesa-infer", Defaults("lesa-infer"), [m]).ToJson());
        var loaded = BenchTable.Load([path]);
        Assert.Equal("lesa-infer", loaded.Single().Report.Target);
        Assert.Contains("| 0.80x, 0.80x |", BenchTable.Markdown(loaded.Select(l => l.Report)));

        var bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, "{\"schema\": \"other/2\"}");
        Assert.StartsWith($"{bad}: not a zslkit-bench/1 report", Assert.Throws<ArgumentException>(() => BenchTable.Load([path, bad])).Message);
        Assert.Equal($"{Path.Combine(_dir, "missing.json")}: no such file",
            Assert.Throws<ArgumentException>(() => BenchTable.Load([Path.Combine(_dir, "missing.json")])).Message);
        Assert.Throws<ArgumentException>(() => BenchTable.Load([]));
    }
}
