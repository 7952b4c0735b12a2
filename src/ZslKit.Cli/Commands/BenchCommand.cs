// `zsl bench`: named benchmarks with warm-up and repetitions, optionally side by side with their PyTorch twin
// (src/ZslKit/Benchmarks; JSON schema and results in docs/benchmarks.md).
using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using ZslKit.Benchmarks;
using ZslKit.Torch;

namespace ZslKit.Cli.Commands;

/// <summary>
/// `zsl bench list` prints the targets; `zsl bench TARGET [options]` runs one and prints a table (and --json FILE);
/// `zsl bench suite [--out DIR] [--targets a,b]` runs the standard set and keeps every report; `zsl bench table FILE...`
/// prints saved reports as one Markdown table.
/// Exit codes: 0 done; 2 bad input (unknown target or setting, bad value, unusable --json/--out path, missing twin script or
/// interpreter, device unavailable), all found before any work; 1 the benchmark failed, or its --json report could not be
/// written (the results are on stdout).
/// </summary>
internal static class BenchCommand
{
    public const int BadInput = 2;

    public static Command Create()
    {
        var target = new Argument<string>("target") { Description = "A target name (see `zsl bench list`), `list`, `suite` (the standard set), or `table` (then the report files)." };
        var files = new Argument<string[]>("files")
        {
            Description = "`zsl bench table`: reports written with --json, as one Markdown table (docs/benchmarks.md).", Arity = ArgumentArity.ZeroOrMore,
        };
        var device = new Option<string>("--device") { Description = "cpu or cuda[:N].", DefaultValueFactory = _ => "cpu" };
        var reps = new Option<int>("--reps") { Description = "Timed repetitions.", DefaultValueFactory = _ => 5 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed warm-up repetitions.", DefaultValueFactory = _ => 2 };
        var threads = new Option<int?>("--threads") { Description = "libtorch intra-op threads (also passed to the twin); default: libtorch's." };
        var json = new Option<string?>("--json") { Description = "Also write the report as JSON to this file (schema zslkit-bench/1)." };
        var twin = new Option<bool>("--twin") { Description = "Run the PyTorch twin (bench/lesa_twin.py) alternating with ours; report the ratio." };
        var python = new Option<string?>("--python") { Description = "Python interpreter for the twin (default: $ZSLKIT_PYTHON, else the first of python3 and /usr/bin/python3 that can import torch)." };
        var twinScript = new Option<string?>("--twin-script") { Description = "Path of lesa_twin.py (default: bench/lesa_twin.py above the working folder or the app)." };
        var set = new Option<string[]>("--set") { Description = "Override a target setting: --set batch=64 --set labels=1006.", AllowMultipleArgumentsPerToken = true };
        var outDir = new Option<string?>("--out") { Description = "`zsl bench suite`: folder for the reports and table.md (default: artifacts/bench/<UTC date-time>)." };
        var targets = new Option<string?>("--targets") { Description = "`zsl bench suite`: comma-separated targets instead of the standard set." };
        var command = new Command("bench", "Run a named benchmark (zsl bench list) with warm-up, repetitions and an optional PyTorch twin.")
        {
            target, files, device, reps, warmup, threads, json, twin, python, twinScript, set, outDir, targets,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
            console.Profile.Width = Math.Max(console.Profile.Width, 140);   // one line per row in logs and pipes too
            var name = parse.GetValue(target)!;
            if (name == "list")
            {
                PrintList(console);
                return 0;
            }
            var extra = parse.GetValue(files) ?? [];
            if (name == "table")
            {
                try
                {
                    output.Write(BenchTable.Markdown(BenchTable.Load(extra).Select(r => r.Report)));
                    return 0;
                }
                catch (ArgumentException e)
                {
                    error.WriteLine("zsl bench table: " + CliErrors.Message(e));
                    return BadInput;
                }
            }
            if (name == "suite")
                return RunSuite(parse, output, error, extra, device, reps, warmup, threads, json, twin, python, twinScript, set, outDir, targets);
            if (parse.GetValue(outDir) is not null || parse.GetValue(targets) is not null)
            {
                error.WriteLine($"zsl bench {name}: --out and --targets belong to `zsl bench suite`");
                return BadInput;
            }
            if (extra.Length > 0)
            {
                error.WriteLine($"zsl bench {name}: unexpected arguments: {string.Join(" ", extra)} (settings go with --set key=value)");
                return BadInput;
            }
            BenchRunOptions options;
            try
            {
                var bench = BenchRegistry.Find(name);
                var dev = torch.device(parse.GetValue(device)!);
                var overrides = parse.GetValue(set) ?? [];
                BenchRegistry.Settings(bench, dev, overrides);   // fail on a bad --set key or value before any work
                var repetitions = new BenchRepetitions(parse.GetValue(warmup), parse.GetValue(reps));
                repetitions.Validate();
                CheckThreads(parse.GetValue(threads));
                if (parse.GetValue(json) is { } jsonPath) OutputPaths.CheckFile(jsonPath, "--json");
                var launcher = Launcher(parse, twin, python, twinScript);
                options = new BenchRunOptions(name, dev, repetitions, parse.GetValue(threads), overrides, launcher, SelfCommandLine());
            }
            catch (ArgumentException e)
            {
                error.WriteLine("zsl bench: " + CliErrors.Message(e));
                return BadInput;
            }
            BenchReport report;
            try
            {
                report = BenchRegistry.Run(options, line => error.WriteLine(line));
            }
            catch (Exception e) when (e is CudaUnavailableException or ArgumentException)
            {
                error.WriteLine("zsl bench: " + CliErrors.Message(e));
                return BadInput;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or TorchException or FileNotFoundException)
            {
                error.WriteLine($"zsl bench {name}: failed: {CliErrors.Message(e)}");
                return 1;
            }
            Print(console, report);
            if (parse.GetValue(json) is { } path)
            {
                if (OutputPaths.Write(path, report.ToJson()) is { } notWritten)
                {
                    error.WriteLine($"zsl bench {name}: --json: the report was not written to {path} ({notWritten})");
                    return 1;
                }
                output.WriteLine($"json: {path}");
            }
            return 0;
        });
        return command;
    }

    /// <summary>`zsl bench suite`: the standard set (or --targets) with the common options; reports and table.md in --out.
    /// Exit 0 when every run succeeded, 1 when one failed (the others still ran), 2 for bad options.</summary>
    private static int RunSuite(ParseResult parse, TextWriter output, TextWriter error, string[] extra, Option<string> device, Option<int> reps,
        Option<int> warmup, Option<int?> threads, Option<string?> json, Option<bool> twin, Option<string?> python, Option<string?> twinScript,
        Option<string[]> set, Option<string?> outDir, Option<string?> targets)
    {
        BenchSuiteResult result;
        string? folder = null;
        try
        {
            if (extra.Length > 0) throw new ArgumentException($"unexpected arguments: {string.Join(" ", extra)}");
            if (parse.GetValue(json) is not null) throw new ArgumentException("--json: the suite writes one report per run into --out");
            if (parse.GetValue(set) is { Length: > 0 }) throw new ArgumentException("--set: the suite runs every target at its defaults (run one target for other settings)");
            CheckThreads(parse.GetValue(threads));
            var entries = parse.GetValue(targets) is { } list ? BenchSuite.Parse(list) : BenchSuite.Standard;
            var dev = torch.device(parse.GetValue(device)!);
            var repetitions = new BenchRepetitions(parse.GetValue(warmup), parse.GetValue(reps));
            repetitions.Validate();
            if (parse.GetValue(outDir) is { } given) OutputPaths.CheckFolder(given, "--out");
            var launcher = Launcher(parse, twin, python, twinScript);
            folder = parse.GetValue(outDir) ?? BenchSuite.DefaultFolder(Environment.CurrentDirectory);
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ArgumentException($"--out: cannot create the folder {folder} ({CliErrors.Message(e)})", e);
            }
            result = BenchSuite.Run(entries, dev, repetitions, folder, parse.GetValue(threads), launcher, SelfCommandLine(), line => error.WriteLine(line));
        }
        catch (Exception e) when (e is ArgumentException or CudaUnavailableException)
        {
            error.WriteLine("zsl bench suite: " + CliErrors.Message(e));
            return BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"zsl bench suite: writing into {folder} failed ({CliErrors.Message(e)})");
            return 1;
        }
        output.Write(File.ReadAllText(result.Table));
        output.WriteLine($"reports: {result.Folder} ({result.Reports.Count} runs; table.md)");
        foreach (var (tag, message) in result.Failures) error.WriteLine($"zsl bench suite: {tag} failed: {message}");
        return result.Failures.Count == 0 ? 0 : 1;
    }

    /// <summary>The twin's launcher with --twin (the script from --twin-script or found above the working folder or the app,
    /// the interpreter from --python or <see cref="PyTorchTwin.DefaultPython"/>), else null. Both are checked here, before any
    /// work: a missing script or interpreter is bad input.</summary>
    private static TwinLauncher? Launcher(ParseResult parse, Option<bool> twin, Option<string?> python, Option<string?> twinScript)
    {
        if (!parse.GetValue(twin)) return null;
        var script = parse.GetValue(twinScript);
        if (script is not null)
        {
            if (Directory.Exists(script)) throw new ArgumentException($"--twin-script: {script} is a folder, not the script");
            if (!File.Exists(script)) throw new ArgumentException($"--twin-script: no such file: {script}");
        }
        script ??= FindTwinScript()
            ?? throw new ArgumentException("--twin: bench/lesa_twin.py not found above the working folder or the app; pass --twin-script");
        var given = parse.GetValue(python);
        var interpreter = given ?? PyTorchTwin.DefaultPython();
        if (PyTorchTwin.FindProgram(interpreter) is null)
            throw new ArgumentException(given is not null
                ? $"--python: {given} is neither an executable file nor a program on PATH"
                : $"--twin: no Python interpreter '{interpreter}' found; pass --python PATH (or set ${PyTorchTwin.PythonVariable})");
        return new TwinLauncher(interpreter, Path.GetFullPath(script), TimeSpan.FromMinutes(10));
    }

    private static void CheckThreads(int? threads)
    {
        if (threads is { } t && t < 1) throw new ArgumentException($"--threads must be >= 1, got {t}");
    }

    private static void PrintList(IAnsiConsole console)
    {
        var table = new Table().AddColumn("target").AddColumn("twin").AddColumn("what").AddColumn("settings (--set key=value)");
        foreach (var t in BenchRegistry.Targets)
            table.AddRow(t.Name, t.HasTwin ? "yes" : "-", Markup.Escape(t.Description),
                Markup.Escape(string.Join(" ", t.Defaults.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"))));
        console.Write(table);
    }

    private static string F(double v, string format = "F3") => v.ToString(format, CultureInfo.InvariantCulture);

    private static string Rate(double v) => BenchFormat.Rate(v);

    private static string Time(double seconds) => BenchFormat.Time(seconds);

    private static void Print(IAnsiConsole console, BenchReport r)
    {
        var e = r.Environment;
        console.WriteLine($"zsl bench {r.Target} | {e.Date} | commit {e.Commit} | device {e.Device} ({e.DeviceName})");
        console.WriteLine($"engine ABI {e.EngineAbi} | libtorch {e.LibTorch} | CUDA {e.Cuda ?? "none"} | .NET {e.DotNet} | torch threads {e.TorchThreads} | " +
                          $"malloc mmap threshold {(e.MallocMmapThreshold is { } mmap ? $"{mmap >> 20} MiB" : "glibc default")} | " +
                          $"load average {(e.LoadAverage is null ? "n/a" : string.Join(" ", e.LoadAverage.Select(x => F(x, "F2"))))}");
        if (r.Twin is { } tw) console.WriteLine($"PyTorch twin: torch {tw.Torch} on {tw.Device} ({tw.Python})");
        console.WriteLine($"warm-up {r.Repetitions.Warmup}, repetitions {r.Repetitions.Reps}; " +
                          string.Join(" ", r.Settings.Select(kv => $"{kv.Key}={kv.Value}")));
        var table = new Table().AddColumn("measurement").AddColumn(new TableColumn("ours median").RightAligned())
            .AddColumn(new TableColumn("min / max").RightAligned()).AddColumn(new TableColumn("ours /s").RightAligned());
        bool twin = r.Measurements.Any(m => m.PyTorch is not null);
        if (twin)
            table.AddColumn(new TableColumn("PyTorch median").RightAligned()).AddColumn(new TableColumn("PyTorch /s").RightAligned())
                .AddColumn(new TableColumn("ratio").RightAligned()).AddColumn(new TableColumn("CPU-time ratio").RightAligned());
        foreach (var m in r.Measurements)
        {
            var row = new List<string>
            {
                Markup.Escape(m.Name), Time(m.Ours.Wall.Median), $"{Time(m.Ours.Wall.Min)} / {Time(m.Ours.Wall.Max)}",
                $"{Rate(m.Throughput)} {m.ItemUnit}",
            };
            if (twin)
                row.AddRange(m.PyTorch is { } p
                    ? [Time(p.Wall.Median), $"{Rate(m.PyTorchThroughput!.Value)} {m.ItemUnit}", F(m.Ratio!.Value, "F2") + "x",
                       m.CpuRatio is { } c ? F(c, "F2") + "x" : "-"]
                    : ["-", "-", "-", "-"]);
            table.AddRow(row.ToArray());
        }
        console.Write(table);
        foreach (var (k, v) in r.Metrics) console.WriteLine($"{k}: {v.ToString("G6", CultureInfo.InvariantCulture)}");
        foreach (var n in r.Notes) console.WriteLine("note: " + n);
    }

    /// <summary>bench/lesa_twin.py in the working folder or a folder above it, or above the app.</summary>
    internal static string? FindTwinScript()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "bench", "lesa_twin.py");
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }

    /// <summary>How to start this `zsl` again: the apphost, or `dotnet zsl.dll`.</summary>
    internal static IReadOnlyList<string>? SelfCommandLine()
    {
        var process = Environment.ProcessPath;
        if (process is null) return null;
        var entry = System.Reflection.Assembly.GetEntryAssembly();
        if (entry?.GetName().Name != "zsl") return null;   // e.g. inside a test host
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, entry.Location] : [process];
    }
}
