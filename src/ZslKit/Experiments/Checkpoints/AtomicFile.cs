// AtomicFile.cs - crash-safe file replacement: write a temporary file in the same folder, flush it to disk, then rename
// it over the target. A crash leaves either the old file or the new one, never a half-written target.
namespace ZslKit.Experiments.Checkpoints;

/// <summary>Writes files atomically (temp file + flush + rename).</summary>
public static class AtomicFile
{
    /// <summary>Marker in temporary file names; readers ignore such files.</summary>
    public const string TempMarker = ".tmp-";

    /// <summary>Calls <paramref name="write"/> with a temporary path next to <paramref name="path"/>, then renames it over
    /// <paramref name="path"/>. If <paramref name="write"/> throws, the target is untouched and the temporary file removed.</summary>
    public static void Write(string path, Action<string> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + TempMarker + Guid.NewGuid().ToString("N")[..8];
        try
        {
            write(temp);
            using (var fs = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                fs.Flush(flushToDisk: true);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { /* best effort: readers ignore temp files */ }
            throw;
        }
    }

    public static void WriteAllText(string path, string text) => Write(path, t => File.WriteAllText(t, text));

    /// <summary>True for a leftover temporary file of an interrupted write.</summary>
    public static bool IsTemp(string path) => Path.GetFileName(path).Contains(TempMarker, StringComparison.Ordinal);
}
