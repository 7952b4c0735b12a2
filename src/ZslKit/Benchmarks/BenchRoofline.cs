// BenchRoofline.cs - a benchmark's work per repetition (BenchCost) against a device's published peaks (DevicePeak): the
// achieved TFLOP/s and GB/s, ours and the twin's, and their share of the peak, added to the report's metrics by
// BenchRegistry.Run once the device's name is known. Peaks are the vendor's datasheet figures, dense (no 2:4 sparsity).
using System.Globalization;

namespace ZslKit.Benchmarks;

/// <summary>The arithmetic precision a benchmark's matrix products ran in: it picks the peak they are compared with.</summary>
public enum MatmulPrecision
{
    /// <summary>float32 on the CUDA cores (TF32 off: PyTorch's and libtorch's default).</summary>
    Float32,
    /// <summary>float32 tensors on TF32 tensor cores (torch.set_float32_matmul_precision("high")).</summary>
    Tf32,
    /// <summary>bfloat16 autocast: the products on bf16 tensor cores.</summary>
    Bf16,
}

/// <summary>The work of one timed repetition of a target's first measurement.</summary>
/// <param name="Flops">Matmul FLOPs per repetition (what is counted is said in <paramref name="What"/>).</param>
/// <param name="CompulsoryBytes">Lower bound of the memory traffic per repetition; null when not modelled.</param>
/// <param name="KernelBytes">Per-kernel (no cache reuse) estimate of the traffic per repetition; null when not modelled.</param>
public sealed record BenchCost(double Flops, MatmulPrecision Precision, string What, double? CompulsoryBytes = null, double? KernelBytes = null);

/// <summary>A device's published peak rates (dense).</summary>
public sealed record DevicePeak(string Name, double Float32Tflops, double Tf32Tflops, double Bf16Tflops, double MemoryTBps, string Source)
{
    public double Tflops(MatmulPrecision p) => p switch
    {
        MatmulPrecision.Float32 => Float32Tflops,
        MatmulPrecision.Tf32 => Tf32Tflops,
        MatmulPrecision.Bf16 => Bf16Tflops,
        _ => throw new ArgumentOutOfRangeException(nameof(p), p, null),
    };

    /// <summary>Datasheet peaks of the GPUs this kit is run on, most specific name first. Tensor-core figures are the
    /// datasheets' "with sparsity" values halved.</summary>
    public static IReadOnlyList<(string Match, DevicePeak Peak)> Known { get; } =
    [
        ("H200 NVL", new("NVIDIA H200 NVL", 60, 417.5, 835.5, 4.8, "NVIDIA H200 datasheet (NVL)")),
        ("H200", new("NVIDIA H200 SXM", 67, 494.5, 989.5, 4.8, "NVIDIA H200 datasheet (SXM)")),
        ("H100 NVL", new("NVIDIA H100 NVL", 60, 417.5, 835.5, 3.9, "NVIDIA H100 datasheet (NVL)")),
        ("H100 PCIe", new("NVIDIA H100 PCIe", 51, 378, 756.5, 2.0, "NVIDIA H100 datasheet (PCIe)")),
        ("H100", new("NVIDIA H100 SXM", 67, 494.5, 989.5, 3.35, "NVIDIA H100 datasheet (SXM)")),
    ];

    /// <summary>The peaks of the device named <paramref name="deviceName"/> (e.g. "NVIDIA H200", "NVIDIA H100 80GB HBM3"),
    /// or null for a device without an entry (every CPU).</summary>
    public static DevicePeak? Find(string? deviceName)
    {
        if (string.IsNullOrWhiteSpace(deviceName)) return null;
        foreach (var (match, peak) in Known)
            if (deviceName.Contains(match, StringComparison.OrdinalIgnoreCase)) return peak;
        return null;
    }
}

/// <summary>Turns a <see cref="BenchCost"/> and a measurement into achieved rates and shares of a <see cref="DevicePeak"/>.</summary>
public static class BenchRoofline
{
    /// <summary>Metrics: gflopPerRep, tflops (ours), twinTflops; with a peak, percentPeakFlops and twinPercentPeakFlops;
    /// with traffic models, gbPerSecondCompulsory/Kernels (ours) and, with a peak, their percentPeakBandwidth*.
    /// Notes: what was counted and which peak was used.</summary>
    public static (Dictionary<string, double> Metrics, List<string> Notes) Of(BenchCost cost, BenchMeasurement measurement, DevicePeak? peak)
    {
        ArgumentNullException.ThrowIfNull(cost);
        ArgumentNullException.ThrowIfNull(measurement);
        var metrics = new Dictionary<string, double>();
        var notes = new List<string>();
        double ours = measurement.Ours.Wall.Median;
        double? twin = measurement.PyTorch?.Wall.Median;
        metrics["gflopPerRep"] = cost.Flops / 1e9;
        metrics["tflops"] = cost.Flops / ours / 1e12;
        if (twin is { } t) metrics["twinTflops"] = cost.Flops / t / 1e12;
        if (peak is not null)
        {
            double p = peak.Tflops(cost.Precision);
            metrics["percentPeakFlops"] = 100 * metrics["tflops"] / p;
            if (twin is not null) metrics["twinPercentPeakFlops"] = 100 * metrics["twinTflops"] / p;
        }
        Traffic(metrics, "Compulsory", cost.CompulsoryBytes, ours, peak);
        Traffic(metrics, "Kernels", cost.KernelBytes, ours, peak);
        var ci = CultureInfo.InvariantCulture;
        notes.Add($"FLOPs: {cost.What}; median wall time, ours{(twin is null ? "" : " and the twin's")}");
        if (cost.CompulsoryBytes is not null || cost.KernelBytes is not null)
            notes.Add("memory traffic: two models (float32 bytes): Compulsory = inputs, weights and outputs once (a lower bound); " +
                      "Kernels = every eager kernel reads its inputs and writes its output in full (no cache reuse; an upper estimate)");
        notes.Add(peak is null
            ? "no peak-rate entry for this device: no percentage of peak (DevicePeak.Known lists the GPUs that have one)"
            : string.Create(ci, $"peak: {peak.Name} {peak.Tflops(cost.Precision):0.#} TFLOP/s {Describe(cost.Precision)}, {peak.MemoryTBps:0.##} TB/s memory ({peak.Source}; dense)"));
        return (metrics, notes);
    }

    private static void Traffic(Dictionary<string, double> metrics, string model, double? bytes, double seconds, DevicePeak? peak)
    {
        if (bytes is not { } b) return;
        double gbps = b / seconds / 1e9;
        metrics["gbPerSecond" + model] = gbps;
        if (peak is not null) metrics["percentPeakBandwidth" + model] = 100 * gbps / (peak.MemoryTBps * 1e3);
    }

    private static string Describe(MatmulPrecision p) => p switch
    {
        MatmulPrecision.Float32 => "float32 (CUDA cores)",
        MatmulPrecision.Tf32 => "TF32 tensor cores",
        _ => "bf16 tensor cores",
    };
}
