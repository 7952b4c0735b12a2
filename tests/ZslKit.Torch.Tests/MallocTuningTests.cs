// MallocTuningTests.cs - the shim fixes glibc's malloc thresholds at load (src/ZslKit.Native/src/malloc_tuning.cpp).
using System.Runtime.InteropServices;
using ZslKit.Torch;

namespace ZslKit.Torch.Tests;

public class MallocTuningTests
{
    private static bool UserChoseMalloc =>
        Environment.GetEnvironmentVariable("ZSLKIT_MALLOC_TUNING") == "0" ||
        (Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "").Contains("glibc.malloc.", StringComparison.Ordinal);

    [Fact]
    public void Shim_fixes_the_mmap_threshold_at_32_MiB_and_the_trim_threshold_at_64_MiB_on_glibc()
    {
        Skip.IfNot(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "glibc only");
        Skip.If(UserChoseMalloc, "the user's malloc settings are left alone in this process");
        var tuning = torch.NativeMallocTuning;
        Assert.NotNull(tuning);
        Assert.Equal(32L << 20, tuning.Value.MmapThreshold);
        Assert.Equal(64L << 20, tuning.Value.TrimThreshold);
    }
}
