// Reader for GloVe text vectors: one "word v1 v2 ... vd" line per word, space separated, every line the same d.
// Streams the file line by line (GloVe files are gigabytes), optionally keeping only a given vocabulary.
using System.Globalization;
using System.Text;

namespace ZslKit.Data.Formats;

/// <summary>Words and their vectors: <see cref="Vectors"/> is row-major [Words.Length, Dim].</summary>
public sealed record WordVectors(string[] Words, float[] Vectors, int Dim)
{
    /// <summary>Row of <paramref name="word"/> or -1.</summary>
    public int IndexOf(string word) => Array.IndexOf(Words, word);

    /// <summary>The vector of row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => Vectors.AsSpan(row * Dim, Dim);
}

/// <summary>Reads GloVe-format text vector files.</summary>
public static class GloveText
{
    /// <summary>Longest accepted line (a 300-d line is about 3 KB).</summary>
    public const int MaxLineBytes = 1 << 20;

    /// <summary>Reads <paramref name="path"/>; when <paramref name="keep"/> is given only those words are returned
    /// (in file order). A first line of exactly two integers (word2vec "count dim" header) is skipped.</summary>
    public static WordVectors Read(string path, IReadOnlySet<string>? keep = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path, keep);
    }

    public static WordVectors Read(Stream stream, string name, IReadOnlySet<string>? keep = null)
    {
        var words = new List<string>();
        var values = new List<float>();
        var dim = -1;
        var lineNo = 0;
        foreach (var (line, offset) in Lines(stream, name))
        {
            lineNo++;
            var text = DecodeLine(line, name, offset).TrimEnd('\r', ' ');
            if (text.Length == 0) continue;
            var parts = text.Split(' ');
            if (lineNo == 1 && parts.Length == 2 && int.TryParse(parts[0], out _) && int.TryParse(parts[1], out _)) continue;
            if (parts.Length < 2) throw new DataFormatException(name, offset, $"line {lineNo}: expected 'word v1 ... vd', got one token");
            var d = parts.Length - 1;
            if (dim < 0) dim = d;
            else if (d != dim) throw new DataFormatException(name, offset, $"line {lineNo}: {d} values, previous lines have {dim}");
            if (keep is not null && !keep.Contains(parts[0])) continue;
            words.Add(parts[0]);
            for (var j = 1; j < parts.Length; j++)
            {
                if (!float.TryParse(parts[j], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                    throw new DataFormatException(name, offset, $"line {lineNo}: value {j} '{parts[j]}' is not a number");
                values.Add(v);
            }
        }
        if (dim < 0) throw new DataFormatException(name, 0, "no vectors in file");
        return new WordVectors(words.ToArray(), values.ToArray(), dim);
    }

    private static string DecodeLine(ReadOnlySpan<byte> line, string name, long offset)
    {
        try { return new UTF8Encoding(false, true).GetString(line); }
        catch (DecoderFallbackException e) { throw new DataFormatException(name, offset, "line is not valid UTF-8", e); }
    }

    /// <summary>Yields each line (without '\n') and its byte offset, refusing lines longer than <see cref="MaxLineBytes"/>.</summary>
    private static IEnumerable<(byte[] Line, long Offset)> Lines(Stream stream, string name)
    {
        var buffer = new byte[1 << 16];
        var pending = new MemoryStream();
        long offset = 0, lineStart = 0;
        int n;
        while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            var start = 0;
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] != '\n') continue;
                pending.Write(buffer, start, i - start);
                yield return (pending.ToArray(), lineStart);
                pending.SetLength(0);
                start = i + 1;
                lineStart = offset + i + 1;
            }
            pending.Write(buffer, start, n - start);
            if (pending.Length > MaxLineBytes) throw new DataFormatException(name, lineStart, $"line longer than {MaxLineBytes} bytes");
            offset += n;
        }
        if (pending.Length > 0) yield return (pending.ToArray(), lineStart);
    }
}
