// `zsl selftest`: the device checks of ZslKit.Benchmarks.SelfTest, runnable from the published app (the GPU machine has
// no .NET SDK); docs/gpu.md.
using System.CommandLine;
using Spectre.Console;
using ZslKit.Benchmarks;
using ZslKit.Torch;

namespace ZslKit.Cli.Commands;

/// <summary>
/// `zsl selftest [--device cuda] [--json FILE]`. Exit codes: 0 every check passed or was skipped; 1 a check failed, or the
/// --json report could not be written (the table is on stdout); 2 the device is unavailable (message "zsl selftest: cuda
/// requested, but CUDA is not available (...)") or bad input (a malformed --device, an unusable --json path), before any check.
/// </summary>
internal static class SelftestCommand
{
    public const int BadInput = SelfTest.ExitDeviceUnavailable;

    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "cpu or cuda[:N].", DefaultValueFactory = _ => "cpu" };
        var json = new Option<string?>("--json") { Description = "Also write the report as JSON to this file (schema zslkit-selftest/1)." };
        var command = new Command("selftest", "Check the engine on a device: dtype moves, a LESA step equal to the CPU step, errors, leaks.")
        {
            device, json,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            torch.Device dev;
            try
            {
                dev = torch.device(parse.GetValue(device)!);
            }
            catch (ArgumentException e)
            {
                error.WriteLine("zsl selftest: " + CliErrors.Message(e));
                return BadInput;
            }
            if (SelfTest.Unavailable(dev) is { } why)
            {
                error.WriteLine("zsl selftest: " + why);
                return SelfTest.ExitDeviceUnavailable;
            }
            try
            {
                if (parse.GetValue(json) is { } jsonPath) OutputPaths.CheckFile(jsonPath, "--json");
            }
            catch (ArgumentException e)
            {
                error.WriteLine("zsl selftest: " + CliErrors.Message(e));
                return BadInput;
            }
            var report = SelfTest.Run(dev);
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
            console.Profile.Width = Math.Max(console.Profile.Width, 140);   // one line per check in logs and pipes too
            console.WriteLine($"zsl selftest on {report.Device}: libtorch {report.LibTorch}, engine ABI {report.EngineAbi}, CUDA {report.Cuda ?? "none"}");
            var table = new Table().AddColumn("check").AddColumn("status").AddColumn(new TableColumn("s").RightAligned()).AddColumn("detail");
            foreach (var c in report.Checks)
                table.AddRow(c.Name, c.Status, c.Seconds.ToString("F2", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(c.Detail));
            console.Write(table);
            console.WriteLine(report.Passed ? "selftest: all checks passed" : "selftest: FAILED");
            if (parse.GetValue(json) is { } path)
            {
                if (OutputPaths.Write(path, report.ToJson()) is { } notWritten)
                {
                    error.WriteLine($"zsl selftest: --json: the report was not written to {path} ({notWritten})");
                    return SelfTest.ExitFailed;
                }
            }
            return report.ExitCode;
        });
        return command;
    }
}
