using System.CommandLine;
using Spectre.Console;
using ZslKit.Notebooks;

namespace ZslKit.Cli.Commands;

/// <summary>
/// `zsl notebooks run [paths] [--param k=v]... [--out dir] [--keep-going] [--check] [--timeout s] [--parallel n]`:
/// runs Polyglot notebooks headless, each in its own process (this same command in --worker mode).
/// Exit codes: 0 every notebook succeeded; 1 a cell failed or a notebook timed out; 2 bad input (a missing path, a notebook that
/// is not a valid nbformat 4 document, a bad --param, --timeout or --parallel below 1, an --out that is a file), found before any
/// notebook runs.
/// </summary>
internal static class NotebooksCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Notebooks or folders of notebooks (default: the repository's notebooks/).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var param = new Option<string[]>("--param", "-p")
        {
            Description = "name=value for the cell tagged 'parameters' (papermill convention); repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var outDir = new Option<string>("--out", "-o")
        {
            Description = "Folder for the executed notebooks (default: artifacts/notebooks under the repository root).",
            DefaultValueFactory = _ => ReproduceCommand.FromRepo("artifacts", "notebooks"),
        };
        var keepGoing = new Option<bool>("--keep-going") { Description = "Run the cells after a failing cell too (the run still fails)." };
        var check = new Option<bool>("--check") { Description = "Compile every cell without running anything; writes nothing." };
        var timeout = new Option<int>("--timeout")
        {
            Description = "Seconds one notebook may run before its process is killed.",
            DefaultValueFactory = _ => 1800,
        };
        var parallel = new Option<int>("--parallel", "-j")
        {
            Description = "Notebooks run at once.",
            DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount / 2),
        };
        var worker = new Option<bool>("--worker") { Hidden = true, Description = "Run one notebook in this process." };
        var outFile = new Option<string?>("--out-file") { Hidden = true, Description = "Output notebook path (worker mode)." };
        var timings = new Option<bool>("--timings") { Hidden = true, Description = "Worker mode: print cold-start and per-cell times." };

        var run = new Command("run", "Execute notebooks headless (Polyglot-compatible) and write the executed copies.")
        {
            paths, param, outDir, keepGoing, check, timeout, parallel, worker, outFile, timings,
        };
        run.SetAction(async (parse, cancel) =>
        {
            List<KeyValuePair<string, string>> parameters;
            try
            {
                parameters = (parse.GetValue(param) ?? []).Select(ParameterInjector.ParseAssignment).ToList();
            }
            catch (ParameterException e)
            {
                Console.Error.WriteLine($"zsl notebooks: {CliErrors.Message(e)}");
                return BadInput;
            }
            var inputs = parse.GetValue(paths) is { Length: > 0 } given ? given : [ReproduceCommand.FromRepo("notebooks")];
            if (parse.GetValue(worker))
                return await RunWorkerAsync(inputs, parse.GetValue(outFile), parameters, parse.GetValue(keepGoing), parse.GetValue(check),
                    parse.GetValue(timings));
            if (BatchLimitsProblem(parse.GetValue(timeout), parse.GetValue(parallel)) is { } problem)
            {
                Console.Error.WriteLine($"zsl notebooks: {problem}");
                return BadInput;
            }
            var settings = new NotebookBatchOptions
            {
                Parameters = parameters,
                KeepGoing = parse.GetValue(keepGoing),
                CheckOnly = parse.GetValue(check),
                Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                MaxParallel = parse.GetValue(parallel),
            };
            var outPath = parse.GetValue(outDir)!;
            if (PlanBatch("notebooks", inputs, outPath, "--out", settings) is not { } jobs) return BadInput;
            return await RunBatchAsync("notebooks", jobs, outPath, settings, cancel);
        });
        return new Command("notebooks", "Run VS Code Polyglot notebooks headless.") { run };
    }

    /// <summary>Exit code for bad input (arguments, options, notebooks), found before any notebook runs.</summary>
    internal const int BadInput = 2;

    /// <summary>Why --timeout or --parallel cannot be used (each must be at least 1), or null when both can.</summary>
    internal static string? BatchLimitsProblem(int timeoutSeconds, int parallel) =>
        timeoutSeconds < 1 ? $"--timeout must be at least 1 (seconds), got {timeoutSeconds}"
        : parallel < 1 ? $"--parallel must be at least 1, got {parallel}"
        : null;

    /// <summary>
    /// Finds the notebooks under <paramref name="inputs"/> and checks them before anything runs or is written: each must be a
    /// valid notebook that takes the parameters, and <paramref name="outDir"/> (unless --check) must be usable as a folder.
    /// Returns the jobs, or null after printing the problem as "zsl <paramref name="command"/>: ..." (exit <see cref="BadInput"/>).
    /// </summary>
    internal static IReadOnlyList<NotebookJob>? PlanBatch(string command, IReadOnlyList<string> inputs, string outDir, string? outOption,
        NotebookBatchOptions settings)
    {
        IReadOnlyList<string> notebooks;
        try
        {
            notebooks = NotebookBatch.Discover(inputs);
            // Bad cells, names or values fail here, before any process starts.
            foreach (var nb in notebooks) ParameterInjector.Inject(Notebook.Load(nb), settings.Parameters);
        }
        catch (Exception e) when (e is FileNotFoundException or NotebookFormatException or ParameterException)
        {
            Console.Error.WriteLine($"zsl {command}: {CliErrors.Message(e)}");
            return null;
        }
        if (notebooks.Count == 0)
        {
            Console.Error.WriteLine($"zsl {command}: no .ipynb found in {string.Join(", ", inputs)}");
            return null;
        }
        if (!settings.CheckOnly && OutputPaths.FolderProblem(outDir, outOption) is { } problem)
        {
            Console.Error.WriteLine($"zsl {command}: {problem}");
            return null;
        }
        var root = inputs.Count == 1 && Directory.Exists(inputs[0]) ? Path.GetFullPath(inputs[0]) : Directory.GetCurrentDirectory();
        return NotebookBatch.Plan(notebooks, root, Path.GetFullPath(outDir));
    }

    /// <summary>
    /// Runs each planned notebook in its own process; returns 0, 1 (a notebook failed) or 2 (a worker found bad input).
    /// The inputs of the notebooks that failed are added to <paramref name="failedInputs"/>.
    /// </summary>
    internal static async Task<int> RunBatchAsync(string command, IReadOnlyList<NotebookJob> jobs, string outDir, NotebookBatchOptions settings,
        CancellationToken cancel, ICollection<string>? failedInputs = null)
    {
        var batch = new NotebookBatch(SelfWorker(), settings);
        var verb = settings.CheckOnly ? "checking" : "running";
        AnsiConsole.MarkupLine($"[grey]zsl {command}: {verb} {jobs.Count} notebook(s), {settings.MaxParallel} at a time[/]");

        IReadOnlyList<NotebookJobResult> results;
        if (AnsiConsole.Profile.Capabilities.Interactive)
        {
            results = await AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var tasks = jobs.ToDictionary(j => j, j => ctx.AddTask(Markup.Escape(Path.GetFileName(j.Input)), autoStart: false));
                    return await batch.RunAsync(jobs,
                        p =>
                        {
                            var t = tasks[p.Job];
                            if (!t.IsStarted) t.StartTask();
                            t.MaxValue = p.CellCount;
                            t.Value = p.Cell - 1;
                        },
                        r =>
                        {
                            var t = tasks[r.Job];
                            t.Description = $"{(r.ExitCode == 0 ? "[green]ok[/]" : "[red]FAILED[/]")} {Markup.Escape(Path.GetFileName(r.Job.Input))}";
                            if (r.ExitCode == 0) t.Value = t.MaxValue;
                            t.StopTask();
                        }, cancel);
                });
        }
        else
        {
            results = await batch.RunAsync(jobs, onDone: r =>
                Console.WriteLine($"  {(r.ExitCode == 0 ? "ok    " : "FAILED")} {r.Job.Input} ({r.Elapsed.TotalSeconds:0.0} s)"), cancel: cancel);
        }

        foreach (var r in results.Where(r => r.ExitCode != 0))
        {
            failedInputs?.Add(r.Job.Input);
            Console.Error.WriteLine($"zsl {command}: {(r.TimedOut ? "TIMEOUT" : "FAILED")} {r.Job.Input} (exit {r.ExitCode})");
            if (r.Message.Length > 0) Console.Error.WriteLine(r.Message);
            if (!settings.CheckOnly && File.Exists(r.Job.Output)) Console.Error.WriteLine($"  partial executed notebook: {r.Job.Output}");
        }
        var failed = results.Count(r => r.ExitCode != 0);
        Console.WriteLine($"zsl {command}: {results.Count - failed} passed, {failed} failed" +
                          (settings.CheckOnly ? "" : $"; executed notebooks in {Path.GetFullPath(outDir)}"));
        return results.Any(r => r.ExitCode == 2) ? 2 : failed > 0 ? 1 : 0;
    }

    /// <summary>Worker mode: one notebook in this process, progress lines on stderr.</summary>
    private static async Task<int> RunWorkerAsync(IReadOnlyList<string> inputs, string? outFile,
        List<KeyValuePair<string, string>> parameters, bool keepGoing, bool check, bool timings)
    {
        if (inputs.Count != 1)
        {
            Console.Error.WriteLine("zsl notebooks: --worker takes exactly one notebook");
            return BadInput;
        }
        var input = Path.GetFullPath(inputs[0]);
        var err = Console.Error; // captured before the runner routes the console into cell outputs
        ParentWatch.StartIfRequested(err);
        var result = await NotebookRunner.RunAsync(input, new NotebookRunOptions
        {
            Parameters = parameters,
            OutputPath = outFile is null ? null : Path.GetFullPath(outFile),
            KeepGoing = keepGoing,
            CheckOnly = check,
            ChangeDirectory = true,
            SaveAfterEachCell = true,
            OnCellStarting = (_, n, count) => { err.WriteLine($"{NotebookBatch.ProgressPrefix}{n}/{count}"); err.Flush(); },
            Log = err,
        });
        if (!result.Succeeded && result.ExitCode == 2) err.WriteLine(result.Error);
        if (timings && result.Timings.Count > 0)
        {
            // Cold start: from process start to the end of the first code cell (runtime start, Roslyn warm-up, first compile).
            var started = System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime();
            var firstDone = DateTime.UtcNow - TimeSpan.FromMilliseconds(result.Timings.Skip(1).Sum(t => t.Milliseconds));
            var later = result.Timings.Skip(1).Select(t => t.Milliseconds).ToList();
            err.WriteLine(FormattableString.Invariant(
                $"timings: cold start {(firstDone - started).TotalMilliseconds:F0} ms; first cell {result.Timings[0].Milliseconds:F0} ms; later cells: n={later.Count} mean {(later.Count > 0 ? later.Average() : 0):F1} ms median {(later.Count > 0 ? later.Order().ElementAt(later.Count / 2) : 0):F1} ms"));
        }
        return result.ExitCode;
    }

    /// <summary>This program, started again in --worker mode.</summary>
    private static WorkerCommand SelfWorker()
    {
        var host = Environment.ProcessPath ?? "dotnet";
        var self = typeof(NotebooksCommand).Assembly.Location;
        List<string> args = Path.GetFileNameWithoutExtension(host) == "dotnet" ? [self] : [];
        args.AddRange(["notebooks", "run", "--worker"]);
        return new WorkerCommand(host, args);
    }
}
