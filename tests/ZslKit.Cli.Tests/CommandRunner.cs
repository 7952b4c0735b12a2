// CommandRunner.cs - runs one `zsl` sub-command in-process with captured output: the harness of every CLI test.
using System.CommandLine;

namespace ZslKit.Cli.Tests;

internal static class CommandRunner
{
    /// <summary>Parses <c>[command.Name, ..args]</c> under a root holding only <paramref name="command"/>, invokes it as
    /// `zsl` does (<see cref="CliInvocation"/>: parse errors exit 2) and returns its exit code, stdout and stderr.</summary>
    public static (int Code, string Out, string Err) Run(Command command, params string[] args)
    {
        var root = new RootCommand { command };
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliInvocation.InvokeAsync(root, [command.Name, .. args], new InvocationConfiguration { Output = output, Error = error })
            .GetAwaiter().GetResult();
        return (code, output.ToString(), error.ToString());
    }
}
