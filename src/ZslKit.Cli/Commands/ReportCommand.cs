using System.CommandLine;
using ZslKit.Reporting;

namespace ZslKit.Cli.Commands;

/// <summary>`zsl report [--in dir] [--out dir] [--png]`: executed notebooks to one offline HTML site (plus chart PNGs).</summary>
internal static class ReportCommand
{
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
        command.SetAction(parse => Build(parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(png)));
        return command;
    }

    /// <summary>Builds the site; 0 on success, 1 when something needed is missing.</summary>
    internal static int Build(string input, string output, bool png)
    {
        HeadlessChromium? chromium = null;
        if (png && (chromium = HeadlessChromium.Find()) is null)
        {
            Console.Error.WriteLine("zsl report: --png needs Chromium (environment/setup.sh installs Debian's chromium)");
            return 1;
        }
        try
        {
            var pages = ReportSite.Build(input, output, chromium);
            Console.WriteLine($"zsl report: {pages.Count} notebook page(s), {pages.Sum(p => p.Charts)} chart(s)" +
                              $"{(png ? $", {pages.Sum(p => p.Pngs.Count)} PNG(s)" : "")} -> {Path.Combine(Path.GetFullPath(output), "index.html")}");
            foreach (var p in pages.Where(p => p.Failed)) Console.WriteLine($"  failed notebook: {p.Notebook}: {p.FirstError}");
            return 0;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or TimeoutException or InvalidOperationException)
        {
            Console.Error.WriteLine($"zsl report: {CliErrors.Message(e)}");
            return 1;
        }
    }
}
