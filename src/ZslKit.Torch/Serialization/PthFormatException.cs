// The one exception type PthReader raises for malformed, truncated or unsafe .pth files.
namespace ZslKit.Torch.Serialization;

/// <summary>
/// A .pth file could not be read: wrong magic, truncation, a missing or short storage, a forbidden pickle global,
/// an unknown opcode. The message names the file and, where known, the archive entry and the byte offset.
/// </summary>
public sealed class PthFormatException : Exception
{
    public PthFormatException(string filePath, string? entry, long? offset, string problem, Exception? inner = null)
        : base(Compose(filePath, entry, offset, problem), inner)
    {
        FilePath = filePath;
        Entry = entry;
        Offset = offset;
        Problem = problem;
    }

    /// <summary>The file being read.</summary>
    public string FilePath { get; }

    /// <summary>The zip entry (e.g. <c>archive/data.pkl</c>) the problem is in; null for the legacy format.</summary>
    public string? Entry { get; }

    /// <summary>Byte offset of the problem inside <see cref="Entry"/> (or inside the file when Entry is null).</summary>
    public long? Offset { get; }

    /// <summary>The problem without the location prefix.</summary>
    public string Problem { get; }

    private static string Compose(string file, string? entry, long? offset, string problem)
    {
        var where = file;
        if (entry is not null) where += $" [{entry}]";
        if (offset is not null) where += $" at byte {offset}";
        return $"{where}: {problem}";
    }
}
