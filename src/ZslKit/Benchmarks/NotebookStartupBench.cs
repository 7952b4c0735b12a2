// NotebookStartupBench.cs - `zsl bench notebook-startup`: cold start of the notebook runner, i.e. a fresh
// `zsl notebooks run` process on a trivial one-cell notebook, from process start to exit (includes its worker process).
using System.Diagnostics;

namespace ZslKit.Benchmarks;

/// <summary>Times `zsl notebooks run` on a trivial notebook in a new process per repetition.</summary>
public sealed class NotebookStartupBench : IBenchTarget
{
    private const string TrivialNotebook = """
        {"cells": [{"cell_type": "code", "execution_count": null, "id": "c1", "metadata": {"polyglot_notebook": {"kernelName": "csharp"}},
          "outputs": [], "source": ["var x = 6 * 7;\n", "Console.WriteLine(x);"]}],
         "metadata": {"kernelspec": {"display_name": ".NET (C#)", "language": "C#", "name": ".net-csharp"}},
         "nbformat": 4, "nbformat_minor": 5}
        """;

    public string Name => "notebook-startup";
    public string Description => "Notebook runner cold start: a new `zsl notebooks run` process on a one-cell notebook, start to exit.";
    public bool HasTwin => false;

    public IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string> { ["timeout-seconds"] = "120" };

    public BenchTargetResult Run(BenchContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Self is not { Count: > 0 } self)
            throw new InvalidOperationException("notebook-startup: needs the command line of `zsl` itself (run it through the zsl CLI)");
        int timeout = context.Settings.Int("timeout-seconds");
        var folder = Path.Combine(Path.GetTempPath(), $"zsl-bench-nb-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var notebook = Path.Combine(folder, "trivial.ipynb");
            File.WriteAllText(notebook, TrivialNotebook);
            void Rep()
            {
                var psi = new ProcessStartInfo(self[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in self.Skip(1)) psi.ArgumentList.Add(a);
                foreach (var a in new[] { "notebooks", "run", notebook, "--out", Path.Combine(folder, "out") }) psi.ArgumentList.Add(a);
                using var p = Process.Start(psi) ?? throw new InvalidOperationException($"notebook-startup: could not start {self[0]}");
                var stdout = p.StandardOutput.ReadToEndAsync();
                var stderr = p.StandardError.ReadToEndAsync();
                if (!p.WaitForExit(timeout * 1000))
                {
                    p.Kill(entireProcessTree: true);
                    throw new TimeoutException($"notebook-startup: `zsl notebooks run` did not finish within {timeout} s");
                }
                if (p.ExitCode != 0)
                    throw new InvalidOperationException($"notebook-startup: `zsl notebooks run` exited with {p.ExitCode}: {stderr.Result}{stdout.Result}");
            }
            var (ours, _) = BenchHarness.Measure(Rep, context.Repetitions, progress: context.Log);
            return new BenchTargetResult([new BenchMeasurement("cold start + 1 cell", 1, "runs", ours, null)], new Dictionary<string, double>(),
                ["CPU time is this process's only (the runner runs in child processes)"]);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { /* harmless leftover */ }
        }
    }
}
