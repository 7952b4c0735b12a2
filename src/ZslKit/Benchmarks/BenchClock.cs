// BenchClock.cs - the clocks the benchmark harness reads: wall time (Stopwatch) and this process's CPU time.
using System.Diagnostics;

namespace ZslKit.Benchmarks;

/// <summary>A monotonic wall clock and a process CPU-time clock, both in seconds (a fake one drives the harness tests).</summary>
public interface IBenchClock
{
    double WallSeconds { get; }
    double CpuSeconds { get; }
}

/// <summary>The real clocks: <see cref="Stopwatch"/> and <see cref="Environment.CpuUsage"/> (all threads of this process).</summary>
public sealed class SystemBenchClock : IBenchClock
{
    public static SystemBenchClock Instance { get; } = new();

    public double WallSeconds => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
    public double CpuSeconds => Environment.CpuUsage.TotalTime.TotalSeconds;
}
