// CliInvocation.cs - parses and runs a `zsl` command line. One that does not parse exits 2 with one line per error,
// "zsl <command>: <error>", and a pointer to that command's --help, in place of System.CommandLine's full help text and
// exit 1; its messages name the value a typed option expects ("an integer") instead of a .NET type.
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;
using ZslKit.Cli.Commands;

namespace ZslKit.Cli;

internal static partial class CliInvocation
{
    /// <summary>The exit code of a command line that does not parse (the commands' own bad-input code).</summary>
    public const int BadInput = 2;

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (option|command|argument) '(?<name>.*?)' as expected type '(?<type>.*?)'\.?$")]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"^Unrecognized command or argument '(?<token>.*)'\.?$")]
    private static partial Regex Unrecognized();

    [GeneratedRegex(@"^Required argument missing for (option|command): '(?<name>.*?)'\.?$")]
    private static partial Regex MissingArgument();

    /// <summary>The `zsl` root command with every sub-command.</summary>
    public static RootCommand CreateRoot() => new("ZslKit: attention-based zero-shot learning, reproduced in C#.")
    {
        InfoCommand.Create(),
        MetricsCommand.Create(),
        NotebooksCommand.Create(),
        ReportCommand.Create(),
        ReproduceCommand.Create(),
        TrainCommand.Create(),
        ExtractCommand.Create(),
        BenchCommand.Create(),
        SelftestCommand.Create(),
        DataCommand.Create(),
    };

    /// <summary>Parses <paramref name="args"/> against <paramref name="root"/> and invokes it, or reports the parse errors.</summary>
    public static Task<int> InvokeAsync(RootCommand root, IReadOnlyList<string> args, InvocationConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parse = root.Parse(args);
        if (parse.Errors.Count == 0) return parse.InvokeAsync(configuration);
        var error = configuration?.Error ?? Console.Error;
        var path = CommandPath(parse.CommandResult);
        var lines = parse.Errors.Select(e => Reword(e.Message, parse.CommandResult.Command)).Distinct().ToList();
        if (lines.Any(l => l.StartsWith("unknown command", StringComparison.Ordinal)))
            lines.RemoveAll(l => l.StartsWith("a command is required", StringComparison.Ordinal));   // said by the unknown one
        foreach (var line in lines) error.WriteLine($"{path}: {line}");
        error.WriteLine($"Run '{path} --help' for usage.");
        return Task.FromResult(BadInput);
    }

    /// <summary>"zsl bench", "zsl data lesa-stores": the names from the root down to the command that was reached.</summary>
    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Add(c.Parent is null ? "zsl" : c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>A System.CommandLine message in the words the commands use.</summary>
    internal static string Reword(string message, Command command)
    {
        var text = message.ReplaceLineEndings(" ").Trim();
        if (CannotParse().Match(text) is { Success: true } m)
            return $"{m.Groups["name"].Value}: '{m.Groups["value"].Value}' is not {Expected(m.Groups["type"].Value)}";
        if (Unrecognized().Match(text) is { Success: true } u)
        {
            var token = u.Groups["token"].Value;
            if (token.StartsWith('-')) return $"unknown option '{token}'";
            return VisibleSubcommands(command) is { Count: > 0 } known
                ? $"unknown command '{token}' (commands: {string.Join(", ", known)})"
                : $"unexpected argument '{token}'";
        }
        if (MissingArgument().Match(text) is { Success: true } a)
            return $"{a.Groups["name"].Value} needs a value";
        if (text.StartsWith("Required command was not provided", StringComparison.Ordinal))
            return VisibleSubcommands(command) is { Count: > 0 } known ? $"a command is required: {string.Join(", ", known)}" : "a command is required";
        return text.TrimEnd('.');
    }

    private static List<string> VisibleSubcommands(Command command) => command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();

    /// <summary>What a value of the .NET type <paramref name="type"/> looks like to a user.</summary>
    private static string Expected(string type) => type switch
    {
        "System.Int32" or "System.Int64" or "System.Int16" => "an integer",
        "System.UInt32" or "System.UInt64" or "System.UInt16" or "System.Byte" => "a non-negative integer",
        "System.Double" or "System.Single" or "System.Decimal" => "a number",
        "System.Boolean" => "true or false",
        var t when t.StartsWith("System.Nullable`1[", StringComparison.Ordinal) => Expected(t["System.Nullable`1[".Length..^1]),
        var t when t.EndsWith("[]", StringComparison.Ordinal) => Expected(t[..^2]),
        _ => "a valid value",
    };
}
