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
        Assert.StartsWith("zsl selftest: cuda requested, but CUDA is not available (", stderr);
        Assert.Equal("", stdout);
    }

    [Fact]
    public void A_json_path_that_is_a_folder_or_lies_under_a_file_exits_2_before_any_check()
    {
        var dir = Directory.CreateTempSubdirectory("zsl-selftest-json-");
        try
        {
            var file = Path.Combine(dir.FullName, "file");
            File.WriteAllText(file, "");
            var (code, stdout, stderr) = Run("--json", dir.FullName);
            Assert.Equal(SelftestCommand.BadInput, code);
            Assert.Equal($"zsl selftest: --json {dir.FullName} is a folder, not a file", stderr.Trim());
            Assert.Equal("", stdout);
            (code, stdout, stderr) = Run("--json", Path.Combine(file, "x.json"));
            Assert.Equal(SelftestCommand.BadInput, code);
            Assert.Equal($"zsl selftest: --json {Path.Combine(file, "x.json")}: {file} is a file, not a folder", stderr.Trim());
            Assert.Equal("", stdout);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_report_that_cannot_be_written_after_the_checks_exits_1_with_one_line_and_the_table_on_stdout()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "/proc takes no new files on Linux only");
        var (code, stdout, stderr) = Run("--json", "/proc/zsl-selftest-test.json");
        Assert.Equal(SelfTest.ExitFailed, code);
        Assert.Contains("selftest: all checks passed", stdout);
        Assert.StartsWith("zsl selftest: --json: the report was not written to /proc/zsl-selftest-test.json (", stderr);
        Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_malformed_device_exits_2()
    {
        var (code, _, stderr) = Run("--device", "tpu");
        Assert.Equal(SelfTest.ExitDeviceUnavailable, code);
        Assert.Contains("unknown device 'tpu'", stderr);
    }
}
