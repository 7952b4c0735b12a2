// PyTorchTwinTests.cs - the twin's line protocol, and (where Debian's python3-torch exists) a real serve round trip.
using ZslKit.Benchmarks;
using ZslKit.Testing;

namespace ZslKit.Tests.Benchmarks;

public class PyTorchTwinTests
{
    private const string Python = "/usr/bin/python3";

    [Fact]
    public void A_sample_line_parses_to_wall_and_cpu_seconds()
    {
        var s = PyTorchTwin.ParseSample("""{"wall_s": 0.125, "cpu_s": 0.25}""");
        Assert.Equal(0.125, s.WallSeconds);
        Assert.Equal(0.25, s.CpuSeconds);
        Assert.Null(PyTorchTwin.ParseSample("""{"wall_s": 2}""").CpuSeconds);
    }

    [Fact]
    public void An_error_line_or_a_line_without_wall_time_raises()
    {
        Assert.Contains("RuntimeError: boom", Assert.Throws<InvalidOperationException>(() => PyTorchTwin.ParseSample("""{"error": "RuntimeError: boom"}""")).Message);
        Assert.Throws<FormatException>(() => PyTorchTwin.ParseSample("""{"wall": 1}"""));
    }

    [Fact]
    public void The_default_twin_python_is_the_first_candidate_that_imports_torch_else_python3()
    {
        Skip.If(OperatingSystem.IsWindows(), "uses shell scripts as stand-in interpreters");
        Skip.If(!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PyTorchTwin.PythonVariable)), "ZSLKIT_PYTHON is set");
        var dir = Directory.CreateTempSubdirectory("zsltwinpy").FullName;
        try
        {
            string Script(string name, int exit)
            {
                var path = Path.Combine(dir, name);
                File.WriteAllText(path, $"#!/bin/sh\nexit {exit}\n");
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                return path;
            }
            var without = Script("python-without-torch", 1);
            var with = Script("python-with-torch", 0);
            var missing = Path.Combine(dir, "no-such-python");
            Assert.Equal(with, PyTorchTwin.DefaultPython([missing, without, with]));
            Assert.Equal("python3", PyTorchTwin.DefaultPython([missing, without]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void An_interpreter_without_torch_fails_with_a_hint_naming_the_install_and_the_python_option()
    {
        Skip.If(OperatingSystem.IsWindows(), "uses a shell script as a stand-in interpreter");
        var dir = Directory.CreateTempSubdirectory("zsltwinnotorch").FullName;
        try
        {
            var python = Path.Combine(dir, "python-without-torch");
            File.WriteAllText(python, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'torch'\" >&2\nexit 1\n");
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(python, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var script = Path.Combine(dir, "lesa_twin.py");
            File.WriteAllText(script, "");
            var e = Assert.Throws<InvalidOperationException>(() => PyTorchTwin.Start(python, script, [], TimeSpan.FromMinutes(1)));
            Assert.Contains("exited during 'start-up'", e.Message);
            Assert.Contains("--with-python-torch", e.Message);
            Assert.Contains("--python PATH or $ZSLKIT_PYTHON", e.Message);
            Assert.Equal("", PyTorchTwin.MissingTorchHint("RuntimeError: boom"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static bool HasPythonTorch() => File.Exists(Python) && PyTorchTwin.CanImportTorch(Python);

    [Fact]
    public void The_twin_serves_timed_repetitions_of_a_small_lesa_step()
    {
        Skip.IfNot(HasPythonTorch(), $"{Python} with torch is not installed");
        var script = Path.Combine(RepoPaths.Root, "bench", "lesa_twin.py");
        using var twin = PyTorchTwin.Start(Python, script,
            ["--target", "lesa-step", "--threads", "1", "--batch", "4", "--regions", "9", "--dim", "8", "--hidden", "8", "--modules", "3", "--labels", "12", "--word-dim", "6"],
            TimeSpan.FromMinutes(2));
        Assert.Equal("cpu", twin.Info.Device);
        Assert.Matches(@"^\d+\.\d+", twin.Info.Torch);
        var a = twin.Rep();
        var b = twin.Rep();
        Assert.True(a.WallSeconds > 0 && b.WallSeconds > 0);
        Assert.NotNull(a.CpuSeconds);
    }

    [Fact]
    public void A_twin_that_cannot_build_its_model_reports_the_python_error()
    {
        Skip.IfNot(HasPythonTorch(), $"{Python} with torch is not installed");
        var script = Path.Combine(RepoPaths.Root, "bench", "lesa_twin.py");
        var e = Assert.Throws<InvalidOperationException>(() => PyTorchTwin.Start(Python, script, ["--device", "nosuchdevice"], TimeSpan.FromMinutes(2)));
        Assert.Contains("PyTorch twin:", e.Message);
        Assert.Contains("nosuchdevice", e.Message);
    }
}
