// PyTorchTwin.cs - drives bench/lesa_twin.py in its `serve` mode: one Python process set up once, then one repetition
// per request, so our steps and PyTorch eager steps alternate within one `zsl bench --twin` run.
//   protocol (one JSON object per line on stdout): first {"ready": true, "torch": ..., "device": ..., "device_name": ..., "amp": ..., "fold": ..., "tf32": ..., "graph": ...};
//   targets that produce a tensor add "output_shape": [...] to it (backbone-forward checks it against ours);
//   then for every "rep" line on stdin {"wall_s": ..., "cpu_s": ...}; "quit" ends the process. Errors: {"error": "..."}.
using System.Diagnostics;
using System.Text.Json;

namespace ZslKit.Benchmarks;

/// <summary>A running PyTorch twin process for one target and shape.</summary>
public sealed class PyTorchTwin : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _stderr = new();
    private readonly TimeSpan _timeout;

    public TwinInfo Info { get; }

    /// <summary>The twin's "output_shape" from its ready line (targets that produce a tensor report it), else null.</summary>
    public IReadOnlyList<long>? OutputShape { get; }

    private PyTorchTwin(Process process, string python, string script, TimeSpan timeout)
    {
        _process = process;
        _timeout = timeout;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        var ready = ReadJson("start-up");
        if (!ready.TryGetProperty("ready", out var r) || !r.GetBoolean())
            throw new InvalidOperationException($"PyTorch twin: unexpected first line {ready}");
        Info = new TwinInfo(python, script, ready.GetProperty("torch").GetString() ?? "?", ready.GetProperty("device").GetString() ?? "?",
            ready.TryGetProperty("device_name", out var dn) ? dn.GetString() : null,
            ready.TryGetProperty("amp", out var amp) ? amp.GetString() : null,
            ready.TryGetProperty("fold", out var fold) ? fold.GetString() : null,
            ready.TryGetProperty("tf32", out var tf32) ? tf32.GetString() : null,
            ready.TryGetProperty("graph", out var graph) ? graph.GetString() : null);
        OutputShape = ready.TryGetProperty("output_shape", out var os) && os.ValueKind == JsonValueKind.Array
            ? os.EnumerateArray().Select(d => d.GetInt64()).ToArray() : null;
    }

    /// <summary>Environment variable naming the twin's Python interpreter when --python is not given.</summary>
    public const string PythonVariable = "ZSLKIT_PYTHON";

    /// <summary>
    /// The interpreter for the twin: $ZSLKIT_PYTHON when set, else the first of <paramref name="candidates"/> (default
    /// <c>python3</c> on PATH, then <c>/usr/bin/python3</c>, where Debian's python3-torch lives) that can <c>import torch</c>,
    /// else <c>python3</c> (whose start-up error then says what is missing).
    /// </summary>
    public static string DefaultPython(IEnumerable<string>? candidates = null)
    {
        var env = Environment.GetEnvironmentVariable(PythonVariable);
        if (!string.IsNullOrWhiteSpace(env)) return env;
        foreach (var python in candidates ?? ["python3", "/usr/bin/python3"])
            if (CanImportTorch(python)) return python;
        return "python3";
    }

    /// <summary>The file <paramref name="program"/> names when it can be started: a path (with a folder part) to an executable
    /// file, or a name found as one on PATH; null otherwise.</summary>
    public static string? FindProgram(string program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (program.Length == 0) return null;
        if (program.Contains(Path.DirectorySeparatorChar) || program.Contains(Path.AltDirectorySeparatorChar))
            return IsExecutable(program) ? Path.GetFullPath(program) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in OperatingSystem.IsWindows() ? new[] { program, program + ".exe" } : [program])
            {
                var candidate = Path.Combine(dir, name);
                if (IsExecutable(candidate)) return candidate;
            }
        return null;
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows()
            || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);

    /// <summary>True when <paramref name="python"/> runs and can <c>import torch</c> (within a minute).</summary>
    public static bool CanImportTorch(string python)
    {
        try
        {
            var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("import torch");
            using var p = Process.Start(psi);
            if (p is null) return false;
            p.StandardOutput.ReadToEndAsync();
            p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(60_000)) { p.Kill(entireProcessTree: true); return false; }
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;   // no such interpreter
        }
    }

    /// <summary>Starts <c>PYTHON SCRIPT serve ARGS</c> and waits (up to <paramref name="timeout"/>) for its ready line.</summary>
    public static PyTorchTwin Start(string python, string script, IEnumerable<string> arguments, TimeSpan timeout)
    {
        if (!File.Exists(script)) throw new FileNotFoundException($"PyTorch twin script not found: {script}", script);
        var psi = new ProcessStartInfo(python)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add("serve");
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException($"PyTorch twin: could not start {python}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"PyTorch twin: cannot run '{python}' ({e.Message}); pass --python PATH", e);
        }
        try
        {
            return new PyTorchTwin(process, python, script, timeout);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Asks for one timed repetition and returns its sample.</summary>
    public BenchSample Rep()
    {
        _process.StandardInput.WriteLine("rep");
        _process.StandardInput.Flush();
        return ParseSample(ReadLine("rep"));
    }

    /// <summary>Parses one sample line <c>{"wall_s": 0.1, "cpu_s": 0.2}</c> (cpu_s optional); an error line becomes an exception.</summary>
    public static BenchSample ParseSample(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (root.TryGetProperty("error", out var err)) throw new InvalidOperationException("PyTorch twin: " + err.GetString());
        if (!root.TryGetProperty("wall_s", out var wall) || wall.ValueKind != JsonValueKind.Number)
            throw new FormatException($"PyTorch twin: sample line without a numeric wall_s: {line}");
        double? cpu = root.TryGetProperty("cpu_s", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble() : null;
        return new BenchSample(wall.GetDouble(), cpu);
    }

    private JsonElement ReadJson(string what)
    {
        var line = ReadLine(what);
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement.Clone();
        if (root.TryGetProperty("error", out var err)) throw new InvalidOperationException("PyTorch twin: " + err.GetString());
        return root;
    }

    private string ReadLine(string what)
    {
        var task = _process.StandardOutput.ReadLineAsync();
        if (!task.Wait(_timeout))
            throw new TimeoutException($"PyTorch twin: no answer to '{what}' within {_timeout.TotalSeconds:F0} s. stderr:\n{Stderr()}");
        if (task.Result is { } line) return line;
        // stdout ended: wait for the exit, then (the parameterless overload) for the asynchronous stderr reader to drain,
        // so that the message holds the interpreter's last words
        bool exited = _process.WaitForExit(2000);
        if (exited) _process.WaitForExit();
        var stderr = Stderr();
        throw new InvalidOperationException(
            $"PyTorch twin exited during '{what}' (exit code {(exited ? _process.ExitCode : -1)}). stderr:\n{stderr}{MissingTorchHint(stderr)}");
    }

    /// <summary>What to do when the twin's interpreter has no torch (its stderr names the missing module), else "".</summary>
    internal static string MissingTorchHint(string stderr) =>
        stderr.Contains("No module named 'torch'", StringComparison.Ordinal)
            ? "\nhint: this Python has no PyTorch. Install Debian's (bash environment/setup.sh --with-python-torch, or apt-get install python3-torch), " +
              $"or name an interpreter that has it with --python PATH or ${PythonVariable}."
            : "";

    private string Stderr()
    {
        lock (_stderr)
        {
            var s = _stderr.ToString();
            return s.Length > 4000 ? s[^4000..] : s;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.StandardInput.WriteLine("quit");
                _process.StandardInput.Flush();
                if (!_process.WaitForExit(10_000)) _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // The process already ended: nothing to stop.
        }
        _process.Dispose();
    }
}
