// BenchHarness.cs - warm-up + timed repetitions of one benchmark body, optionally alternating with a second runner
// (the PyTorch twin) so that both are measured side by side under the same machine load.
using System.Globalization;

namespace ZslKit.Benchmarks;

/// <summary>One timed repetition: wall and CPU seconds (CPU is null where the runner cannot measure it).</summary>
public sealed record BenchSample(double WallSeconds, double? CpuSeconds);

/// <summary>The samples of one runner with their statistics.</summary>
public sealed record BenchSeries(BenchStats Wall, BenchStats? Cpu, double[] WallSamples)
{
    public static BenchSeries From(IReadOnlyList<BenchSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var wall = samples.Select(s => s.WallSeconds).ToArray();
        var cpu = samples.All(s => s.CpuSeconds is not null) ? BenchStats.From(samples.Select(s => s.CpuSeconds!.Value).ToArray()) : null;
        return new BenchSeries(BenchStats.From(wall), cpu, wall);
    }
}

/// <summary>Repetition counts of a measurement.</summary>
public sealed record BenchRepetitions(int Warmup = 2, int Reps = 5)
{
    public void Validate()
    {
        if (Warmup < 0) throw new ArgumentException($"--warmup must be >= 0, got {Warmup}");
        if (Reps < 1) throw new ArgumentException($"--reps must be >= 1, got {Reps}");
    }
}

/// <summary>Runs a body <c>Warmup</c> times untimed, then <c>Reps</c> times timed.</summary>
public static class BenchHarness
{
    /// <summary>
    /// Times <paramref name="body"/>; <paramref name="sync"/> (e.g. a CUDA synchronize) runs inside the timed region after
    /// the body, once per repetition. When <paramref name="other"/> is given it runs right after each of ours (warm-up
    /// included) and reports its own sample: the two series alternate. <paramref name="setup"/> runs before every body
    /// (warm-up included), outside the timed region (e.g. removing the previous repetition's output).
    /// <paramref name="progress"/> receives a line after a warm-up or repetition once <see cref="ProgressInterval"/> has
    /// passed since the start or the previous line (long benchmarks show where they are; short ones stay quiet).
    /// </summary>
    public static (BenchSeries Ours, BenchSeries? Other) Measure(Action body, BenchRepetitions reps, Action? sync = null,
        Func<BenchSample>? other = null, IBenchClock? clock = null, Action? setup = null, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(reps);
        reps.Validate();
        clock ??= SystemBenchClock.Instance;
        double start = clock.WallSeconds, lastReport = start;
        void Report(string line)
        {
            double now = clock.WallSeconds;
            if (progress is null || now - lastReport < ProgressInterval) return;
            lastReport = now;
            progress(string.Create(CultureInfo.InvariantCulture, $"{line} ({now - start:F0} s elapsed)"));
        }
        for (int i = 0; i < reps.Warmup; i++)
        {
            setup?.Invoke();
            body();
            sync?.Invoke();
            other?.Invoke();
            Report($"warm-up {i + 1}/{reps.Warmup} done");
        }
        var ours = new List<BenchSample>(reps.Reps);
        var theirs = new List<BenchSample>(reps.Reps);
        for (int i = 0; i < reps.Reps; i++)
        {
            setup?.Invoke();
            double w0 = clock.WallSeconds, c0 = clock.CpuSeconds;
            body();
            sync?.Invoke();
            double w1 = clock.WallSeconds, c1 = clock.CpuSeconds;
            ours.Add(new BenchSample(w1 - w0, c1 - c0));
            if (other is not null) theirs.Add(other());
            Report(string.Create(CultureInfo.InvariantCulture,
                $"repetition {i + 1}/{reps.Reps}: {w1 - w0:F3} s{(other is null ? "" : $", other {theirs[^1].WallSeconds:F3} s")}"));
        }
        return (BenchSeries.From(ours), other is null ? null : BenchSeries.From(theirs));
    }

    /// <summary>Seconds between two progress lines of <see cref="Measure"/>.</summary>
    public const double ProgressInterval = 5;
}
