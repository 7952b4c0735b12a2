using System.CommandLine;
using ZslKit.Notebooks;
using ZslKit.Reporting;

namespace ZslKit.Cli.Commands;

/// <summary>
/// `zsl report [--in dir] [--out dir] [--png]`: executed notebooks to one offline HTML site (plus chart PNGs).
/// Every notebook is read and rendered before anything is written. Exit codes: 0 success; 1 something needed is missing
/// (Chromium for --png, plotly.js) or writing the site failed; 2 bad input, nothing written: --in is not a folder, --out is a
/// file, or a notebook under --in is not a valid nbformat 4 document (read as `zsl notebooks run` reads it).
/// </summary>
internal static class ReportCommand
{
    /// <summary>Exit code for bad input.</summary>
    internal const int BadInput = 2;

    /// <summary>Exit code when a tool or file the report needs is missing, or writing it failed.</summary>
    internal const int Failed = 1;

    /// <summary>What --png needs, as the commands say it.</summary>
    internal const string ChromiumNeeded = "--png needs Chromium (environment/setup.sh installs Debian's chromium)";

    public static Command Create()
    {
        var input = new Option<string>("--in")
        {
            Description = "Folder of executed notebooks.",
            DefaultValueFactory = _ => ReproduceCommand.FromRepo("artifacts", "notebooks"),
        };
        var output = new Option<string>("--out", "-o")
        {
            Description = "Folder for the site (index.html).",
            DefaultValueFactory = _ => ReproduceCommand.FromRepo("artifacts", "report"),
        };
        var png = new Option<bool>("--png") { Description = "Also write a PNG of every chart with headless Chromium." };
        var command = new Command("report", "Render executed notebooks to an offline HTML site with live charts.") { input, output, png };
        command.SetAction(parse => Build(parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(png),
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>
    /// Builds the site, writing to <paramref name="stdout"/> and <paramref name="stderr"/> lines that start
    /// "zsl <paramref name="command"/>: ". Returns 0, <see cref="Failed"/> or <see cref="BadInput"/>.
    /// </summary>
    internal static int Build(string input, string output, bool png, TextWriter stdout, TextWriter stderr, string command = "report")
    {
        if (!Directory.Exists(input))
        {
            stderr.WriteLine(File.Exists(input)
                ? $"zsl {command}: --in {input} is a file, not a folder"
                : $"zsl {command}: no executed notebooks folder at {input}");
            return BadInput;
        }
        if (OutputPaths.FolderProblem(output, command == "report" ? "--out" : null) is { } problem)
        {
            stderr.WriteLine($"zsl {command}: {problem}");
            return BadInput;
        }
        HeadlessChromium? chromium = null;
        if (png && (chromium = HeadlessChromium.Find()) is null)
        {
            stderr.WriteLine($"zsl {command}: {ChromiumNeeded}");
            return Failed;
        }
        try
        {
            var pages = ReportSite.Build(input, output, chromium, path => Notebook.Load(path).Root);
            stdout.WriteLine($"zsl {command}: {pages.Count} notebook page(s), {pages.Sum(p => p.Charts)} chart(s)" +
                             $"{(png ? $", {pages.Sum(p => p.Pngs.Count)} PNG(s)" : "")} -> {Path.Combine(Path.GetFullPath(output), "index.html")}");
            foreach (var p in pages.Where(p => p.Failed)) stdout.WriteLine($"  failed notebook: {p.Notebook}: {p.FirstError}");
            return 0;
        }
        catch (NotebookFormatException e)
        {
            stderr.WriteLine($"zsl {command}: {CliErrors.Message(e)}");
            return BadInput;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException or InvalidOperationException)
        {
            stderr.WriteLine($"zsl {command}: {CliErrors.Message(e)}");
            return Failed;
        }
    }
}
