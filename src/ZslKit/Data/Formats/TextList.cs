// Reader for one-item-per-line text files (class lists, label id lists): UTF-8 (BOM tolerated), CRLF or LF,
// items trimmed, blank lines ignored.
using System.Text;

namespace ZslKit.Data.Formats;

/// <summary>Reads line lists such as trainclasses1.txt or classes-trainable.txt.</summary>
public static class TextList
{
    public const long MaxFileBytes = 1L << 30;

    /// <summary>The trimmed, non-blank lines of <paramref name="path"/>.</summary>
    public static string[] Read(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxFileBytes) throw new DataFormatException(path, 0, $"list file of {length} bytes exceeds the {MaxFileBytes}-byte limit");
        var bytes = File.ReadAllBytes(path);
        string text;
        try { text = new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException e) { throw new DataFormatException(path, e.Index, "not valid UTF-8", e); }
        return text.TrimStart('\uFEFF').Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
    }

    /// <summary>The lines of <paramref name="path"/> parsed as non-negative integers (one per line).</summary>
    public static int[] ReadIntegers(string path)
    {
        var lines = Read(path);
        var result = new int[lines.Length];
        for (var i = 0; i < lines.Length; i++)
            if (!int.TryParse(lines[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out result[i]))
                throw new DataFormatException(path, -1, $"line {i + 1}: '{lines[i]}' is not a non-negative integer");
        return result;
    }
}
