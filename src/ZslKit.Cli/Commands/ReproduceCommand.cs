using System.CommandLine;
using ZslKit.Notebooks;

namespace ZslKit.Cli.Commands;

/// <summary>
/// `zsl reproduce [--quick]`: runs every notebook in notebooks/ (quick mode injects quick=true into each "parameters" cell) into
/// artifacts/notebooks/, then builds the report in artifacts/report/.
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
                return 2;
            }
            if (parse.GetValue(quick) && parameters.All(p => p.Key != "quick")) parameters.Insert(0, new("quick", "true"));
            var outDir = FromRepo("artifacts", "notebooks");
            if (Directory.Exists(outDir)) Directory.Delete(outDir, recursive: true); // no stale notebooks in the report
            var code = await NotebooksCommand.RunBatchAsync([FromRepo("notebooks")], outDir, new NotebookBatchOptions
            {
                Parameters = parameters,
                Timeout = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(timeout))),
                MaxParallel = Math.Max(1, parse.GetValue(parallel)),
            }, cancel);
            if (code == 2) return code;
            var report = ReportCommand.Build(outDir, FromRepo("artifacts", "report"), parse.GetValue(png));
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
