// BenchSuiteTests.cs - `zsl bench suite`: every entry runs in order with its report kept, a failing entry is recorded and
// the rest still run, table.md covers the reports, and bad suites are refused before any work. No timing assertions.
using ZslKit.Benchmarks;
using ZslKit.Torch;

namespace ZslKit.Tests.Benchmarks;

[Collection("torch-global-state")]
public sealed class BenchSuiteTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zsl-bench-suite-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] Tiny = ["batch=4", "grid=3", "dim=8", "hidden=8", "modules=3", "labels=12", "word-dim=6"];

    [Fact]
    public void A_failing_entry_is_recorded_and_the_later_ones_still_run_and_keep_their_reports()
    {
        var log = new List<string>();
        var folder = Path.Combine(_dir, "out");
        var result = BenchSuite.Run(
            [new("lesa-step", [.. Tiny, "steps=1"], "step"), new("lesa-infer", ["no-such-setting=1"], "bad"), new("lesa-infer", [.. Tiny, "images=6"], "infer")],
            torch.CPU, new BenchRepetitions(Warmup: 0, Reps: 1), folder, threads: 1, log: log.Add);
        Assert.Equal([Path.Combine(folder, "step.json"), Path.Combine(folder, "infer.json")], result.Reports);
        Assert.Equal("lesa-infer", BenchReport.FromJson(File.ReadAllText(Path.Combine(folder, "infer.json"))).Target);
        var (tag, error) = Assert.Single(result.Failures);
        Assert.Equal("bad", tag);
        Assert.Contains("no-such-setting", error);
        Assert.StartsWith("bad: ", File.ReadAllText(Path.Combine(folder, "failures.txt")));
        var table = File.ReadAllLines(result.Table);
        Assert.Equal(4, table.Length);                                        // header, rule, two rows
        Assert.StartsWith("| lesa-step | train step x1 |", table[2]);
        Assert.StartsWith("| lesa-infer | score 12 labels |", table[3]);
        Assert.Equal(["suite 1/3: lesa-step", "suite 2/3: lesa-infer no-such-setting=1", "suite: bad failed", "suite 3/3: lesa-infer"],
            log.Where(l => l.StartsWith("suite", StringComparison.Ordinal)).Select(l => l.Contains("failed", StringComparison.Ordinal)
                ? l[..l.IndexOf(" failed", StringComparison.Ordinal)] + " failed" : l.Split(" batch=")[0]).ToList());
    }

    [Fact]
    public void A_rerun_into_the_same_folder_without_failures_removes_the_old_failure_list()
    {
        File.WriteAllText(Path.Combine(_dir, "failures.txt"), "old: failed");
        var result = BenchSuite.Run([new("lesa-infer", [.. Tiny, "images=4"], "infer")], torch.CPU, new BenchRepetitions(0, 1), _dir, threads: 1);
        Assert.Empty(result.Failures);
        Assert.False(File.Exists(Path.Combine(_dir, "failures.txt")));
    }

    [Fact]
    public void Bad_suites_are_refused_before_any_work()
    {
        Assert.Contains("unknown benchmark 'nope'", Assert.Throws<ArgumentException>(() => BenchSuite.Parse("lesa-step, nope")).Message);
        Assert.Equal(["lesa-step", "lesa-eval"], BenchSuite.Parse(" lesa-step ,lesa-eval").Select(e => e.Target));
        Assert.Throws<ArgumentException>(() => BenchSuite.Parse(" , "));
        Assert.Equal("--targets: 'lesa-step' is named twice", Assert.Throws<ArgumentException>(() => BenchSuite.Parse("lesa-step,lesa-eval,lesa-step")).Message);
        var twice = Assert.Throws<ArgumentException>(() => BenchSuite.Run([new("lesa-step", [], "a"), new("lesa-infer", [], "a")], torch.CPU,
            new BenchRepetitions(0, 1), Path.Combine(_dir, "never")));
        Assert.Contains("tag 'a' is used twice", twice.Message);
        Assert.False(Directory.Exists(Path.Combine(_dir, "never")));
    }

    [Fact]
    public void The_standard_set_names_known_targets_once_each_and_leaves_out_the_slow_backbone()
    {
        Assert.All(BenchSuite.Standard, e => BenchRegistry.Find(e.Target));
        Assert.Equal(BenchSuite.Standard.Count, BenchSuite.Standard.Select(e => e.Tag).Distinct().Count());
        Assert.Contains(BenchSuite.Standard, e => e.Target == "lesa-step");
        Assert.Contains(BenchSuite.Standard, e => e.Target == "lesa-infer");
        Assert.DoesNotContain(BenchSuite.Standard, e => e.Target == "backbone-forward");
    }
}
