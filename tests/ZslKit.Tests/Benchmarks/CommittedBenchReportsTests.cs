// CommittedBenchReportsTests.cs - the benchmark reports under results/bench (docs/benchmarks.md quotes them): every one
// still reads back with today's schema and carries its provenance, each folder's table.md is what `zsl bench table`
// makes of its reports, and the figures the docs quote for the idle CPU are the reports' own.
using ZslKit.Benchmarks;
using ZslKit.Testing;

namespace ZslKit.Tests.Benchmarks;

public sealed class CommittedBenchReportsTests
{
    private static string Folder(string name) => Path.Combine(RepoPaths.Root, "results", "bench", name);

    private static BenchReport Read(string folder, string file) => BenchReport.FromJson(File.ReadAllText(Path.Combine(Folder(folder), file)));

    [Fact]
    public void Every_committed_report_reads_back_with_its_provenance()
    {
        var files = Directory.GetDirectories(Path.Combine(RepoPaths.Root, "results", "bench")).SelectMany(d => Directory.GetFiles(d, "*.json")).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var r = BenchReport.FromJson(File.ReadAllText(file));
            Assert.False(string.IsNullOrWhiteSpace(r.Environment.Commit) || r.Environment.Commit == "unknown", $"{file}: no commit");
            Assert.False(string.IsNullOrWhiteSpace(r.Environment.DeviceName), $"{file}: no device name");
            Assert.True(r.Environment.EngineAbi > 0, $"{file}: no engine ABI");
            Assert.NotEmpty(r.Measurements);
        }
    }

    [Fact]
    public void The_cpu_2026_11_29_table_is_what_bench_table_makes_of_its_reports()
    {
        // the order of the committed table: the three step and inference runs, the single runs, then the overhead runs
        string[] order = ["lesa-step-1", "lesa-step-2", "lesa-step-3", "lesa-infer-1", "lesa-infer-2", "lesa-infer-3", "lesa-eval", "lesa-epoch",
            "feature-store", "notebook-startup", "backbone-forward", "lesa-oi-test-full", "overhead-tiny-infer-1", "overhead-tiny-infer-2",
            "overhead-tiny-step-1", "overhead-tiny-step-2"];
        var reports = order.Select(n => Read("cpu-2026-11-29", n + ".json"));
        Assert.Equal(File.ReadAllText(Path.Combine(Folder("cpu-2026-11-29"), "table.md")).ReplaceLineEndings(), BenchTable.Markdown(reports).ReplaceLineEndings());
    }

    [Fact]
    public void The_idle_cpu_figures_in_the_docs_are_the_reports_own()
    {
        // docs/benchmarks.md: step runs 0.97, 0.89, 0.96 (of eight); inference 0.85, 0.89, 0.82 (of six); last runs 76.7 vs
        // 80.0 ms/step and 406 vs 495 ms; the full-size Open Images pass 280.5 s (scoring 231.3 s, metrics 49.3 s)
        Assert.Equal([0.97, 0.89, 0.96], [.. Enumerable.Range(1, 3).Select(i => Math.Round(Read("cpu-2026-11-29", $"lesa-step-{i}.json").Measurements[0].Ratio!.Value, 2))]);
        Assert.Equal([0.85, 0.89, 0.82], [.. Enumerable.Range(1, 3).Select(i => Math.Round(Read("cpu-2026-11-29", $"lesa-infer-{i}.json").Measurements[0].Ratio!.Value, 2))]);
        var step = Read("cpu-2026-11-29", "lesa-step-3.json").Measurements[0];
        Assert.Equal(76.7, Math.Round(step.Ours.Wall.Median / 5 * 1e3, 1));
        Assert.Equal(80.0, Math.Round(step.PyTorch!.Wall.Median / 5 * 1e3, 1));
        var oi = Read("cpu-2026-11-29", "lesa-oi-test-full.json");
        Assert.Equal(280.5, Math.Round(oi.Measurements[0].Ours.Wall.Median, 1));
        Assert.Equal(231.3, Math.Round(oi.Metrics["scoringSecondsMedian"], 1));
        Assert.Equal(49.3, Math.Round(oi.Metrics["metricsSecondsMedian"], 1));
        Assert.Equal(125_436, oi.Metrics["measuredImages"]);
    }
}
