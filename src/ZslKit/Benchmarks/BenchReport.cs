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

    /// <summary>Reads a report written by <see cref="ToJson"/>; rejects another schema with a message naming it.</summary>
    public static BenchReport FromJson(string json)
    {
        var report = JsonSerializer.Deserialize<BenchReport>(json, Options) ?? throw new JsonException("bench report: the JSON is null");
        if (report.Schema != CurrentSchema)
            throw new JsonException($"bench report: schema '{report.Schema}' is not '{CurrentSchema}'");
        return report;
    }
}
