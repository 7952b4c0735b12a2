// BenchHarnessTests.cs - the harness statistics on a fake clock, settings parsing and the report's JSON round trip.
using System.Text.Json;
using ZslKit.Benchmarks;

namespace ZslKit.Tests.Benchmarks;

public class BenchHarnessTests
{
    /// <summary>A clock that only moves when the benchmark body says so; CPU time moves at half the wall rate.</summary>
    private sealed class FakeClock : IBenchClock
    {
        public double WallSeconds { get; private set; } = 100;
        public double CpuSeconds { get; private set; } = 7;

        public void Advance(double seconds)
        {
            WallSeconds += seconds;
            CpuSeconds += seconds / 2;
        }
    }

    [Fact]
    public void Median_min_max_come_from_the_timed_repetitions_only()
    {
        var clock = new FakeClock();
        double[] durations = [50, 60, 0.3, 0.1, 0.5, 0.2, 0.4];   // the first two are the warm-up
        int call = 0;
        var (ours, other) = BenchHarness.Measure(() => clock.Advance(durations[call++]), new BenchRepetitions(Warmup: 2, Reps: 5), clock: clock);
        Assert.Null(other);
        Assert.Equal(7, call);
        Assert.Equal(5, ours.Wall.Count);
        Assert.Equal(0.3, ours.Wall.Median, 12);
        Assert.Equal(0.1, ours.Wall.Min, 12);
        Assert.Equal(0.5, ours.Wall.Max, 12);
        Assert.Equal(0.3, ours.Wall.Mean, 12);
        Assert.Equal(0.15, ours.Cpu!.Median, 12);
        Assert.Equal([0.3, 0.1, 0.5, 0.2, 0.4], ours.WallSamples.Select(x => Math.Round(x, 9)));
    }

    [Fact]
    public void Progress_lines_come_only_after_the_interval_has_passed_and_say_where_the_run_is()
    {
        var clock = new FakeClock();
        var lines = new List<string>();
        double[] durations = [3, 3, 1, 1, 4, 1];   // warm-ups 3 + 3 s, then repetitions of 1, 1, 4 and 1 s
        int call = 0;
        BenchHarness.Measure(() => clock.Advance(durations[call++]), new BenchRepetitions(Warmup: 2, Reps: 4), clock: clock, progress: lines.Add,
            other: () => new BenchSample(0.5, null));
        // 6 s: warm-up 2 reported; 7, 8 s: quiet; 12 s: repetition 3 (6 s after the last line); 13 s: quiet
        Assert.Equal(["warm-up 2/2 done (6 s elapsed)", "repetition 3/4: 4.000 s, other 0.500 s (12 s elapsed)"], lines);

        lines.Clear();
        call = 0;
        BenchHarness.Measure(() => clock.Advance(0.1), new BenchRepetitions(Warmup: 1, Reps: 5), clock: clock, progress: lines.Add);
        Assert.Empty(lines);                         // a short benchmark prints nothing
    }

    [Fact]
    public void Progress_inside_a_repetition_reports_counts_and_rates_at_most_every_interval_and_always_at_the_end()
    {
        var clock = new FakeClock();
        var lines = new List<string>();
        var progress = new BenchProgress(lines.Add, "scored", 4000, "images", intervalSeconds: 10, clock: clock);
        progress.Start();
        foreach (var done in new long[] { 1000, 2000, 3000, 4000 })
        {
            clock.Advance(6);
            progress.Report(done);
        }
        // 6 s: quiet; 12 s: 2,000 done; 18 s: quiet (6 s after the last line); 24 s: the last item is always reported
        Assert.Equal(["scored 2,000 of 4,000 images (167 images/s, 12 s)", "scored 4,000 of 4,000 images (167 images/s, 24 s)"], lines);
    }

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        var s = BenchStats.From([4.0, 1.0, 3.0, 2.0]);
        Assert.Equal(2.5, s.Median);
        Assert.Equal(1.0, s.Min);
        Assert.Equal(4.0, s.Max);
        Assert.Throws<ArgumentException>(() => BenchStats.From([]));
    }

    [Fact]
    public void The_other_runner_alternates_with_ours_and_is_not_timed_by_our_clock()
    {
        var clock = new FakeClock();
        var order = new List<string>();
        int rep = 0;
        var (ours, other) = BenchHarness.Measure(
            () => { order.Add("ours"); clock.Advance(1); },
            new BenchRepetitions(Warmup: 1, Reps: 3),
            sync: () => { order.Add("sync"); clock.Advance(0.5); },
            other: () => { order.Add("twin"); clock.Advance(1000); return new BenchSample(2 + rep++, null); },
            clock: clock);
        Assert.Equal(["ours", "sync", "twin", "ours", "sync", "twin", "ours", "sync", "twin", "ours", "sync", "twin"], order);
        Assert.Equal(1.5, ours.Wall.Median, 12);          // the sync is inside the timed region, the twin is not
        Assert.Equal(1.5, ours.Wall.Max, 12);
        Assert.NotNull(other);
        Assert.Equal([3.0, 4.0, 5.0], other!.WallSamples);   // the warm-up sample (2) is dropped
        Assert.Null(other.Cpu);
        var m = new BenchMeasurement("step", 32, "images", ours, other);
        Assert.Equal(1.5 / 4.0, m.Ratio!.Value, 12);
        Assert.Equal(32 / 1.5, m.Throughput, 12);
        Assert.Null(m.CpuRatio);                          // the twin reported no CPU time
        var withCpu = new BenchMeasurement("step", 32, "images", ours, BenchSeries.From([new BenchSample(4, 3.0), new BenchSample(5, 3.0)]));
        Assert.Equal(0.75 / 3.0, withCpu.CpuRatio!.Value, 12);   // our CPU time is half the wall time on the fake clock
    }

    [Fact]
    public void Setup_runs_before_every_body_outside_the_timed_region()
    {
        var clock = new FakeClock();
        var order = new List<string>();
        var (ours, _) = BenchHarness.Measure(() => { order.Add("body"); clock.Advance(1); }, new BenchRepetitions(Warmup: 1, Reps: 2),
            clock: clock, setup: () => { order.Add("setup"); clock.Advance(100); });
        Assert.Equal(["setup", "body", "setup", "body", "setup", "body"], order);
        Assert.Equal([1.0, 1.0], ours.WallSamples);
    }

    [Fact]
    public void Bad_repetition_counts_are_rejected_before_running()
    {
        int calls = 0;
        Assert.Equal("--reps must be >= 1, got 0", Assert.Throws<ArgumentException>(() => BenchHarness.Measure(() => calls++, new BenchRepetitions(0, 0))).Message);
        Assert.Equal("--warmup must be >= 0, got -1", Assert.Throws<ArgumentException>(() => BenchHarness.Measure(() => calls++, new BenchRepetitions(-1, 3))).Message);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void Settings_apply_overrides_and_name_the_bad_key_or_value()
    {
        var defaults = new Dictionary<string, string> { ["batch"] = "32", ["rate"] = "0.01", ["conv"] = "false" };
        var s = new BenchSettings("lesa-step", defaults, ["batch=64", "rate = 0.5"]);
        Assert.Equal(64, s.Int("batch"));
        Assert.Equal(0.5, s.Double("rate"));
        Assert.False(s.Bool("conv"));
        Assert.Equal(125_436, new BenchSettings("t", defaults, ["batch=125_436"]).Int("batch"));
        var unknown = Assert.Throws<ArgumentException>(() => new BenchSettings("lesa-step", defaults, ["bach=3"]));
        Assert.Contains("unknown setting 'bach'", unknown.Message);
        Assert.Contains("batch", unknown.Message);
        Assert.Contains("key=value", Assert.Throws<ArgumentException>(() => new BenchSettings("t", defaults, ["batch"])).Message);
        var bad = Assert.Throws<ArgumentException>(() => new BenchSettings("t", defaults, ["batch=-2"]).Int("batch"));
        Assert.Contains("'batch' must be a positive integer, got '-2'", bad.Message);
    }

    [Fact]
    public void A_report_survives_a_json_round_trip()
    {
        var ours = BenchSeries.From([new BenchSample(0.5, 0.9), new BenchSample(0.4, 0.8), new BenchSample(0.6, 1.0)]);
        var twin = BenchSeries.From([new BenchSample(0.8, 1.5), new BenchSample(0.7, null)]);
        var env = new BenchEnvironment("2026-11-28T08:00:00Z", "abc1234", "cpu", "cpu: test (2 logical)", 7, "1.13.1", null, "10.0.12", "Linux", 2, 2, [1.5, 2, 3.25]);
        var report = new BenchReport(BenchReport.CurrentSchema, "lesa-step", env, new BenchRepetitions(1, 3),
            new SortedDictionary<string, string> { ["batch"] = "32" }, [new BenchMeasurement("train step", 32, "images", ours, twin)],
            new Dictionary<string, double> { ["msPerStep"] = 500 }, new TwinInfo("/usr/bin/python3", "bench/lesa_twin.py", "1.13.0", "cpu", null), ["a note"]);
        var json = report.ToJson();
        var back = BenchReport.FromJson(json);
        Assert.Equal(json, back.ToJson());
        Assert.Equal(0.5, back.Measurements[0].Ours.Wall.Median);
        Assert.Equal(0.5 / 0.75, back.Measurements[0].Ratio!.Value, 12);
        Assert.Null(back.Measurements[0].PyTorch!.Cpu);
        Assert.Equal([1.5, 2, 3.25], back.Environment.LoadAverage!);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("zslkit-bench/1", doc.RootElement.GetProperty("schema").GetString());
        Assert.Equal(0.5 / 0.75, doc.RootElement.GetProperty("measurements")[0].GetProperty("ratio").GetDouble(), 12);
        Assert.Contains("schema 'other/2'", Assert.Throws<JsonException>(() => BenchReport.FromJson(json.Replace("zslkit-bench/1", "other/2"))).Message);
    }
}
