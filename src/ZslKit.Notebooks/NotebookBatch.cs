// Runs many notebooks, each in its own worker process, with bounded parallelism and a per-notebook timeout.
using System.Collections.Concurrent;
using System.Diagnostics;

namespace ZslKit.Notebooks;

/// <summary>One notebook to run and where its executed copy goes.</summary>
public sealed record NotebookJob(string Input, string Output);

/// <summary>The command that runs one notebook in a fresh process (e.g. <c>dotnet zsl.dll notebooks run --worker</c>).</summary>
public sealed record WorkerCommand(string FileName, IReadOnlyList<string> Arguments);

/// <summary>Batch settings.</summary>
public sealed record NotebookBatchOptions
{
    public int MaxParallel { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; init; } = [];
    public bool KeepGoing { get; init; }
    public bool CheckOnly { get; init; }
}

/// <summary>How one notebook's process ended.</summary>
public sealed record NotebookJobResult(NotebookJob Job, int ExitCode, bool TimedOut, TimeSpan Elapsed, string Message, int? LastCellStarted);

/// <summary>Progress of one job: the cell its worker started last, of how many code cells.</summary>
public sealed record NotebookProgress(NotebookJob Job, int Cell, int CellCount);

/// <summary>Spawns one worker per notebook. Workers report "##zsl cell N/M" lines on stderr and exit 0, 1 or 2.</summary>
public sealed class NotebookBatch(WorkerCommand worker, NotebookBatchOptions options)
{
    /// <summary>The stderr line prefix a worker uses to report the cell it starts.</summary>
    public const string ProgressPrefix = "##zsl cell ";

    /// <summary>Exit code of a notebook killed by the timeout.</summary>
    public const int TimeoutExitCode = 124;

    /// <summary>
    /// Set to "1" in every worker's environment. The worker's standard input is a pipe the batch never writes to; a worker
    /// that sees the variable exits when that pipe closes, i.e. when the batch process is gone (killed, crashed), instead of
    /// running on as an orphan (<see cref="ParentWatch"/>).
    /// </summary>
    public const string ParentPipeVariable = "ZSLKIT_NOTEBOOK_PARENT_PIPE";

    /// <summary>Maps input notebooks to outputs under <paramref name="outDir"/>, keeping paths relative to <paramref name="inputRoot"/>.</summary>
    public static IReadOnlyList<NotebookJob> Plan(IEnumerable<string> notebooks, string inputRoot, string outDir) =>
        notebooks.Select(nb =>
        {
            var rel = Path.GetRelativePath(inputRoot, nb);
            if (rel.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(rel)) rel = Path.GetFileName(nb);
            return new NotebookJob(nb, Path.Combine(outDir, rel));
        }).ToList();

    /// <summary>Every .ipynb under the given files and folders (folders searched recursively, checkpoints skipped), sorted.</summary>
    public static IReadOnlyList<string> Discover(IEnumerable<string> paths)
    {
        var found = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
                found.AddRange(Directory.EnumerateFiles(p, "*.ipynb", SearchOption.AllDirectories)
                    .Where(f => !f.Contains(".ipynb_checkpoints", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            else if (File.Exists(p)) found.Add(p);
            else throw new FileNotFoundException($"no notebook or folder at '{p}'", p);
        }
        return found.Select(Path.GetFullPath).Distinct().ToList();
    }

    /// <summary>Runs every job; <paramref name="onProgress"/> and <paramref name="onDone"/> are called from worker threads.</summary>
    public async Task<IReadOnlyList<NotebookJobResult>> RunAsync(IReadOnlyList<NotebookJob> jobs,
        Action<NotebookProgress>? onProgress = null, Action<NotebookJobResult>? onDone = null, CancellationToken cancel = default)
    {
        var results = new ConcurrentDictionary<int, NotebookJobResult>();
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxParallel), CancellationToken = cancel },
            async (i, ct) =>
            {
                var r = await RunOneAsync(jobs[i], onProgress, ct);
                results[i] = r;
                onDone?.Invoke(r);
            });
        return Enumerable.Range(0, jobs.Count).Select(i => results[i]).ToList();
    }

    private async Task<NotebookJobResult> RunOneAsync(NotebookJob job, Action<NotebookProgress>? onProgress, CancellationToken cancel)
    {
        var psi = new ProcessStartInfo(worker.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // held open, never written: closes when this process ends (ParentPipeVariable)
            UseShellExecute = false,
        };
        psi.Environment[ParentPipeVariable] = "1";
        // Dynamic PGO instruments Roslyn's tier-0 code, which dominates a short-lived worker: ~20% less CPU per cell without it
        // (docs/benchmarks.md). A value the user set is kept.
        if (Environment.GetEnvironmentVariable("DOTNET_TieredPGO") is null) psi.Environment["DOTNET_TieredPGO"] = "0";
        foreach (var (name, value) in AbsolutePathVariables(Environment.GetEnvironmentVariable)) psi.Environment[name] = value;
        foreach (var a in worker.Arguments) psi.ArgumentList.Add(a);
        psi.ArgumentList.Add(job.Input);
        psi.ArgumentList.Add("--out-file");
        psi.ArgumentList.Add(job.Output);
        foreach (var (k, v) in options.Parameters)
        {
            psi.ArgumentList.Add("--param");
            psi.ArgumentList.Add($"{k}={v}");
        }
        if (options.KeepGoing) psi.ArgumentList.Add("--keep-going");
        if (options.CheckOnly) psi.ArgumentList.Add("--check");

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {worker.FileName}");
        var log = new ConcurrentQueue<string>();
        var lastCell = 0;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            if (e.Data.StartsWith(ProgressPrefix, StringComparison.Ordinal))
            {
                var parts = e.Data[ProgressPrefix.Length..].Split('/');
                if (parts.Length == 2 && int.TryParse(parts[0], out var n) && int.TryParse(parts[1], out var m))
                {
                    lastCell = n;
                    onProgress?.Invoke(new NotebookProgress(job, n, m));
                }
                return;
            }
            log.Enqueue(e.Data);
        };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(options.Timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancel.IsCancellationRequested;
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None);
        }
        process.WaitForExit(); // drain the async readers
        watch.Stop();
        var text = string.Join("\n", FailureTail(log));
        if (timedOut)
        {
            var where = lastCell > 0 ? $" while {(options.CheckOnly ? "compiling" : "running")} code cell {lastCell}" : "";
            // --check writes no notebook; a run names the partial one its worker saved after the last finished cell.
            var partial = !options.CheckOnly && File.Exists(job.Output) ? $" (partial notebook: {job.Output})" : "";
            return new NotebookJobResult(job, TimeoutExitCode, true, watch.Elapsed,
                $"{job.Input}: timed out after {options.Timeout.TotalSeconds:0} s{where}; the process was killed{partial}", lastCell);
        }
        return new NotebookJobResult(job, process.ExitCode, false, watch.Elapsed, text, lastCell);
    }

    /// <summary>ZslKit's environment variables that name a file or folder.</summary>
    public static IReadOnlyList<string> PathVariables { get; } =
    [
        "ZSLKIT_RUNS", "ZSLKIT_SHARED_DATA", "ZSLKIT_PLOTLY_JS", "ZSLKIT_NUS_FEATURES", "ZSLKIT_OI_FEATURES", "ZSLKIT_NATIVE",
        "ZSLKIT_NUGET_CACHE",
    ];

    /// <summary>
    /// The path variables set to a relative path, made absolute against this process's current directory: a worker runs
    /// in its notebook's folder, where the relative path the user typed would name another place.
    /// </summary>
    internal static IEnumerable<(string Name, string Value)> AbsolutePathVariables(Func<string, string?> get)
    {
        foreach (var name in PathVariables)
            if (get(name) is { Length: > 0 } value && !Path.IsPathRooted(value)) yield return (name, Path.GetFullPath(value));
    }

    /// <summary>
    /// The last 20 lines of a worker's output with each run of stack frames ("   at ...") cut to its first 5, so that an
    /// exception's type and message are kept when its stack trace is long.
    /// </summary>
    internal static IReadOnlyList<string> FailureTail(IEnumerable<string> lines, int keep = 20, int framesPerRun = 5)
    {
        var kept = new List<string>();
        var run = 0;
        foreach (var line in lines)
        {
            if (!line.StartsWith("   at ", StringComparison.Ordinal)) { run = 0; kept.Add(line); continue; }
            if (++run <= framesPerRun) kept.Add(line);
            else if (run == framesPerRun + 1) kept.Add("   ... (more frames)");
        }
        return kept.Count <= keep ? kept : kept.GetRange(kept.Count - keep, keep);
    }
}
