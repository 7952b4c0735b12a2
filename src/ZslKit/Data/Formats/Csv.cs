// RFC 4180 CSV reader: comma-separated fields, double-quoted fields with "" escapes and embedded line breaks,
// CRLF or LF record ends, an optional UTF-8 byte order mark, an optional header row. Parses bytes so errors carry
// exact byte offsets; fields are decoded as UTF-8.
using System.Text;

namespace ZslKit.Data.Formats;

/// <summary>A parsed CSV file: the header (empty when the file has none) and the records.</summary>
public sealed class CsvTable
{
    internal CsvTable(string file, string[] header, List<string[]> rows) { File = file; Header = header; Rows = rows; }

    public string File { get; }
    public string[] Header { get; }
    public IReadOnlyList<string[]> Rows { get; }

    /// <summary>Index of the header column <paramref name="name"/>; a <see cref="DataFormatException"/> when absent.</summary>
    public int Column(string name)
    {
        var i = Array.IndexOf(Header, name);
        return i >= 0 ? i : throw new DataFormatException(File, 0, $"no column '{name}' in header [{string.Join(",", Header)}]");
    }

    /// <summary>All values of column <paramref name="name"/>.</summary>
    public string[] ColumnValues(string name)
    {
        var c = Column(name);
        return Rows.Select(r => r[c]).ToArray();
    }
}

/// <summary>Reads RFC 4180 CSV files.</summary>
public static class Csv
{
    /// <summary>Largest CSV file read into memory (label and list files are far smaller).</summary>
    public const long MaxFileBytes = 1L << 30;

    /// <summary>Reads <paramref name="path"/>; with <paramref name="hasHeader"/> the first record is the header and
    /// every record must have as many fields as it, otherwise all records must have as many fields as the first.</summary>
    public static CsvTable Read(string path, bool hasHeader = true)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxFileBytes) throw new DataFormatException(path, 0, $"CSV file of {length} bytes exceeds the {MaxFileBytes}-byte limit");
        return Parse(File.ReadAllBytes(path), path, hasHeader);
    }

    /// <summary>Parses CSV bytes; <paramref name="name"/> is used in error messages.</summary>
    public static CsvTable Parse(ReadOnlySpan<byte> data, string name, bool hasHeader = true)
    {
        var records = new List<string[]>();
        var offsets = new List<long>();
        var fields = new List<string>();
        var field = new List<byte>();
        var pos = data.StartsWith("\uFEFF"u8) ? 3 : 0;
        var recordStart = (long)pos;
        while (pos < data.Length)
        {
            // One field.
            field.Clear();
            if (data[pos] == '"')
            {
                var quoteAt = pos;
                pos++;
                while (true)
                {
                    if (pos >= data.Length) throw new DataFormatException(name, quoteAt, "unterminated quoted field");
                    var b = data[pos];
                    if (b == '"')
                    {
                        if (pos + 1 < data.Length && data[pos + 1] == '"') { field.Add((byte)'"'); pos += 2; continue; }
                        pos++;
                        break;
                    }
                    field.Add(b);
                    pos++;
                }
                if (pos < data.Length && data[pos] is not ((byte)',' or (byte)'\r' or (byte)'\n'))
                    throw new DataFormatException(name, pos, "unexpected character after a closing quote");
            }
            else
            {
                while (pos < data.Length && data[pos] is not ((byte)',' or (byte)'\r' or (byte)'\n'))
                {
                    if (data[pos] == '"') throw new DataFormatException(name, pos, "quote inside an unquoted field");
                    field.Add(data[pos]);
                    pos++;
                }
            }
            fields.Add(Decode(field, name, pos));

            // Separator or record end.
            if (pos < data.Length && data[pos] == ',')
            {
                pos++;
                if (pos == data.Length) fields.Add("");   // a trailing comma at end of file ends with an empty field
                else continue;
            }
            if (pos < data.Length && data[pos] == '\r') pos++;
            if (pos < data.Length && data[pos] == '\n') pos++;
            // A record holding one empty field is a blank line: skip it.
            if (!(fields.Count == 1 && fields[0].Length == 0)) { records.Add(fields.ToArray()); offsets.Add(recordStart); }
            fields.Clear();
            recordStart = pos;
        }

        string[] header = [];
        var first = 0;
        if (hasHeader)
        {
            if (records.Count == 0) throw new DataFormatException(name, 0, "empty CSV file: no header");
            header = records[0];
            first = 1;
        }
        var width = hasHeader ? header.Length : records.Count > 0 ? records[0].Length : 0;
        for (var i = first; i < records.Count; i++)
            if (records[i].Length != width)
                throw new DataFormatException(name, offsets[i], $"record {i + 1} has {records[i].Length} fields, expected {width}");
        return new CsvTable(name, header, records.GetRange(first, records.Count - first));
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Decode(List<byte> bytes, string name, long pos)
    {
        try { return StrictUtf8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(bytes)); }
        catch (DecoderFallbackException e) { throw new DataFormatException(name, pos - bytes.Count, "field is not valid UTF-8", e); }
    }
}
