// Test helper: runs the built `zsl` CLI (copied next to the test assembly) as a child process.
using System.Diagnostics;

namespace ZslKit.Notebooks.Tests;

internal static class ZslProcess
{
    /// <summary>zsl.dll next to the test assembly (the CLI project is referenced by this test project).</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "zsl.dll");

    /// <summary>The worker command the CLI itself uses.</summary>
    public static WorkerCommand Worker => new("dotnet", [Dll, "notebooks", "run", "--worker"]);

    public static (int ExitCode, string Stdout, string Stderr) Run(string workingDirectory, params string[] args) =>
        RunWith(new Dictionary<string, string>(), workingDirectory, args);

    /// <summary>As <see cref="Run"/>, with <paramref name="environment"/> added to the process's environment.</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunWith(IReadOnlyDictionary<string, string> environment, string workingDirectory,
        params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        psi.ArgumentList.Add(Dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3))) { p.Kill(true); throw new TimeoutException("zsl did not finish in 3 minutes"); }
        return (p.ExitCode, stdout, stderr.Result);
    }
}
