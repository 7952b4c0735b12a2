// OutputPaths.cs - checks of an output path given on the command line, made before any work or any deletion, so that a
// bad path fails with one line naming the option ("--out PATH is a file, not a folder") instead of after minutes of work.
namespace ZslKit.Cli.Commands;

internal static class OutputPaths
{
    /// <summary>
    /// Why <paramref name="path"/> cannot be written as a file (empty, an existing folder, or a file in place of a folder
    /// above it), or null when it can; the missing folders above it can then be created. <paramref name="option"/> names
    /// where the path came from ("--json").
    /// </summary>
    public static string? FileProblem(string path, string? option = null)
    {
        if (Full(path, option, out var full) is { } bad) return bad;
        if (Directory.Exists(full) || Path.EndsInDirectorySeparator(path)) return $"{Named(path, option)} is a folder, not a file";
        return AncestorProblem(full, path, option);
    }

    /// <summary>Why <paramref name="path"/> cannot be used as an output folder (empty, an existing file, or a file in place
    /// of a folder above it), or null when it can.</summary>
    public static string? FolderProblem(string path, string? option = null)
    {
        if (Full(path, option, out var full) is { } bad) return bad;
        if (File.Exists(full)) return $"{Named(path, option)} is a file, not a folder";
        return AncestorProblem(full, path, option);
    }

    /// <summary><see cref="FileProblem"/> as an ArgumentException.</summary>
    public static void CheckFile(string path, string option)
    {
        if (FileProblem(path, option) is { } problem) throw new ArgumentException(problem);
    }

    /// <summary><see cref="FolderProblem"/> as an ArgumentException.</summary>
    public static void CheckFolder(string path, string option)
    {
        if (FolderProblem(path, option) is { } problem) throw new ArgumentException(problem);
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>, creating the folders above it; returns why it
    /// could not (one line), or null when it was written.</summary>
    public static string? Write(string path, string text)
    {
        try
        {
            var dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (dir is not null) Directory.CreateDirectory(dir);
            File.WriteAllText(path, text);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return CliErrors.Message(e);
        }
    }

    private static string Named(string path, string? option) => option is null ? path : $"{option} {path}";

    private static string? Full(string path, string? option, out string full)
    {
        full = "";
        if (string.IsNullOrWhiteSpace(path)) return $"{option ?? "the output path"}: the path is empty";
        try
        {
            full = Path.GetFullPath(path);
            return null;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return $"{Named($"'{path}'", option)} is not a usable path ({CliErrors.Message(e)})";
        }
    }

    private static string? AncestorProblem(string full, string path, string? option)
    {
        for (var dir = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(full)); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir)) return null;
            if (File.Exists(dir)) return $"{Named(path, option)}: {dir} is a file, not a folder";
        }
        return null;
    }
}
