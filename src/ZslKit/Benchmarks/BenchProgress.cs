// BenchProgress.cs - progress inside one long repetition (e.g. the 125,436-image Open Images pass): a count of items done
// becomes a log line at most every few seconds, with the rate so far.
using System.Globalization;

namespace ZslKit.Benchmarks;

/// <summary>Reports "<c>what</c> X of N <c>unit</c> (r <c>unit</c>/s)" to <paramref name="log"/> when at least
/// <paramref name="intervalSeconds"/> have passed since the start or the previous line, and always at the last item.
/// Synchronous (the report runs on the caller's thread), unlike <see cref="Progress{T}"/>.</summary>
public sealed class BenchProgress(Action<string> log, string what, long total, string unit, double intervalSeconds = 10, IBenchClock? clock = null)
    : IProgress<long>
{
    private readonly IBenchClock _clock = clock ?? SystemBenchClock.Instance;
    private double _start = double.NaN, _last;

    /// <summary>Starts the clock (else the first report does).</summary>
    public void Start() => _start = _last = _clock.WallSeconds;

    public void Report(long done)
    {
        if (double.IsNaN(_start)) Start();
        double now = _clock.WallSeconds;
        if (done < total && now - _last < intervalSeconds) return;
        _last = now;
        double rate = now > _start ? done / (now - _start) : 0;
        log(string.Create(CultureInfo.InvariantCulture, $"{what} {done:N0} of {total:N0} {unit} ({rate:F0} {unit}/s, {now - _start:F0} s)"));
    }
}
