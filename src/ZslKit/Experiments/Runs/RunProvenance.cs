// RunProvenance.cs - where a run's numbers came from: source commit, engine and libtorch versions, CUDA, device,
// dataset fingerprint, machine and start/end times. Written to provenance.json in every run folder.
using System.Reflection;
using System.Runtime.InteropServices;
using ZslKit.Experiments.Training;
using ZslKit.Torch;

namespace ZslKit.Experiments.Runs;

/// <summary>Provenance of one run.</summary>
/// <param name="GitCommit">`git rev-parse HEAD` of the working directory's repository; outside a repository the commit the
/// app was packed from ($ZSLKIT_COMMIT, set by environment/gpu/run.sh); null when neither is known.</param>
/// <param name="GitDirty">True when `git status --porcelain` lists changes, or $ZSLKIT_COMMIT ends in "+dirty" (null when unknown).</param>
/// <param name="Engine">ZslKit.Torch assembly version.</param>
/// <param name="LibTorch">libtorch version the native shim was built against.</param>
/// <param name="CudaAvailable">torch.cuda.is_available() in this process.</param>
/// <param name="CudaVersion">CUDA runtime version the shim was built with (null without CUDA).</param>
/// <param name="DeviceName">CPU model name (from /proc/cpuinfo); for CUDA $ZSLKIT_DEVICE_NAME (e.g. the nvidia-smi name that
/// environment/gpu/run.sh sets), else "cuda:N" (the binding exposes no GPU name).</param>
public sealed record RunProvenance(
    string? GitCommit, bool? GitDirty, string Engine, string LibTorch, bool CudaAvailable, int CudaDevices, string? CudaVersion,
    string Device, string DeviceName, string? Dataset, string? DatasetFingerprint, string Machine, string Os, string DotNet,
    int Threads, DateTimeOffset Start, DateTimeOffset? End)
{
    /// <summary>Collects provenance now (Start = now, End = null).</summary>
    public static RunProvenance Capture(string device, IDatasetFingerprint? dataset, string? repositoryDir = null)
    {
        var (commit, dirty) = Reporting.Provenance.SourceCommit(repositoryDir ?? Environment.CurrentDirectory);
        var dev = torch.device(device);
        bool cuda = torch.cuda.is_available();
        var gpuName = Environment.GetEnvironmentVariable(Reporting.Provenance.DeviceNameVariable);
        return new RunProvenance(commit, dirty,
            typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown",
            torch.LibTorchVersion.ToString(),
            cuda, cuda ? torch.cuda.device_count() : 0, cuda ? torch.cuda.runtime_version()?.ToString() : null,
            dev.ToString(), dev.type == DeviceType.CPU ? CpuName() : string.IsNullOrWhiteSpace(gpuName) ? dev.ToString() : gpuName.Trim(),
            dataset?.DatasetDescription, dataset?.Fingerprint,
            Environment.MachineName, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            torch.get_num_threads(), DateTimeOffset.UtcNow, null);
    }

    /// <summary>The commit hash and dirty flag, or (null, null) when git is missing or the folder is not a repository.</summary>
    public static (string? Commit, bool? Dirty) Git(string dir) => Reporting.Provenance.Git(dir);

    private static string CpuName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is var i and > 0)
                        return $"{line[(i + 1)..].Trim()} ({Environment.ProcessorCount} logical cores)";
        }
        catch (IOException) { }
        return $"{RuntimeInformation.ProcessArchitecture} CPU ({Environment.ProcessorCount} logical cores)";
    }
}
