// SelftestCommandTests.cs - `zsl selftest` in-process: passes on the CPU, fails cleanly (exit 2, documented message) for cuda without CUDA.
using System.Text.Json;
using ZslKit.Benchmarks;
using ZslKit.Cli.Commands;
using ZslKit.Torch;

namespace ZslKit.Cli.Tests;

/// <summary>The selftest's live-tensor check counts process-wide: these classes never run beside each other.</summary>
[CollectionDefinition("SelftestLiveTensors", DisableParallelization = true)]
public sealed class SelftestLiveTensorsCollection;

[Collection("SelftestLiveTensors")]
public class SelftestCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CommandRunner.Run(SelftestCommand.Create(), args);

    [Fact]
    public void Selftest_on_the_cpu_exits_0_and_writes_json()
    {
        var json = Path.Combine(Path.GetTempPath(), $"zsl-selftest-{Guid.NewGuid():N}.json");
        try
        {
            var (code, stdout, stderr) = Run("--json", json);
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("selftest: all checks passed", stdout);
            using var doc = JsonDocument.Parse(File.ReadAllText(json));
            Assert.Equal("cpu", doc.RootElement.GetProperty("device").GetString());
            Assert.True(doc.RootElement.GetProperty("passed").GetBoolean());
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void Selftest_on_cuda_without_cuda_exits_2_with_the_documented_message()
    {
        Skip.If(torch.cuda.is_available(), "CUDA is available here");
        var (code, stdout, stderr) = Run("--device", "cuda");
        Assert.Equal(SelfTest.ExitDeviceUnavailable, code);
        Assert.StartsWith("selftest: cuda requested, but CUDA is not available", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void A_malformed_device_exits_2()
    {
        var (code, _, stderr) = Run("--device", "tpu");
        Assert.Equal(SelfTest.ExitDeviceUnavailable, code);
        Assert.Contains("unknown device 'tpu'", stderr);
    }
}
