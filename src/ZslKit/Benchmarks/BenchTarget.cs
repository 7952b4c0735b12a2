// BenchTarget.cs - what a named `zsl bench` target is (name, defaults, run) and what it receives (BenchContext).
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

/// <summary>How to start the PyTorch twin of a target (null in <see cref="BenchContext"/> when --twin is off).</summary>
/// <param name="Python">The interpreter (its torch is the one measured).</param>
/// <param name="Script">bench/lesa_twin.py.</param>
public sealed record TwinLauncher(string Python, string Script, TimeSpan Timeout)
{
    public PyTorchTwin Start(IEnumerable<string> arguments) => PyTorchTwin.Start(Python, Script, arguments, Timeout);
}

/// <summary>Everything a target needs for one run.</summary>
/// <param name="Threads">Intra-op threads for libtorch (and the twin); null leaves libtorch's default.</param>
/// <param name="Self">Command line that starts this `zsl` again (program + leading arguments), for cold-start targets.</param>
public sealed record BenchContext(torch.Device Device, BenchRepetitions Repetitions, BenchSettings Settings, int? Threads,
    TwinLauncher? Twin, Action<string> Log, IReadOnlyList<string>? Self = null)
{
    /// <summary>Waits for queued device work (CUDA synchronize); nothing on the CPU.</summary>
    public void Sync()
    {
        if (Device.type == DeviceType.CUDA) torch.cuda.synchronize(Device.index);
    }

    /// <summary>On CUDA: waits for queued work and restarts the peak-memory statistics; returns whether they are on (false on
    /// the CPU, and on a shim built without CUDA memory statistics, which is logged once).</summary>
    public bool ResetPeakMemory()
    {
        if (Device.type != DeviceType.CUDA) return false;
        Sync();
        try { torch.cuda.reset_peak_memory_stats(Device.index); return true; }
        catch (TorchException e) { Log("note: no CUDA memory statistics (" + e.Message + ")"); return false; }
    }

    /// <summary>Adds `gpuPeakBytes` (peak bytes held by tensors since <see cref="ResetPeakMemory"/>) when the statistics are on.</summary>
    public void RecordPeakMemory(IDictionary<string, double> metrics, bool armed)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (armed) metrics["gpuPeakBytes"] = torch.cuda.max_memory_allocated(Device.index);
    }

    /// <summary>Shape arguments for bench/lesa_twin.py matching ours (device and thread count included).</summary>
    public List<string> TwinArguments(string target, params (string Key, object Value)[] values)
    {
        var list = new List<string> { "--target", target, "--device", Device.type == DeviceType.CUDA ? "cuda" : "cpu" };
        // The same intra-op thread count as ours (libtorch's current one when --threads was not given).
        list.AddRange(["--threads", (Threads ?? torch.get_num_threads()).ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        foreach (var (k, v) in values)
            list.AddRange(["--" + k, Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)!]);
        return list;
    }
}

/// <summary>The measurements, extra scalar metrics and notes a target produced.</summary>
/// <param name="Cost">The work of one repetition of the first measurement, when the target counts it: BenchRegistry.Run
/// adds the achieved rates and their share of the device's peak (<see cref="BenchRoofline"/>).</param>
public sealed record BenchTargetResult(IReadOnlyList<BenchMeasurement> Measurements, IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyList<string> Notes, TwinInfo? Twin = null, BenchCost? Cost = null);

/// <summary>A named benchmark.</summary>
public interface IBenchTarget
{
    string Name { get; }
    string Description { get; }

    /// <summary>Default settings (overridable with `--set key=value`).</summary>
    IReadOnlyDictionary<string, string> Defaults { get; }

    /// <summary>Whether --twin runs a PyTorch twin for it.</summary>
    bool HasTwin { get; }

    /// <summary>Checks the settings that take one of a few values (dtype, amp, on/off switches, a model name...) and their
    /// fit with <paramref name="device"/>, raising an ArgumentException naming the target and the setting. `zsl bench` calls
    /// it before any work; <see cref="Run"/> checks them again.</summary>
    void Validate(BenchSettings settings, torch.Device device) { }

    BenchTargetResult Run(BenchContext context);
}
