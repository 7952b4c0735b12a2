// CliInvocationTests.cs - a `zsl` command line that does not parse exits 2 with "zsl <command>: <error>" lines in the
// user's terms and a pointer to --help, and prints no help text.
using System.CommandLine;

namespace ZslKit.Cli.Tests;

public class CliInvocationTests
{
    private static (int Code, string Out, string[] Err) Zsl(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliInvocation.InvokeAsync(CliInvocation.CreateRoot(), args, new InvocationConfiguration { Output = output, Error = error })
            .GetAwaiter().GetResult();
        return (code, output.ToString(), error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void An_unknown_option_is_named_with_the_command_and_exits_2_without_the_help_text()
    {
        var (code, stdout, stderr) = Zsl("metrics", "multilabel", "--bogus");
        Assert.Equal(CliInvocation.BadInput, code);
        Assert.Equal("", stdout);
        Assert.Equal(["zsl metrics multilabel: unknown option '--bogus'", "Run 'zsl metrics multilabel --help' for usage."], stderr);
    }

    [Fact]
    public void A_value_that_is_not_a_number_says_what_the_option_takes_not_a_dotnet_type()
    {
        var (code, _, stderr) = Zsl("extract", "--batch", "abc");
        Assert.Equal(CliInvocation.BadInput, code);
        Assert.Equal("zsl extract: --batch: 'abc' is not an integer", stderr[0]);
        Assert.DoesNotContain(stderr, l => l.Contains("System.", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_or_missing_command_lists_the_commands_once()
    {
        var (code, _, stderr) = Zsl("nosuchcmd");
        Assert.Equal(CliInvocation.BadInput, code);
        Assert.Equal(2, stderr.Length);
        Assert.Equal("zsl: unknown command 'nosuchcmd' (commands: info, metrics, notebooks, report, reproduce, train, extract, bench, selftest, data)", stderr[0]);
        (code, _, stderr) = Zsl("data");
        Assert.Equal(CliInvocation.BadInput, code);
        Assert.Equal("zsl data: a command is required: lesa-w2v, lesa-stores", stderr[0]);
    }

    [Fact]
    public void An_option_without_its_value_says_it_needs_one()
    {
        var (code, _, stderr) = Zsl("notebooks", "run", "--timeout");
        Assert.Equal(CliInvocation.BadInput, code);
        Assert.Equal("zsl notebooks run: --timeout needs a value", stderr[0]);
    }

    [Fact]
    public void A_command_line_that_parses_runs_the_command()
    {
        var (code, stdout, stderr) = Zsl("--help");
        Assert.Equal(0, code);
        Assert.Empty(stderr);
        Assert.Contains("ZslKit: attention-based zero-shot learning", stdout);
    }
}
