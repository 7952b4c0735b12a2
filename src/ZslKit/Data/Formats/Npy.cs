using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace ZslKit.Data.Formats;

/// <summary>Element types of .npy files that ZslKit reads and writes.</summary>
public enum NpyDType { Bool, Int8, UInt8, Int16, UInt16, Int32, Int64, Float16, Float32, Float64 }

/// <summary>The header of a .npy array: element type, byte order, shape (C order) and where the data starts.</summary>
public sealed record NpyHeader(NpyDType DType, bool BigEndian, long[] Shape, long DataOffset)
{
    public long Count => Shape.Aggregate(1L, (n, d) => n * d);
    public int ElementSize => Npy.SizeOf(DType);
    public long DataBytes => Count * ElementSize;
}

/// <summary>A whole .npy array in memory: header plus little-endian element bytes.</summary>
public sealed class NpyArray
{
    internal NpyArray(NpyHeader header, byte[] data) { Header = header; Data = data; }

    public NpyHeader Header { get; }
    public NpyDType DType => Header.DType;
    public long[] Shape => Header.Shape;
    /// <summary>Element bytes in C order, little-endian (big-endian files are swapped on read).</summary>
    public byte[] Data { get; }

    /// <summary>Elements converted to float32 (exact for every type but int64/float64 beyond float precision).</summary>
    public float[] ToFloat32() { var r = new float[Header.Count]; Npy.Convert(DType, Data, r); return r; }
    public double[] ToFloat64() { var r = new double[Header.Count]; Npy.Convert(DType, Data, r); return r; }

    /// <summary>Elements as int64 (exact, also beyond float precision); only for integer and bool arrays.</summary>
    public long[] ToInt64()
    {
        if (DType is NpyDType.Float16 or NpyDType.Float32 or NpyDType.Float64)
            throw new InvalidOperationException($"array of {DType} cannot be read as integers");
        if (DType == NpyDType.Int64) return MemoryMarshal.Cast<byte, long>(Data).ToArray();   // Data is little-endian, as the host
        var d = new double[Header.Count];
        Npy.Convert(DType, Data, d);
        return Array.ConvertAll(d, x => (long)x);
    }
}

/// <summary>
/// NumPy .npy (format versions 1.0–3.0) and .npz reader/writer. C order only; bool, (u)int8/16, int32/64, float16/32/64;
/// little- or big-endian on read, little-endian on write. Every malformed input raises <see cref="DataFormatException"/>
/// naming the file and byte offset; sizes are validated against the file length before anything is allocated, and a file
/// longer than its header announces is refused like a shorter one.
/// </summary>
public static partial class Npy
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
    private const int MaxHeaderLength = 1 << 20;

    public static int SizeOf(NpyDType t) => t switch
    {
        NpyDType.Bool or NpyDType.Int8 or NpyDType.UInt8 => 1,
        NpyDType.Int16 or NpyDType.UInt16 or NpyDType.Float16 => 2,
        NpyDType.Int32 or NpyDType.Float32 => 4,
        _ => 8,
    };

    /// <summary>Reads the whole array of a .npy file. Stricter than np.load: the file must end where its data ends (bytes
    /// after the data mean a damaged file or a header that does not describe it).</summary>
    public static NpyArray Read(string path)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, stream.Length, exactEnd: true);
    }

    /// <summary>Reads a .npy array from the stream's position (more may follow it in the stream, as after repeated
    /// np.save calls to one file); <paramref name="name"/> is used in error messages.</summary>
    public static NpyArray Read(Stream stream, string name) =>
        Read(stream, name, stream.CanSeek ? stream.Length - stream.Position : -1, exactEnd: false);

    private static NpyArray Read(Stream stream, string name, long length, bool exactEnd)
    {
        var header = ReadHeader(stream, name, length, exactEnd);
        if (header.DataBytes > Array.MaxLength)
            throw new DataFormatException(name, header.DataOffset, $"array of {header.DataBytes} bytes is too large to load whole; use Npy.OpenMapped");
        var data = new byte[header.DataBytes];
        int read = 0;
        while (read < data.Length)
        {
            int n = stream.Read(data, read, data.Length - read);
            if (n == 0) throw new DataFormatException(name, header.DataOffset + read, $"truncated data: expected {data.Length} bytes, got {read}");
            read += n;
        }
        if (header.BigEndian) SwapInPlace(data, header.ElementSize);
        return new NpyArray(header, data);
    }

    /// <summary>Reads only the header (dtype, shape, data offset).</summary>
    public static NpyHeader ReadHeader(string path)
    {
        using var stream = File.OpenRead(path);
        return ReadHeader(stream, path, stream.Length);
    }

    /// <summary>Parses the header at the stream position; <paramref name="length"/> is the file's size (or -1 when unknown),
    /// where the data must end exactly.</summary>
    public static NpyHeader ReadHeader(Stream stream, string name, long length) => ReadHeader(stream, name, length, exactEnd: true);

    /// <summary>Parses the header; <paramref name="length"/> counts the bytes from the array's start (-1: unknown); with
    /// <paramref name="exactEnd"/> the data must end there, else it must only fit.</summary>
    private static NpyHeader ReadHeader(Stream stream, string name, long length, bool exactEnd)
    {
        Span<byte> pre = stackalloc byte[10];
        ReadExactly(stream, pre[..8], name, 0, "magic and version");
        if (!pre[..6].SequenceEqual(Magic)) throw new DataFormatException(name, 0, "not a .npy file (bad magic)");
        byte major = pre[6];
        int headerLength;
        long offset;
        if (major == 1)
        {
            ReadExactly(stream, pre[..2], name, 8, "header length");
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(pre);
            offset = 10;
        }
        else if (major is 2 or 3)
        {
            ReadExactly(stream, pre[..4], name, 8, "header length");
            uint len = BinaryPrimitives.ReadUInt32LittleEndian(pre);
            if (len > MaxHeaderLength) throw new DataFormatException(name, 8, $"header length {len} exceeds {MaxHeaderLength}");
            headerLength = (int)len;
            offset = 12;
        }
        else throw new DataFormatException(name, 6, $"unsupported .npy format version {major}.{pre[7]}");

        if (length >= 0 && offset + headerLength > length)
            throw new DataFormatException(name, offset, $"truncated header: {headerLength} bytes announced, {length - offset} present");
        var bytes = new byte[headerLength];
        ReadExactly(stream, bytes, name, offset, "header");
        var text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(bytes);
        var header = ParseHeader(text, name, offset + headerLength);
        if (length >= 0 && header.DataOffset + header.DataBytes > length)
            throw new DataFormatException(name, header.DataOffset,
                $"truncated data: shape ({string.Join(", ", header.Shape)}) of {header.DType} needs {header.DataBytes} bytes, file has {length - header.DataOffset}");
        if (exactEnd && length >= 0 && header.DataOffset + header.DataBytes < length)   // np.save writes nothing after the data: a damaged or mislabelled file
            throw new DataFormatException(name, header.DataOffset + header.DataBytes,
                $"{length - header.DataOffset - header.DataBytes} bytes after the data (expected size {header.DataOffset + header.DataBytes})");
        return header;
    }

    private static NpyHeader ParseHeader(string text, string name, long dataOffset)
    {
        long at = dataOffset - Encoding.Latin1.GetByteCount(text);
        var descr = DescrRegex().Match(text);
        if (!descr.Success) throw new DataFormatException(name, at, $"header has no 'descr': {Trim(text)}");
        var fortran = FortranRegex().Match(text);
        if (!fortran.Success) throw new DataFormatException(name, at, $"header has no 'fortran_order': {Trim(text)}");
        if (fortran.Groups[1].Value == "True")
            throw new DataFormatException(name, at, "Fortran-order arrays are not supported (save with C order)");
        var shapeMatch = ShapeRegex().Match(text);
        if (!shapeMatch.Success) throw new DataFormatException(name, at, $"header has no 'shape': {Trim(text)}");

        var code = descr.Groups[1].Value;
        if (code.Length < 3) throw new DataFormatException(name, at, $"bad dtype '{code}'");
        bool big = code[0] == '>';
        if (code[0] is not ('<' or '>' or '|' or '='))
            throw new DataFormatException(name, at, $"bad byte-order mark in dtype '{code}'");
        NpyDType dtype = code[1..] switch
        {
            "b1" => NpyDType.Bool, "i1" => NpyDType.Int8, "u1" => NpyDType.UInt8,
            "i2" => NpyDType.Int16, "u2" => NpyDType.UInt16, "i4" => NpyDType.Int32, "i8" => NpyDType.Int64,
            "f2" => NpyDType.Float16, "f4" => NpyDType.Float32, "f8" => NpyDType.Float64,
            _ => throw new DataFormatException(name, at, $"unsupported dtype '{code}' (supported: b1 i1 u1 i2 u2 i4 i8 f2 f4 f8)"),
        };

        var dims = new List<long>();
        foreach (var part in shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!long.TryParse(part.TrimEnd('L'), NumberStyles.None, CultureInfo.InvariantCulture, out var d))
                throw new DataFormatException(name, at, $"bad dimension '{part}' in shape");
            dims.Add(d);
        }
        long count = 1;
        foreach (var d in dims)
        {
            if (d != 0 && count > long.MaxValue / 8 / d) throw new DataFormatException(name, at, "shape overflows the addressable size");
            count *= d;
        }
        return new NpyHeader(dtype, big && SizeOf(dtype) > 1, [.. dims], dataOffset);
    }

    private static string Trim(string s) => s.Length > 120 ? s[..120] + "..." : s.Trim();

    /// <summary>Opens a .npy file memory-mapped, for arrays too large to load whole.</summary>
    public static NpyMappedFile OpenMapped(string path) => new(path);

    /// <summary>Reads every array of a .npz archive (stored or deflated), keyed by name without ".npy".</summary>
    public static IReadOnlyDictionary<string, NpyArray> ReadNpz(string path)
    {
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new DataFormatException(path, 0, "not a .npz (zip) archive: " + e.Message, e); }
        using (zip)
        {
            var result = new Dictionary<string, NpyArray>();
            foreach (var entry in zip.Entries)
            {
                var key = entry.FullName.EndsWith(".npy", StringComparison.Ordinal) ? entry.FullName[..^4] : entry.FullName;
                try
                {
                    using var s = entry.Open();
                    using var buffered = new MemoryStream();
                    if (entry.Length > Array.MaxLength) throw new DataFormatException($"{path}:{entry.FullName}", 0, "entry too large");
                    s.CopyTo(buffered);
                    buffered.Position = 0;
                    result[key] = Read(buffered, $"{path}:{entry.FullName}");
                }
                catch (InvalidDataException e) { throw new DataFormatException($"{path}:{entry.FullName}", 0, "corrupt zip entry: " + e.Message, e); }
            }
            return result;
        }
    }

    // ---------------------------------------------------------------- writing

    /// <summary>Writes a C-order little-endian .npy (format 1.0) file.</summary>
    public static void Write<T>(string path, ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        using var stream = File.Create(path);
        Write(stream, data, shape);
    }

    /// <summary>Writes a .npy array to a stream.</summary>
    public static void Write<T>(Stream stream, ReadOnlySpan<T> data, params long[] shape) where T : unmanaged
    {
        long count = shape.Aggregate(1L, (n, d) => n * d);
        if (shape.Any(d => d < 0)) throw new ArgumentException($"negative dimension in shape ({string.Join(", ", shape)})", nameof(shape));
        if (count != data.Length) throw new ArgumentException($"shape ({string.Join(", ", shape)}) holds {count} elements but data has {data.Length}", nameof(data));
        string descr = typeof(T) switch
        {
            var t when t == typeof(bool) => "|b1", var t when t == typeof(sbyte) => "|i1", var t when t == typeof(byte) => "|u1",
            var t when t == typeof(short) => "<i2", var t when t == typeof(ushort) => "<u2", var t when t == typeof(int) => "<i4",
            var t when t == typeof(long) => "<i8", var t when t == typeof(Half) => "<f2", var t when t == typeof(float) => "<f4",
            var t when t == typeof(double) => "<f8",
            var t => throw new ArgumentException($"element type {t.Name} cannot be written to .npy"),
        };
        string dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int total = 10 + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        var headerText = dict + new string(' ', pad) + "\n";
        Span<byte> pre = stackalloc byte[10];
        Magic.CopyTo(pre);
        pre[6] = 1; pre[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(pre[8..], checked((ushort)headerText.Length));
        stream.Write(pre);
        stream.Write(Encoding.Latin1.GetBytes(headerText));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        stream.Write(MemoryMarshal.AsBytes(data));
    }

    // ---------------------------------------------------------------- conversion helpers

    internal static void Convert(NpyDType type, ReadOnlySpan<byte> src, Span<float> dst)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = (float)Element(type, src, i);
    }

    internal static void Convert(NpyDType type, ReadOnlySpan<byte> src, Span<double> dst)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = Element(type, src, i);
    }

    private static double Element(NpyDType type, ReadOnlySpan<byte> b, int i) => type switch
    {
        NpyDType.Bool => b[i] != 0 ? 1 : 0,
        NpyDType.Int8 => (sbyte)b[i],
        NpyDType.UInt8 => b[i],
        NpyDType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(b[(2 * i)..]),
        NpyDType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(b[(2 * i)..]),
        NpyDType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(b[(4 * i)..]),
        NpyDType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(b[(8 * i)..]),
        NpyDType.Float16 => (double)BinaryPrimitives.ReadHalfLittleEndian(b[(2 * i)..]),
        NpyDType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(b[(4 * i)..]),
        _ => BinaryPrimitives.ReadDoubleLittleEndian(b[(8 * i)..]),
    };

    internal static void SwapInPlace(Span<byte> data, int size)
    {
        if (size == 1) return;
        for (int i = 0; i + size <= data.Length; i += size) data.Slice(i, size).Reverse();
    }

    private static void ReadExactly(Stream s, Span<byte> buffer, string name, long offset, string what)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = s.Read(buffer[read..]);
            if (n == 0) throw new DataFormatException(name, offset + read, $"truncated {what}");
            read += n;
        }
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")] private static partial Regex DescrRegex();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex FortranRegex();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapeRegex();
}

/// <summary>A memory-mapped .npy file: reads ranges of rows (first dimension) converted to float32 without loading it whole.</summary>
public sealed class NpyMappedFile : IDisposable
{
    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;

    internal NpyMappedFile(string path)
    {
        Path = path;
        Header = Npy.ReadHeader(path);
        if (Header.Shape.Length == 0) throw new DataFormatException(path, Header.DataOffset, "a 0-d array has no rows");
        _map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        RowLength = Header.Shape.Skip(1).Aggregate(1L, (n, d) => n * d);
    }

    public string Path { get; }
    public NpyHeader Header { get; }
    public long Rows => Header.Shape[0];
    /// <summary>Elements per row (product of all dimensions but the first).</summary>
    public long RowLength { get; }

    /// <summary>Copies rows [start, start + dest.Length / RowLength) into <paramref name="dest"/> as float32.</summary>
    public void ReadRows(long start, Span<float> dest)
    {
        if (RowLength == 0) return;
        if (dest.Length % RowLength != 0) throw new ArgumentException($"destination length {dest.Length} is not a multiple of the row length {RowLength}", nameof(dest));
        long count = dest.Length / RowLength;
        if (start < 0 || start + count > Rows) throw new ArgumentOutOfRangeException(nameof(start), $"rows [{start}, {start + count}) outside [0, {Rows})");
        int size = Header.ElementSize;
        var buffer = new byte[Math.Min((long)dest.Length * size, 1 << 24)];
        long first = Header.DataOffset + start * RowLength * size;
        int done = 0;
        while (done < dest.Length)
        {
            int n = Math.Min(dest.Length - done, buffer.Length / size);
            _view.ReadArray(first + (long)done * size, buffer, 0, n * size);
            var span = buffer.AsSpan(0, n * size);
            if (Header.BigEndian) Npy.SwapInPlace(span, size);
            Npy.Convert(Header.DType, span, dest.Slice(done, n));
            done += n;
        }
    }

    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }
}
