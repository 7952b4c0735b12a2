// BenchEnvironmentProbe.cs - collects what a benchmark table needs to be read later: date, commit, device, engine ABI,
// libtorch and CUDA versions, .NET, OS, threads, the load average and the shim's malloc tuning.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using ZslKit.Torch;

namespace ZslKit.Benchmarks;

/// <summary>Builds a <see cref="BenchEnvironment"/> for the current process.</summary>
public static class BenchEnvironmentProbe
{
    /// <summary>Environment variable overriding the commit (set by environment/gpu/run.sh, where there is no .git).</summary>
    public const string CommitVariable = "ZSLKIT_COMMIT";

    /// <summary>Environment variable naming the device for the report (e.g. the nvidia-smi name; run.sh sets it).</summary>
    public const string DeviceNameVariable = "ZSLKIT_DEVICE_NAME";

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

    /// <summary>$ZSLKIT_COMMIT, else `git rev-parse --short HEAD` (plus "+dirty" with uncommitted changes), else "unknown".</summary>
    public static string Commit()
    {
        var env = Environment.GetEnvironmentVariable(CommitVariable);
        if (!string.IsNullOrWhiteSpace(env)) return env.Trim();
        var head = Git("rev-parse --short HEAD");
        if (head is null) return "unknown";
        var dirty = Git("status --porcelain --untracked-files=no");
        return string.IsNullOrEmpty(dirty) ? head : head + "+dirty";
    }

    private static string? Git(string arguments)
    {
        try
        {
            var psi = new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var p = Process.Start(psi);
            if (p is null) return null;
            var output = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(5000)) { p.Kill(); return null; }
            return p.ExitCode == 0 ? output.Result.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;   // no git on this machine
        }
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
