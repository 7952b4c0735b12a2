// TFRecord files: a sequence of records framed as uint64 length (LE), masked CRC-32C of those 8 bytes, the data,
// masked CRC-32C of the data. Files may be ZLIB- or GZIP-compressed as a whole (TFRecordOptions compression_type).
using System.Buffers.Binary;
using System.IO.Compression;

namespace ZslKit.Data.Formats;

/// <summary>Whole-file compression of a TFRecord file.</summary>
public enum TfRecordCompression { None, Zlib, Gzip }

/// <summary>Reads records from a TFRecord file, checking both CRCs; errors name the file, byte offset and record.</summary>
public sealed class TfRecordReader : IDisposable
{
    /// <summary>Default largest accepted record (LESA region features are 196 x 512 x 4 bytes = 392 KiB).</summary>
    public const long DefaultMaxRecordBytes = 1L << 30;
    // Deflate expands by at most about 1032:1; bounds the uncompressed size of a compressed file.
    private const long MaxDeflateRatio = 1032;

    private readonly Stream _stream;
    private readonly long _limit;     // upper bound on the bytes the (decompressed) stream can hold
    private readonly long _maxRecord;
    private readonly bool _verify;
    private readonly bool _compressed;
    private long _offset;

    /// <summary>Opens <paramref name="path"/>.</summary>
    public TfRecordReader(string path, TfRecordCompression compression = TfRecordCompression.None, bool verifyChecksums = true,
        long maxRecordBytes = DefaultMaxRecordBytes)
        : this(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), path, compression, verifyChecksums, maxRecordBytes) { }

    /// <summary>Reads from <paramref name="stream"/> (owned and disposed by the reader); <paramref name="name"/> appears in errors.</summary>
    public TfRecordReader(Stream stream, string name, TfRecordCompression compression = TfRecordCompression.None,
        bool verifyChecksums = true, long maxRecordBytes = DefaultMaxRecordBytes)
    {
        Name = name;
        var length = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue / MaxDeflateRatio;
        _compressed = compression != TfRecordCompression.None;
        _stream = compression switch
        {
            TfRecordCompression.Zlib => new ZLibStream(stream, CompressionMode.Decompress),
            TfRecordCompression.Gzip => new GZipStream(stream, CompressionMode.Decompress),
            _ => stream,
        };
        _limit = _compressed ? length * MaxDeflateRatio : length;
        _maxRecord = maxRecordBytes;
        _verify = verifyChecksums;
    }

    public string Name { get; }
    /// <summary>Records read so far.</summary>
    public long RecordIndex { get; private set; }

    private DataFormatException Error(long at, string message, Exception? inner = null) =>
        new(Name, at, $"record {RecordIndex}{(_compressed ? " (offset in the decompressed stream)" : "")}: {message}", inner);

    /// <summary>Reads the next record, or returns null at a clean end of file.</summary>
    public byte[]? Read()
    {
        var start = _offset;
        Span<byte> header = stackalloc byte[12];
        var got = Fill(header, start);
        if (got == 0) return null;
        if (got < 12) throw Error(start, $"truncated record header ({got} of 12 bytes)");
        var length = BinaryPrimitives.ReadUInt64LittleEndian(header);
        if (_verify && Crc32C.Masked(header[..8]) != BinaryPrimitives.ReadUInt32LittleEndian(header[8..]))
            throw Error(start, "length CRC mismatch (corrupt header)");
        if (length > (ulong)_maxRecord) throw Error(start, $"record of {length} bytes exceeds the {_maxRecord}-byte limit");
        if ((long)length + 4 > _limit - _offset) throw Error(start, $"record of {length} bytes runs past the end of the file");
        var data = new byte[length];
        if (Fill(data, start) < data.Length) throw Error(start, $"truncated record data (expected {length} bytes)");
        Span<byte> footer = stackalloc byte[4];
        if (Fill(footer, start) < 4) throw Error(start, "truncated record: data CRC missing");
        if (_verify && Crc32C.Masked(data) != BinaryPrimitives.ReadUInt32LittleEndian(footer))
            throw Error(start, "data CRC mismatch (corrupt record)");
        RecordIndex++;
        return data;
    }

    /// <summary>All remaining records.</summary>
    public IEnumerable<byte[]> ReadAll()
    {
        while (Read() is { } r) yield return r;
    }

    /// <summary>All records of a file.</summary>
    public static List<byte[]> ReadFile(string path, TfRecordCompression compression = TfRecordCompression.None)
    {
        using var reader = new TfRecordReader(path, compression);
        return reader.ReadAll().ToList();
    }

    private int Fill(Span<byte> buffer, long recordStart)
    {
        var total = 0;
        try
        {
            while (total < buffer.Length)
            {
                var n = _stream.Read(buffer[total..]);
                if (n == 0) break;
                total += n;
            }
        }
        catch (InvalidDataException e) { throw Error(recordStart, "corrupt compressed data: " + e.Message, e); }
        _offset += total;
        return total;
    }

    public void Dispose() => _stream.Dispose();
}

/// <summary>Writes TFRecord files (for tests and conversions).</summary>
public sealed class TfRecordWriter : IDisposable
{
    private readonly Stream _stream;

    public TfRecordWriter(string path, TfRecordCompression compression = TfRecordCompression.None)
        : this(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16), compression) { }

    /// <summary>Writes to <paramref name="stream"/>, which the writer owns and disposes.</summary>
    public TfRecordWriter(Stream stream, TfRecordCompression compression = TfRecordCompression.None)
    {
        _stream = compression switch
        {
            TfRecordCompression.Zlib => new ZLibStream(stream, CompressionLevel.Optimal),
            TfRecordCompression.Gzip => new GZipStream(stream, CompressionLevel.Optimal),
            _ => stream,
        };
    }

    public void Write(ReadOnlySpan<byte> record)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)record.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Masked(header[..8]));
        _stream.Write(header);
        _stream.Write(record);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Masked(record));
        _stream.Write(footer);
    }

    public void Dispose() => _stream.Dispose();
}
