// CliErrors.cs - the one-line text of an exception as the commands print it after "zsl <command>: ".
namespace ZslKit.Cli.Commands;

internal static class CliErrors
{
    /// <summary>
    /// <paramref name="e"/>'s message on one line, without the " (Parameter 'x')" and "Actual value was …" parts that .NET
    /// appends to argument exceptions: the parameter name means nothing to a user of the command line.
    /// </summary>
    public static string Message(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var text = e.Message;
        if (e is ArgumentException { ParamName: { } p })
        {
            var at = text.IndexOf($" (Parameter '{p}')", StringComparison.Ordinal);
            if (at >= 0) text = text[..at];
        }
        return text.ReplaceLineEndings(" ").Trim();
    }
}
