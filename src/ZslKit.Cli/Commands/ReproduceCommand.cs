using System.CommandLine;
using ZslKit.Notebooks;
using ZslKit.Reporting;

namespace ZslKit.Cli.Commands;

/// <summary>
/// `zsl reproduce [--quick]`: runs every notebook in notebooks/ (quick mode injects quick=true into each "parameters" cell) into
/// artifacts/notebooks/, then builds the report in artifacts/report/.
/// Everything is checked first (options, every notebook and its parameters, the output folders); a refused run changes nothing.
/// The executed notebooks of the last run are moved to artifacts/notebooks.previous/ (so the report shows no stale notebooks)
/// and deleted only when every notebook of the new run succeeded; after a failed run they stay there (a later run keeps that
/// folder and replaces only artifacts/notebooks/) until a run succeeds.
/// Exit codes: 0 success; 1 a notebook failed or timed out, or the report could not be built; 2 bad input, nothing run.
/// </summary>
internal static class ReproduceCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Quick mode: small data and few steps (injects quick=true)." };
        var param = new Option<string[]>("--param", "-p") { Description = "Extra name=value parameters for every notebook." };
        var timeout = new Option<int>("--timeout") { Description = "Seconds per notebook.", DefaultValueFactory = _ => 3600 };
        var parallel = new Option<int>("--parallel", "-j")
        {
            Description = "Notebooks run at once.",
            DefaultValueFactory = _ => Math.Max(1, Environment.ProcessorCount / 2),
        };
        var png = new Option<bool>("--png") { Description = "Also write chart PNGs with headless Chromium." };
        var command = new Command("reproduce", "Run every notebook in notebooks/ and build the report.") { quick, param, timeout, parallel, png };
        command.SetAction(async (parse, cancel) =>
        {
            var parameters = new List<KeyValuePair<string, string>>();
            try
            {
                parameters.AddRange((parse.GetValue(param) ?? []).Select(ParameterInjector.ParseAssignment));
            }
            catch (ParameterException e)
            {
                Console.Error.WriteLine($"zsl reproduce: {CliErrors.Message(e)}");
                return NotebooksCommand.BadInput;
            }
            if (parse.GetValue(quick) && parameters.All(p => p.Key != "quick")) parameters.Insert(0, new("quick", "true"));
            if (NotebooksCommand.BatchLimitsProblem(parse.GetValue(timeout), parse.GetValue(parallel)) is { } limits)
            {
                Console.Error.WriteLine($"zsl reproduce: {limits}");
                return NotebooksCommand.BadInput;
            }
            var settings = new NotebookBatchOptions
            {
                Parameters = parameters,
                Timeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
                MaxParallel = parse.GetValue(parallel),
            };
            var outDir = FromRepo("artifacts", "notebooks");
            var previous = outDir + ".previous";
            var reportDir = FromRepo("artifacts", "report");
            if ((OutputPaths.FolderProblem(previous) ?? OutputPaths.FolderProblem(reportDir)) is { } problem)
            {
                Console.Error.WriteLine($"zsl reproduce: {problem}");
                return NotebooksCommand.BadInput;
            }
            if (parse.GetValue(png) && HeadlessChromium.Find() is null)
            {
                Console.Error.WriteLine($"zsl reproduce: {ReportCommand.ChromiumNeeded}");
                return ReportCommand.Failed;
            }
            if (NotebooksCommand.PlanBatch("reproduce", [FromRepo("notebooks")], outDir, null, settings) is not { } jobs)
                return NotebooksCommand.BadInput;

            // The last run's notebooks go aside (no stale notebooks in the report) and are deleted only after a run that succeeds.
            if (Directory.Exists(outDir))
            {
                if (Directory.Exists(previous)) Directory.Delete(outDir, recursive: true); // a failed run's; its predecessor is kept
                else Directory.Move(outDir, previous);
            }
            var code = await NotebooksCommand.RunBatchAsync("reproduce", jobs, outDir, settings, cancel);
            if (code == 0 && Directory.Exists(previous)) Directory.Delete(previous, recursive: true);
            else if (Directory.Exists(previous))
                Console.Error.WriteLine(
                    $"zsl reproduce: the executed notebooks from before this run are kept in {previous} (deleted by the next run that succeeds)");
            if (code == 2) return code;
            var report = ReportCommand.Build(outDir, reportDir, parse.GetValue(png), Console.Out, Console.Error, "reproduce");
            return code != 0 ? code : report;
        });
        return command;
    }

    /// <summary>A path under the repository root (the folder above the working directory holding ZslKit.sln), else under the working directory.</summary>
    internal static string FromRepo(params string[] parts)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ZslKit.sln"))) return Path.Combine([dir.FullName, .. parts]);
        return Path.Combine([Directory.GetCurrentDirectory(), .. parts]);
    }
}
