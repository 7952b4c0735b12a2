using System.CommandLine;
using ZslKit.Notebooks;
using ZslKit.Reporting;

namespace ZslKit.Cli.Commands;

/// <summary>
/// `zsl reproduce [--quick]`: runs every notebook in notebooks/ (quick mode injects quick=true into each "parameters" cell) into
/// artifacts/notebooks/, then builds the report in artifacts/report/.
/// Everything is checked first (options, every notebook and its parameters, the output folders); a refused run changes nothing.
/// A run marks artifacts/notebooks/ with <see cref="FailedMarker"/> while it runs and after it fails (removed when every
/// notebook succeeded). The last good executed notebooks are moved to artifacts/notebooks.previous/ before a run (so the report
/// shows no stale notebooks) and deleted only when every notebook of the new run succeeded; a marked folder is a failed or
/// unfinished run's output and is deleted instead when a previous folder is kept. Deleting renames a folder to
/// artifacts/notebooks.deleting-*/ first; a deletion that fails is a warning, and each run removes such leftovers.
/// Exit codes: 0 success; 1 a notebook failed or timed out, artifacts/notebooks/ could not be set aside, Chromium is missing
/// for --png, or the report could not be built; 2 bad input, nothing run.
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

            if (Prepare(outDir, previous) is { } cannot)
            {
                Console.Error.WriteLine($"zsl reproduce: {cannot}");
                return ReportCommand.Failed;
            }
            var failed = new List<string>();
            var code = await NotebooksCommand.RunBatchAsync("reproduce", jobs, outDir, settings, cancel, failed);
            var marker = Path.Combine(outDir, FailedMarker);
            if (code == 0)
            {
                // Marker first: cut off after this, the next run keeps this output and deletes the stale previous.
                try { File.Delete(marker); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"zsl reproduce: warning: could not remove {marker}: {CliErrors.Message(e)}");
                }
                if (Directory.Exists(previous))
                {
                    try { DeleteTrash(MoveAside(previous, outDir)); }
                    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                    {
                        Console.Error.WriteLine($"zsl reproduce: warning: could not delete {previous}: {CliErrors.Message(e)} (the next run tries again)");
                    }
                }
            }
            else
            {
                var text = $"zsl reproduce failed at {DateTime.Now:O}\n" + string.Concat(failed.Select(f => $"failed: {f}\n"));
                if (OutputPaths.Write(marker, text) is { } notWritten)
                    Console.Error.WriteLine($"zsl reproduce: warning: could not record the failure in {marker}: {notWritten}");
                if (Directory.Exists(previous))
                    Console.Error.WriteLine(
                        $"zsl reproduce: the executed notebooks from before this run are kept in {previous} (deleted by the next run that succeeds)");
            }
            if (code == 2) return code;
            var report = ReportCommand.Build(outDir, reportDir, parse.GetValue(png), Console.Out, Console.Error, "reproduce");
            return code != 0 ? code : report;
        });
        return command;
    }

    /// <summary>
    /// The file in artifacts/notebooks/ that marks the output of a run that is running, was cut off or failed (its text: when,
    /// and which notebooks failed). A folder without it holds good output (a run that succeeded, or `zsl notebooks run`).
    /// </summary>
    internal const string FailedMarker = ".reproduce-failed";

    /// <summary>
    /// Clears <paramref name="outDir"/> for a run: removes leftover folders of earlier deletions; deletes a marked output when
    /// <paramref name="previous"/> is kept, else moves the output to <paramref name="previous"/> (deleting a stale one first);
    /// then creates <paramref name="outDir"/> holding the marker. Returns why it could not, or null.
    /// </summary>
    private static string? Prepare(string outDir, string previous)
    {
        RemoveLeftovers(outDir);
        try
        {
            if (Directory.Exists(outDir))
            {
                if (File.Exists(Path.Combine(outDir, FailedMarker)) && Directory.Exists(previous))
                    DeleteTrash(MoveAside(outDir, outDir)); // a failed run's output; the good one before it is in previous
                else
                {
                    if (Directory.Exists(previous)) DeleteTrash(MoveAside(previous, outDir)); // stale: older than outDir
                    Directory.Move(outDir, previous);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot set aside the executed notebooks in {outDir}: {CliErrors.Message(e)}";
        }
        if (OutputPaths.Write(Path.Combine(outDir, FailedMarker), $"zsl reproduce started at {DateTime.Now:O} and has not finished\n")
            is { } problem)
        {
            try { Directory.Delete(outDir); } // only if empty: an unmarked folder would pass for good output
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            return $"cannot write {Path.Combine(outDir, FailedMarker)}: {problem}";
        }
        return null;
    }

    /// <summary>Renames <paramref name="folder"/> to a new outDir.deleting-* folder (one atomic step) and returns that name.</summary>
    private static string MoveAside(string folder, string outDir)
    {
        var trash = $"{outDir}.deleting-{Guid.NewGuid():N}";
        Directory.Move(folder, trash);
        return trash;
    }

    /// <summary>Deletes a folder that <see cref="MoveAside"/> made; a failure is a warning on stderr (the next run tries again).</summary>
    private static void DeleteTrash(string trash)
    {
        try { Directory.Delete(trash, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"zsl reproduce: warning: could not delete {trash}: {CliErrors.Message(e)} (the next run tries again)");
        }
    }

    /// <summary>Removes the outDir.deleting-* folders that a cut-off or failed deletion left (best effort).</summary>
    private static void RemoveLeftovers(string outDir)
    {
        var parent = Path.GetDirectoryName(outDir)!;
        List<string> leftovers;
        try { leftovers = Directory.Exists(parent) ? [.. Directory.EnumerateDirectories(parent, Path.GetFileName(outDir) + ".deleting-*")] : []; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"zsl reproduce: warning: could not list {parent}: {CliErrors.Message(e)}");
            return;
        }
        foreach (var trash in leftovers) DeleteTrash(trash);
    }

    /// <summary>A path under the repository root (the folder above the working directory holding ZslKit.sln), else under the working directory.</summary>
    internal static string FromRepo(params string[] parts)
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ZslKit.sln"))) return Path.Combine([dir.FullName, .. parts]);
        return Path.Combine([Directory.GetCurrentDirectory(), .. parts]);
    }
}
