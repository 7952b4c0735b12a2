// OutFolder.cs - the check a command makes of a folder it will write into, before it writes or deletes anything.
namespace ZslKit.Cli.Commands;

internal static class OutFolder
{
    /// <summary>
    /// Why <paramref name="path"/> cannot be used as an output folder (a file is there or in place of a folder above it), or null
    /// when it can; <paramref name="option"/> (e.g. "--out") names where the path came from in the message.
    /// </summary>
    public static string? Problem(string path, string? option = null)
    {
        var named = option is null ? path : $"{option} {path}";
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) return $"{named} is a file, not a folder";
        for (var dir = Path.GetDirectoryName(full); dir is not null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(dir)) return $"{named}: {dir} is a file, not a folder";
        return null;
    }
}
