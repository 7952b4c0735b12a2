// OutputPaths.cs - checks of an output path given on the command line, made before any work so that a bad path fails
// with one line naming the option instead of after minutes of measuring.
namespace ZslKit.Cli.Commands;

internal static class OutputPaths
{
    /// <summary>
    /// Checks that <paramref name="path"/> (the value of <paramref name="option"/>) can be written as a file: not empty, not
    /// an existing folder, and its nearest existing ancestor is a folder (so the missing folders can be created). Throws an
    /// ArgumentException naming the option otherwise.
    /// </summary>
    public static void CheckFile(string path, string option)
    {
        var full = Full(path, option);
        if (Directory.Exists(full) || Path.EndsInDirectorySeparator(path))
            throw new ArgumentException($"{option}: {path} is a folder, not a file");
        CheckAncestors(full, path, option);
    }

    /// <summary>Checks that <paramref name="path"/> (the value of <paramref name="option"/>) can be used as an output folder:
    /// not empty, not an existing file, and its nearest existing ancestor is a folder. Throws an ArgumentException naming the
    /// option otherwise.</summary>
    public static void CheckFolder(string path, string option)
    {
        var full = Full(path, option);
        if (File.Exists(full)) throw new ArgumentException($"{option}: {path} is a file, not a folder");
        CheckAncestors(full, path, option);
    }

    private static string Full(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException($"{option}: the path is empty");
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new ArgumentException($"{option}: '{path}' is not a usable path ({CliErrors.Message(e)})", e);
        }
    }

    private static void CheckAncestors(string full, string path, string option)
    {
        for (var dir = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(full)); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(dir)) return;
            if (File.Exists(dir)) throw new ArgumentException($"{option}: {path}: {dir} is a file, not a folder");
        }
    }
}
