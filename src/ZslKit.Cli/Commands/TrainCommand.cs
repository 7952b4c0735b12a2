// TrainCommand.cs - `zsl train <method>`: resolves a config (method defaults, optional --config file, --set overrides),
// runs it for each seed into artifacts/runs/<paper>/<experiment>/<run-id>/ and prints the mean ± std over seeds.
// Progress is a Spectre.Console bar on an interactive terminal and plain periodic lines when output is redirected.
// Exit codes: 0 done; 1 a seed stopped on a NaN/Inf loss; 2 bad input (one line on stderr; config, method checks, --seeds,
// --runs and finished run folders are all checked before anything trains or any run folder is made).
using System.CommandLine;
using System.Globalization;
using System.Numerics;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZslKit.Experiments.Config;
using ZslKit.Experiments.Demo;
using ZslKit.Experiments.Lesa;
using ZslKit.Experiments.Runs;
using ZslKit.Experiments.Training;
using ZslKit.Torch;

namespace ZslKit.Cli.Commands;

/// <summary>`zsl train`: one method, one config, one or more seeds.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        LinearDemoMethod.Register();
        LesaExperiment.Register();
        var method = new Argument<string>("method") { Description = "Registered method name (zsl train --list shows them)." , Arity = ArgumentArity.ZeroOrOne };
        var config = new Option<string?>("--config", "-c") { Description = "Config JSON file (replaces the method's defaults)." };
        var preset = new Option<string?>("--preset", "-p") { Description = "A named config of the method instead of its defaults (zsl train --list shows them)." };
        var set = new Option<string[]>("--set", "-s")
        {
            Description = "key=value override of a config field (dotted path, e.g. training.epochs=5, lossWeights.rel=0.5); repeatable.",
            AllowMultipleArgumentsPerToken = false,
        };
        var seeds = new Option<string?>("--seeds") { Description = "Comma-separated seeds (default: the config's seed)." };
        var runs = new Option<string>("--runs")
        {
            Description = "Folder for run folders.",
            DefaultValueFactory = _ => Path.Combine("artifacts", "runs"),
        };
        var force = new Option<bool>("--force") { Description = "Redo finished runs." };
        var noResume = new Option<bool>("--no-resume") { Description = "Start over instead of resuming from a checkpoint." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the resolved config, its hash and run folder; train nothing." };
        var list = new Option<bool>("--list") { Description = "List the registered methods." };

        var command = new Command("train", "Train a method from its config into a run folder (config, provenance, metrics, checkpoints).")
        {
            method, config, preset, set, seeds, runs, force, noResume, dryRun, list,
        };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            int Bad(string message)
            {
                stderr.WriteLine($"zsl train: {message}");
                return 2;
            }
            var name = parse.GetValue(method);
            if (parse.GetValue(list))
            {
                // --list only lists: a method or another option with it is refused rather than ignored.
                var given = new Option[] { config, preset, set, seeds, runs, force, noResume, dryRun }
                    .Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToList();
                if (name is not null) given.Insert(0, $"method '{name}'");
                if (given.Count > 0) return Bad($"--list takes no method or other options (got {string.Join(", ", given)})");
                var all = MethodRegistry.All;
                if (all.Count == 0) stdout.WriteLine("no methods registered yet");
                foreach (var m in all)
                {
                    stdout.WriteLine($"{m.Name,-16} {m.Description}");
                    foreach (var p in m.Presets ?? []) stdout.WriteLine($"  --preset {p.Name,-17} {p.Description}");
                }
                return 0;
            }
            if (string.IsNullOrWhiteSpace(name)) return Bad("name a method (zsl train --list shows them)");
            var runsRoot = parse.GetValue(runs)!;
            MethodEntry entry;
            ExperimentConfig resolved;
            List<int> seedList;
            try
            {
                entry = MethodRegistry.Get(name);   // unknown method: names the registered ones
                var path = parse.GetValue(config);
                var presetName = parse.GetValue(preset);
                if (path is not null && presetName is not null) throw new ArgumentException("give --config or --preset, not both");
                var baseConfig = path is not null ? LoadConfig(path, entry.Name)
                    : presetName is not null ? entry.Preset(presetName)
                    : entry.Defaults;
                // The method's own checks (options, loss weights, dataset, selection metric) run before any run folder is made.
                resolved = entry.Validate(ConfigJson.ApplyOverrides(baseConfig with { Method = entry.Name }, parse.GetValue(set) ?? []));
                seedList = ParseSeeds(parse.GetValue(seeds), resolved.Seed);
                OutputPaths.CheckFolder(runsRoot, "--runs");
                foreach (var s in seedList) OutputPaths.CheckFolder(RunRecord.FolderFor(runsRoot, resolved with { Seed = s }), "run folder");
                // A finished run that cannot be read back is reported before any seed trains (--force redoes it anyway).
                if (!parse.GetValue(dryRun) && !parse.GetValue(force))
                    foreach (var s in seedList) RunRecord.TryLoad(RunRecord.FolderFor(runsRoot, resolved with { Seed = s }));
            }
            catch (Exception e) when (e is ArgumentException or IOException or FormatException or UnauthorizedAccessException or InvalidDataException)
            {
                return Bad(CliErrors.Message(e));
            }
            if (parse.GetValue(dryRun))
            {
                stdout.WriteLine(ConfigJson.Serialize(resolved));
                foreach (var s in seedList)
                {
                    var c = resolved with { Seed = s };
                    stdout.WriteLine($"seed {s}: hash {ConfigJson.Hash(c)} -> {RunRecord.FolderFor(runsRoot, c)}");
                }
                return 0;
            }
            var records = new List<RunRecord>();
            foreach (var s in seedList)
            {
                var c = resolved with { Seed = s };
                RunRecord record;
                try
                {
                    record = WithProgress(stdout, progress => entry.Run(c, new RunOptions(runsRoot, progress, Resume: !parse.GetValue(noResume),
                        Force: parse.GetValue(force))));
                }
                catch (Exception e) when (e is CudaUnavailableException or ArgumentException)
                {
                    // A device that cannot be used, or a setting the trainer refuses (e.g. training.cudaGraph on the CPU):
                    // the run stopped before its first step.
                    stderr.WriteLine($"zsl train: seed {s}: {CliErrors.Message(e)}");
                    return 2;
                }
                stdout.WriteLine($"seed {s}: {record.Final.Stop} -> {record.Folder}");
                if (record.Final.Message is { } msg) stdout.WriteLine($"  {msg}");
                records.Add(record);
            }
            foreach (var g in SeedAggregate.Aggregate(records))
                foreach (var (metric, summary) in g.Test)
                    stdout.WriteLine($"test {metric}: {summary.Format(4)} over {summary.Count} seed(s){(g.Synthetic ? " [synthetic data]" : "")}");
            return records.Any(r => r.Final.Stop == nameof(StopReason.NonFiniteLoss)) ? 1 : 0;
        });
        return command;
    }

    /// <summary>The --seeds list (the config's seed when the option is not given): at least one, each a config seed (an int),
    /// none twice.</summary>
    private static List<int> ParseSeeds(string? text, int fallback)
    {
        if (text is null) return [fallback];
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new FormatException($"--seeds: no seeds in '{text}' (give e.g. 0,1,2)");
        var list = new List<int>();
        foreach (var s in parts)
        {
            if (!BigInteger.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big))
                throw new FormatException($"--seeds: '{s}' is not an integer");
            if (big < int.MinValue || big > int.MaxValue)
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"--seeds: '{s}' is not a seed ({int.MinValue} to {int.MaxValue})"));
            if (list.Contains((int)big)) throw new FormatException($"--seeds: seed {s} is given twice");
            list.Add((int)big);
        }
        return list;
    }

    /// <summary>Reads the --config file; a file that names another method than the command line is refused.</summary>
    private static ExperimentConfig LoadConfig(string path, string method)
    {
        if (Directory.Exists(path)) throw new ArgumentException($"--config: {path} is a folder, not a config file");
        if (!File.Exists(path)) throw new ArgumentException($"--config: file not found: {path}");
        try
        {
            var config = ConfigJson.Load(path);
            // The file is valid JSON now; its "method" is looked at as written (the record fills in a default when absent).
            if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject o && o["method"] is JsonValue v && v.GetValue<string>() is var named &&
                !string.Equals(named, method, StringComparison.OrdinalIgnoreCase))
                throw new ArgumentException($"--config: {path} is a config of method '{named}', not '{method}' (train '{named}', or change the file's method)");
            return config;
        }
        catch (UnauthorizedAccessException) { throw new ArgumentException($"--config: cannot read {path} (permission denied)"); }
    }


    /// <summary>Runs <paramref name="run"/> with a Spectre progress bar when the terminal is interactive, plain lines otherwise.</summary>
    private static RunRecord WithProgress(TextWriter output, Func<ITrainingProgress, RunRecord> run)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected || !ReferenceEquals(output, Console.Out))
            return run(new PlainProgress(output));
        RunRecord? result = null;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx => result = run(new SpectreProgress(ctx)));
        return result!;
    }

    /// <summary>One bar over all steps; its description shows epoch, last loss and the validation selection metric.</summary>
    private sealed class SpectreProgress(ProgressContext ctx) : ITrainingProgress
    {
        private ProgressTask? _task;
        private int _epochs, _steps;
        private string _metric = "";

        public void OnStart(int startEpoch, int epochs, int stepsPerEpoch)
        {
            (_epochs, _steps) = (epochs, stepsPerEpoch);
            _task = ctx.AddTask("training", maxValue: Math.Max(1, (double)(epochs - startEpoch) * stepsPerEpoch));
        }

        public void OnStep(int epoch, int step, double loss)
        {
            if (_task is null) return;
            _task.Increment(1);
            _task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch + 1}/{_epochs} step {step + 1}/{_steps} loss {loss:F4}{_metric}"));
        }

        public void OnEpoch(EpochRecord record, string selectionMetric) =>
            _metric = record.Validation.TryGetValue(selectionMetric, out var v) ? string.Create(CultureInfo.InvariantCulture, $" val {selectionMetric} {v:F4}") : "";

        public void OnMessage(string message) => AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(message)}[/]");
    }
}
