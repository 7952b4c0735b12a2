// BenchEnvironmentProbe.cs - collects what a benchmark table needs to be read later: date, commit, device, engine ABI,
// libtorch and CUDA versions, .NET, OS, threads, the load average and the shim's malloc tuning.
using System.Globalization;
using System.Runtime.InteropServices;
using ZslKit.Reporting;
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

/// <summary>Builds a <see cref="BenchEnvironment"/> for the current process.</summary>
public static class BenchEnvironmentProbe
{
    /// <summary>Environment variable overriding the commit (set by environment/gpu/run.sh, where there is no .git).</summary>
    public const string CommitVariable = Provenance.CommitVariable;

    /// <summary>Environment variable naming the device for the report (e.g. the nvidia-smi name; run.sh sets it).</summary>
    public const string DeviceNameVariable = Provenance.DeviceNameVariable;

    public static BenchEnvironment Capture(torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var name = Environment.GetEnvironmentVariable(DeviceNameVariable);
        if (string.IsNullOrWhiteSpace(name)) name = device.type == DeviceType.CPU ? CpuName() : device.ToString();
        return new BenchEnvironment(DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture), Commit(),
            device.ToString(), name, torch.NativeAbiVersion, torch.LibTorchVersion.ToString(), torch.cuda.runtime_version()?.ToString(),
            Environment.Version.ToString(), RuntimeInformation.OSDescription, Environment.ProcessorCount, torch.get_num_threads(), LoadAverage(),
            torch.NativeMallocTuning?.MmapThreshold);
    }

    /// <summary>$ZSLKIT_COMMIT, else the short commit of the working directory's checkout (plus "+dirty" with uncommitted
    /// changes; <see cref="Provenance.GitCommit"/>), else "unknown".</summary>
    public static string Commit()
    {
        var env = Environment.GetEnvironmentVariable(CommitVariable);
        return string.IsNullOrWhiteSpace(env) ? Provenance.GitCommit() : env.Trim();
    }

    private static string CpuName()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            var model = line?[(line.IndexOf(':') + 1)..].Trim();
            return $"cpu: {model ?? "unknown"} ({Environment.ProcessorCount} logical)";
        }
        catch (IOException)
        {
            return $"cpu ({Environment.ProcessorCount} logical)";
        }
    }

    /// <summary>The 1/5/15-minute load averages from /proc/loadavg, or null where it does not exist.</summary>
    public static double[]? LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
