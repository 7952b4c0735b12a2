// BenchReport.cs - the result of one `zsl bench` run and its JSON form (schema "zslkit-bench/1", docs/benchmarks.md).
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZslKit.Benchmarks;

/// <summary>
/// One measured quantity: our series, optionally the PyTorch twin's series from the same run, and derived figures.
/// <paramref name="ItemsPerRep"/> items (images, batches, ...) are processed per repetition, so throughput = items / median wall.
/// </summary>
public sealed record BenchMeasurement(string Name, double ItemsPerRep, string ItemUnit, BenchSeries Ours, BenchSeries? PyTorch)
{
    /// <summary>Our median wall time over the twin's (below 1: we are faster); null without a twin.</summary>
    public double? Ratio => PyTorch is null ? null : Ours.Wall.Median / PyTorch.Wall.Median;

    /// <summary>Our median process CPU time over the twin's (less sensitive to other load than wall time); null without both.</summary>
    public double? CpuRatio => Ours.Cpu is { } o && PyTorch?.Cpu is { } p && p.Median > 0 ? o.Median / p.Median : null;

    /// <summary>Items per second at our median wall time.</summary>
    public double Throughput => ItemsPerRep / Ours.Wall.Median;

    /// <summary>Items per second at the twin's median wall time; null without a twin.</summary>
    public double? PyTorchThroughput => PyTorch is null ? null : ItemsPerRep / PyTorch.Wall.Median;
}

/// <summary>Where and with what a benchmark ran.</summary>
/// <param name="LoadAverage">1/5/15-minute load averages at the start (/proc/loadavg; null elsewhere).</param>
/// <param name="MallocMmapThreshold">The glibc mmap threshold the shim fixed at load (<see cref="ZslKit.Torch.torch.NativeMallocTuning"/>),
/// null when malloc was left alone.</param>
public sealed record BenchEnvironment(string Date, string Commit, string Device, string DeviceName, int EngineAbi, string LibTorch,
    string? Cuda, string DotNet, string Os, int Processors, int TorchThreads, double[]? LoadAverage, long? MallocMmapThreshold = null);

/// <summary>The PyTorch twin's identity, as it reported itself.</summary>
/// <param name="Amp">The twin's autocast setting ("off" or "bf16"; null from a twin that does not report it).</param>
/// <param name="Fold">lesa-infer: "on" when the twin folds the constant channels into biases, "off" for the official
/// concatenations; null from a twin that does not report it.</param>
/// <param name="Tf32">"on" when the twin's float32 matmuls use TF32 (torch.set_float32_matmul_precision("high")), "off"
/// otherwise; null from a twin that does not report it.</param>
/// <param name="Graph">"on" when the twin timed PyTorch's own CUDA graph replays (setting twin-graph=on), "off" for PyTorch
/// eager; null from a twin that does not report it.</param>
public sealed record TwinInfo(string Python, string Script, string Torch, string Device, string? DeviceName, string? Amp = null, string? Fold = null,
    string? Tf32 = null, string? Graph = null);

/// <summary>Everything one `zsl bench TARGET` invocation measured.</summary>
public sealed record BenchReport(string Schema, string Target, BenchEnvironment Environment, BenchRepetitions Repetitions,
    IReadOnlyDictionary<string, string> Settings, IReadOnlyList<BenchMeasurement> Measurements,
    IReadOnlyDictionary<string, double> Metrics, TwinInfo? Twin, IReadOnlyList<string> Notes)
{
    public const string CurrentSchema = "zslkit-bench/1";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Reads a report written by <see cref="ToJson"/>; rejects another schema with a message naming it, and a
    /// required field that is missing or null with a message naming the field ("'measurements[0].ours' is missing").</summary>
    public static BenchReport FromJson(string json)
    {
        var report = JsonSerializer.Deserialize<BenchReport>(json, Options) ?? throw new JsonException("bench report: the JSON is null");
        if (report.Schema != CurrentSchema)
            throw new JsonException($"bench report: schema '{report.Schema}' is not '{CurrentSchema}'");
        if (Required(report).FirstOrDefault(f => f.Value is null).Field is { } missing)
            throw new JsonException($"'{missing}' is missing");
        return report;
    }

    /// <summary>The fields a report cannot do without, by their JSON names, with their values (null: missing). A field's
    /// parts are listed only when it is there.</summary>
    private static IEnumerable<(string Field, object? Value)> Required(BenchReport r)
    {
        yield return ("target", r.Target);
        yield return ("environment", r.Environment);
        if (r.Environment is { } e)
        {
            yield return ("environment.date", e.Date);
            yield return ("environment.commit", e.Commit);
            yield return ("environment.device", e.Device);
            yield return ("environment.deviceName", e.DeviceName);
            yield return ("environment.libTorch", e.LibTorch);
            yield return ("environment.dotNet", e.DotNet);
            yield return ("environment.os", e.Os);
        }
        yield return ("repetitions", r.Repetitions);
        yield return ("settings", r.Settings);
        yield return ("measurements", r.Measurements);
        for (int i = 0; i < (r.Measurements?.Count ?? 0); i++)
        {
            var m = r.Measurements![i];
            var at = $"measurements[{i}]";
            yield return (at, m);
            if (m is null) continue;
            yield return (at + ".name", m.Name);
            yield return (at + ".itemUnit", m.ItemUnit);
            foreach (var (side, series) in new[] { ("ours", m.Ours), ("pyTorch", m.PyTorch) })
            {
                if (side == "ours") yield return (at + ".ours", series);
                if (series is null) continue;
                yield return ($"{at}.{side}.wall", series.Wall);
                yield return ($"{at}.{side}.wallSamples", series.WallSamples);
            }
        }
        yield return ("metrics", r.Metrics);
        yield return ("notes", r.Notes);
        if (r.Twin is { } t)
        {
            yield return ("twin.python", t.Python);
            yield return ("twin.script", t.Script);
            yield return ("twin.torch", t.Torch);
            yield return ("twin.device", t.Device);
        }
    }
}
