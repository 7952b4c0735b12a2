// Reader for MATLAB MAT-file version 5 (Level 5): header, data element tags (incl. the small element format),
// miMATRIX arrays (numeric, logical, char, cell) and miCOMPRESSED (zlib) elements, in either byte order.
// Written from the MathWorks "MAT-File Format" document (R2014a): a 128-byte header (116 text, 8 subsystem offset,
// 2 version, 2 endian indicator "IM"), then 8-byte-aligned data elements (uint32 type, uint32 byte count, data).
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace ZslKit.Data.Formats;

/// <summary>The variables of a MATLAB v5 .mat file, by name, in file order.</summary>
public sealed class MatFile
{
    // Data types of data elements (miXXX codes).
    internal const int MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiUInt16 = 4, MiInt32 = 5, MiUInt32 = 6, MiSingle = 7,
        MiDouble = 9, MiInt64 = 12, MiUInt64 = 13, MiMatrix = 14, MiCompressed = 15, MiUtf8 = 16, MiUtf16 = 17, MiUtf32 = 18;
    // Array flag bits (first word of the Array Flags subelement).
    private const uint FlagComplex = 0x0800, FlagLogical = 0x0200;
    // Deflate cannot expand data by more than about 1032:1, which bounds the decompressed size of an element.
    private const long MaxDeflateRatio = 1032;
    private const int MaxDims = 32, MaxNesting = 16;

    private readonly Dictionary<string, MatArray> _variables;

    private MatFile(string file, string headerText, bool bigEndian, List<MatArray> variables)
    {
        File = file; HeaderText = headerText; BigEndian = bigEndian;
        _variables = new Dictionary<string, MatArray>(StringComparer.Ordinal);
        foreach (var v in variables) _variables[v.Name] = v;   // MATLAB: a later variable of the same name wins
        Names = variables.Select(v => v.Name).Distinct().ToArray();
    }

    public string File { get; }
    /// <summary>The descriptive text of the header ("MATLAB 5.0 MAT-file, Platform: ...").</summary>
    public string HeaderText { get; }
    public bool BigEndian { get; }
    /// <summary>Variable names in file order.</summary>
    public IReadOnlyList<string> Names { get; }

    public bool Contains(string name) => _variables.ContainsKey(name);

    public bool TryGet(string name, out MatArray array) => _variables.TryGetValue(name, out array!);

    /// <summary>The variable <paramref name="name"/>; a <see cref="DataFormatException"/> names the file when absent.</summary>
    public MatArray this[string name] => _variables.TryGetValue(name, out var a)
        ? a
        : throw new DataFormatException(File, -1, $"no variable '{name}' (has: {string.Join(", ", Names)})");

    /// <summary>Reads a .mat file; when <paramref name="only"/> is given, other variables are skipped without decoding.</summary>
    public static MatFile Read(string path, IEnumerable<string>? only = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path, only);
    }

    /// <summary>Reads a .mat file from a seekable stream; <paramref name="name"/> is used in error messages.</summary>
    public static MatFile Read(Stream stream, string name, IEnumerable<string>? only = null)
    {
        if (!stream.CanSeek) throw new ArgumentException("the stream must be seekable", nameof(stream));
        var wanted = only is null ? null : new HashSet<string>(only, StringComparer.Ordinal);
        var length = stream.Length;
        if (length < 128) throw new DataFormatException(name, 0, $"file is {length} bytes, shorter than the 128-byte MAT v5 header");
        var header = new byte[128];
        stream.Position = 0;
        stream.ReadExactly(header);
        var text = Encoding.ASCII.GetString(header, 0, 116).TrimEnd(' ', '\0');
        if (!text.StartsWith("MATLAB", StringComparison.Ordinal))
            throw new DataFormatException(name, 0, "not a MAT-file: the header does not start with 'MATLAB'");
        bool big;
        if (header[126] == 'I' && header[127] == 'M') big = false;
        else if (header[126] == 'M' && header[127] == 'I') big = true;
        else throw new DataFormatException(name, 126, "bad endian indicator (expected 'IM' or 'MI'); v4 and v7.3 (HDF5) files are not supported");
        var version = big ? BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(124)) : BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(124));
        if (version != 0x0100) throw new DataFormatException(name, 124, $"unsupported MAT-file version 0x{version:x4} (expected 0x0100)");

        var variables = new List<MatArray>();
        long pos = 128;
        while (pos < length)
        {
            if (length - pos < 8) throw new DataFormatException(name, pos, $"truncated data element tag ({length - pos} bytes left)");
            var tag = new byte[8];
            stream.Position = pos;
            stream.ReadExactly(tag);
            var type = (int)ReadU32(tag, 0, big);
            var size = ReadU32(tag, 4, big);
            if ((type >> 16) != 0) throw new DataFormatException(name, pos, $"top-level element uses the small element format (type word 0x{type:x8})");
            if (size > length - pos - 8)
                throw new DataFormatException(name, pos, $"element of {size} bytes runs past the end of the file ({length - pos - 8} bytes left)");
            var dataStart = pos + 8;
            switch (type)
            {
                case MiMatrix:
                {
                    var reader = new ElementReader(new BoundedStream(stream, dataStart, size), name, dataStart, big, compressedAt: -1);
                    var array = ParseMatrix(reader, size, wanted, depth: 0);
                    if (array is not null) variables.Add(array);
                    pos = dataStart + size + Padding(size);
                    break;
                }
                case MiCompressed:
                {
                    using var inflated = new ZLibStream(new BoundedStream(stream, dataStart, size), CompressionMode.Decompress, leaveOpen: false);
                    var reader = new ElementReader(inflated, name, 0, big, compressedAt: pos);
                    var (innerType, innerSize) = reader.ReadTag(out _);
                    if (innerType != MiMatrix)
                        throw reader.Error($"compressed element holds data type {innerType}, expected miMATRIX (14)");
                    if (innerSize > size * MaxDeflateRatio + 1024)
                        throw reader.Error($"compressed element claims {innerSize} decompressed bytes from {size} compressed bytes (impossible for zlib)");
                    var array = ParseMatrix(reader, innerSize, wanted, depth: 0);
                    if (array is not null) variables.Add(array);
                    pos = dataStart + size;     // compressed elements are not padded
                    break;
                }
                default:
                    throw new DataFormatException(name, pos, $"unexpected top-level data type {type} (expected miMATRIX 14 or miCOMPRESSED 15)");
            }
        }
        return new MatFile(name, text, big, variables);
    }

    private static long Padding(long size) => (8 - size % 8) % 8;

    private static uint ReadU32(byte[] b, int at, bool big) =>
        big ? BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));

    /// <summary>Parses the subelements of one miMATRIX of <paramref name="size"/> bytes; null when filtered out.</summary>
    private static MatArray? ParseMatrix(ElementReader r, long size, HashSet<string>? wanted, int depth)
    {
        if (depth > MaxNesting) throw r.Error($"cell arrays nested deeper than {MaxNesting} levels");
        var start = r.Position;
        var end = start + size;
        var offset = r.FileOffset;
        if (size == 0)   // an empty matrix element (e.g. an empty cell): MATLAB writes no subelements
            return new MatArray(r.File, offset, "", MatClass.Double, [0, 0], false) { Data = Array.Empty<double>() };

        // Array flags: miUINT32, 8 bytes: flags|class, nzmax.
        var flagsBytes = r.ReadElement(MiUInt32, end, "array flags");
        if (flagsBytes.Length != 8) throw r.Error($"array flags subelement is {flagsBytes.Length} bytes, expected 8");
        var flags = ReadU32(flagsBytes, 0, r.BigEndian);
        var classCode = (int)(flags & 0xFF);
        if (classCode < 1 || classCode > 15) throw r.Error($"unknown array class {classCode}");
        var cls = (MatClass)classCode;

        // Dimensions: miINT32, at least 2.
        var dimBytes = r.ReadElement(MiInt32, end, "dimensions");
        if (dimBytes.Length % 4 != 0 || dimBytes.Length < 8 || dimBytes.Length > 4 * MaxDims)
            throw r.Error($"dimensions subelement of {dimBytes.Length} bytes (expected 2..{MaxDims} int32 values)");
        var dims = new int[dimBytes.Length / 4];
        long count = 1;
        for (var i = 0; i < dims.Length; i++)
        {
            dims[i] = (int)ReadU32(dimBytes, 4 * i, r.BigEndian);
            if (dims[i] < 0) throw r.Error($"negative dimension {dims[i]}");
            count *= dims[i];
            if (count > Array.MaxLength) throw r.Error($"dims [{string.Join("x", dims[..(i + 1)])}...] exceed the largest array .NET can hold");
        }

        // Array name: miINT8 (ASCII).
        var nameBytes = r.ReadElement(MiInt8, end, "array name", alsoAccept: MiUInt8);
        var arrayName = Encoding.ASCII.GetString(nameBytes);
        if (depth == 0 && wanted is not null && !wanted.Contains(arrayName)) return null;

        var array = new MatArray(r.File, offset, arrayName, cls, dims, (flags & FlagLogical) != 0);
        if ((flags & FlagComplex) != 0 && cls is >= MatClass.Double)
            array.Unsupported = "complex arrays are not supported";
        else
        {
            switch (cls)
            {
                case MatClass.Cell:
                    // Every cell is at least an 8-byte tag: bound the count by the bytes left before allocating.
                    if (count > (end - r.Position) / 8) throw r.Error($"{count} cells cannot fit in the {end - r.Position} bytes left");
                    var cells = new MatArray[count];
                    for (var i = 0; i < count; i++)
                    {
                        var (t, n) = r.ReadTag(out _);
                        if (t != MiMatrix) throw r.Error($"cell element {i} has data type {t}, expected miMATRIX (14)");
                        if (n > end - r.Position) throw r.Error($"cell element {i} of {n} bytes runs past its array's end");
                        cells[i] = ParseMatrix(r, n, null, depth + 1)!;
                        r.SkipPadding(n, end);
                    }
                    array.Cells = cells;
                    break;
                case MatClass.Char:
                    array.Chars = r.ReadChars(count, end);
                    break;
                case >= MatClass.Double:
                    array.Data = r.ReadNumeric(cls, count, end);
                    break;
                case MatClass.Sparse:
                    array.Unsupported = "sparse arrays are not supported (convert with full() before saving)";
                    break;
                default:
                    array.Unsupported = $"{cls} arrays are not supported";
                    break;
            }
        }
        if (r.Position > end) throw r.Error($"array '{arrayName}' overruns its declared size of {size} bytes");
        r.Skip(end - r.Position);
        return array;
    }

    /// <summary>Reads tags and data from one element's bytes, tracking the position for error messages.</summary>
    private sealed class ElementReader(Stream stream, string file, long baseOffset, bool bigEndian, long compressedAt)
    {
        public string File { get; } = file;
        public bool BigEndian { get; } = bigEndian;
        /// <summary>Position relative to the start of the element's data (decompressed position when compressed).</summary>
        public long Position { get; private set; }
        /// <summary>The file offset to report: absolute when uncompressed, the compressed element's offset otherwise.</summary>
        public long FileOffset => compressedAt >= 0 ? compressedAt : baseOffset + Position;

        public DataFormatException Error(string message, Exception? inner = null) => compressedAt >= 0
            ? new DataFormatException(File, compressedAt, $"in compressed element, decompressed byte {Position}: {message}", inner)
            : new DataFormatException(File, baseOffset + Position, message, inner);

        public void ReadExactly(Span<byte> buffer)
        {
            try
            {
                var total = 0;
                while (total < buffer.Length)
                {
                    var n = stream.Read(buffer[total..]);
                    if (n == 0) throw Error($"unexpected end of data ({buffer.Length - total} of {buffer.Length} bytes missing)");
                    total += n;
                }
                Position += total;
            }
            catch (InvalidDataException e) { throw Error("corrupt zlib data: " + e.Message, e); }
        }

        public void Skip(long n)
        {
            if (n <= 0) return;
            if (compressedAt < 0 && stream.CanSeek)
            {
                if (n > stream.Length - stream.Position) throw Error($"cannot skip {n} bytes: past the end of the element");
                stream.Position += n;
                Position += n;
                return;
            }
            Span<byte> scratch = stackalloc byte[4096];
            while (n > 0)
            {
                var k = (int)Math.Min(n, scratch.Length);
                ReadExactly(scratch[..k]);
                n -= k;
            }
        }

        public uint U32(ReadOnlySpan<byte> b) => BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);

        /// <summary>Reads a tag; for the small element format, <paramref name="small"/> receives its 4 data bytes.</summary>
        public (int Type, long Size) ReadTag(out byte[]? small)
        {
            Span<byte> tag = stackalloc byte[8];
            ReadExactly(tag);
            var word = U32(tag);
            if ((word >> 16) != 0)
            {
                var n = (int)(word >> 16);
                if (n > 4) throw Error($"small data element claims {n} bytes (at most 4)");
                small = tag[4..(4 + n)].ToArray();
                return ((int)(word & 0xFFFF), n);
            }
            small = null;
            return ((int)word, U32(tag[4..]));
        }

        /// <summary>Skips the padding after a normal element of <paramref name="size"/> bytes (tolerating a missing pad at the end).</summary>
        public void SkipPadding(long size, long end) => Skip(Math.Min(Padding(size), end - Position));

        private (int Type, long Size, byte[]? Small) Tag(long end, string what)
        {
            if (end - Position < 8) throw Error($"{what}: truncated subelement tag");
            var (type, size) = ReadTag(out var small);
            if (small is null && size > end - Position)
                throw Error($"{what}: subelement of {size} bytes runs past its array's end ({end - Position} bytes left)");
            return (type, size, small);
        }

        /// <summary>Reads a whole (small) subelement of the expected type.</summary>
        public byte[] ReadElement(int expected, long end, string what, int alsoAccept = -1)
        {
            var (type, size, small) = Tag(end, what);
            if (type != expected && type != alsoAccept) throw Error($"{what}: data type {type}, expected {expected}");
            if (small is not null) return small;
            var data = new byte[size];
            ReadExactly(data);
            SkipPadding(size, end);
            return data;
        }

        public string ReadChars(long count, long end)
        {
            var (type, size, small) = Tag(end, "char data");
            byte[] data;
            if (small is not null) data = small;
            else { data = new byte[size]; ReadExactly(data); SkipPadding(size, end); }
            string text = type switch
            {
                MiUInt16 or MiUtf16 => (BigEndian ? Encoding.BigEndianUnicode : Encoding.Unicode).GetString(data),
                MiUInt8 or MiInt8 or MiUtf8 => Encoding.UTF8.GetString(data),
                MiUtf32 => (BigEndian ? new UTF32Encoding(true, false) : Encoding.UTF32).GetString(data),
                _ => throw Error($"char data stored as unsupported data type {type}"),
            };
            if (text.Length != count) throw Error($"char data holds {text.Length} characters, dims say {count}");
            return text;
        }

        private static int StorageSize(int type) => type switch
        {
            MiInt8 or MiUInt8 => 1, MiInt16 or MiUInt16 => 2, MiInt32 or MiUInt32 or MiSingle => 4,
            MiDouble or MiInt64 or MiUInt64 => 8, _ => 0,
        };

        private static int ClassStorage(MatClass cls) => cls switch
        {
            MatClass.Double => MiDouble, MatClass.Single => MiSingle, MatClass.Int8 => MiInt8, MatClass.UInt8 => MiUInt8,
            MatClass.Int16 => MiInt16, MatClass.UInt16 => MiUInt16, MatClass.Int32 => MiInt32, MatClass.UInt32 => MiUInt32,
            MatClass.Int64 => MiInt64, MatClass.UInt64 => MiUInt64, _ => 0,
        };

        private static Array Allocate(MatClass cls, int n) => cls switch
        {
            MatClass.Double => new double[n], MatClass.Single => new float[n], MatClass.Int8 => new sbyte[n],
            MatClass.UInt8 => new byte[n], MatClass.Int16 => new short[n], MatClass.UInt16 => new ushort[n],
            MatClass.Int32 => new int[n], MatClass.UInt32 => new uint[n], MatClass.Int64 => new long[n],
            MatClass.UInt64 => new ulong[n], _ => throw new ArgumentOutOfRangeException(nameof(cls)),
        };

        /// <summary>Reads the real part of a numeric array, converting from the stored type to the class type.</summary>
        public Array ReadNumeric(MatClass cls, long count, long end)
        {
            var (type, size, small) = Tag(end, "real part");
            var width = StorageSize(type);
            if (width == 0) throw Error($"numeric data stored as unsupported data type {type}");
            if (size != count * width)
                throw Error($"real part holds {size} bytes, dims need {count} x {width} = {count * width}");
            var n = (int)count;
            var target = Allocate(cls, n);
            if (small is not null) { Convert(small, type, target, 0, n); return target; }

            if (ClassStorage(cls) == type)
            {
                // Same type: read straight into the target array, then fix the byte order.
                var bytes = MemoryMarshal.AsBytes(TargetSpan(target));
                ReadExactly(bytes);
                if (BigEndian != !BitConverter.IsLittleEndian && width > 1) ReverseEndianness(bytes, width);
            }
            else
            {
                var chunk = new byte[Math.Min(size, 1 << 16) / width * width];
                for (var done = 0; done < n;)
                {
                    var k = Math.Min(n - done, chunk.Length / width);
                    ReadExactly(chunk.AsSpan(0, k * width));
                    Convert(chunk.AsSpan(0, k * width), type, target, done, k);
                    done += k;
                }
            }
            SkipPadding(size, end);
            return target;
        }

        private static Span<byte> TargetSpan(Array a) => a switch
        {
            double[] x => MemoryMarshal.AsBytes(x.AsSpan()), float[] x => MemoryMarshal.AsBytes(x.AsSpan()),
            sbyte[] x => MemoryMarshal.AsBytes(x.AsSpan()), byte[] x => x.AsSpan(),
            short[] x => MemoryMarshal.AsBytes(x.AsSpan()), ushort[] x => MemoryMarshal.AsBytes(x.AsSpan()),
            int[] x => MemoryMarshal.AsBytes(x.AsSpan()), uint[] x => MemoryMarshal.AsBytes(x.AsSpan()),
            long[] x => MemoryMarshal.AsBytes(x.AsSpan()), ulong[] x => MemoryMarshal.AsBytes(x.AsSpan()),
            _ => throw new ArgumentOutOfRangeException(nameof(a)),
        };

        private static void ReverseEndianness(Span<byte> bytes, int width)
        {
            for (var i = 0; i < bytes.Length; i += width) bytes.Slice(i, width).Reverse();
        }

        /// <summary>Decodes <paramref name="k"/> stored values and writes them, cast to the class type, at <paramref name="at"/>.</summary>
        private void Convert(ReadOnlySpan<byte> src, int type, Array target, int at, int k)
        {
            var width = StorageSize(type);
            Span<byte> le = stackalloc byte[8];
            for (var i = 0; i < k; i++)
            {
                var raw = src.Slice(i * width, width);
                raw.CopyTo(le);
                if (BigEndian && width > 1) le[..width].Reverse();
                var e = le[..width];
                switch (type)
                {
                    case MiUInt64: Store(target, at + i, BinaryPrimitives.ReadUInt64LittleEndian(e)); break;
                    case MiInt64: Store(target, at + i, BinaryPrimitives.ReadInt64LittleEndian(e)); break;
                    case MiDouble: Store(target, at + i, BinaryPrimitives.ReadDoubleLittleEndian(e)); break;
                    case MiSingle: Store(target, at + i, BinaryPrimitives.ReadSingleLittleEndian(e)); break;
                    case MiInt32: Store(target, at + i, BinaryPrimitives.ReadInt32LittleEndian(e)); break;
                    case MiUInt32: Store(target, at + i, BinaryPrimitives.ReadUInt32LittleEndian(e)); break;
                    case MiInt16: Store(target, at + i, BinaryPrimitives.ReadInt16LittleEndian(e)); break;
                    case MiUInt16: Store(target, at + i, BinaryPrimitives.ReadUInt16LittleEndian(e)); break;
                    case MiInt8: Store(target, at + i, (sbyte)e[0]); break;
                    case MiUInt8: Store(target, at + i, e[0]); break;
                }
            }
        }

        // Dispatch on the exact element type: the CLR lets byte[] pass as sbyte[] (and ushort[] as short[], ...),
        // so `case sbyte[]` patterns would misfire on unsigned arrays.
        private static void Store(Array t, int i, double v)
        {
            var type = t.GetType();
            if (type == typeof(double[])) ((double[])t)[i] = v;
            else if (type == typeof(float[])) ((float[])t)[i] = (float)v;
            else if (type == typeof(sbyte[])) Unsafe.As<sbyte[]>(t)[i] = (sbyte)v;
            else if (type == typeof(byte[])) Unsafe.As<byte[]>(t)[i] = (byte)v;
            else if (type == typeof(short[])) Unsafe.As<short[]>(t)[i] = (short)v;
            else if (type == typeof(ushort[])) Unsafe.As<ushort[]>(t)[i] = (ushort)v;
            else if (type == typeof(int[])) Unsafe.As<int[]>(t)[i] = (int)v;
            else if (type == typeof(uint[])) Unsafe.As<uint[]>(t)[i] = (uint)v;
            else if (type == typeof(long[])) Unsafe.As<long[]>(t)[i] = (long)v;
            else if (type == typeof(ulong[])) Unsafe.As<ulong[]>(t)[i] = (ulong)v;
        }

        private static void Store(Array t, int i, long v)
        {
            if (t.GetType() == typeof(long[])) Unsafe.As<long[]>(t)[i] = v;
            else if (t.GetType() == typeof(ulong[])) Unsafe.As<ulong[]>(t)[i] = (ulong)v;
            else Store(t, i, (double)v);
        }

        private static void Store(Array t, int i, ulong v)
        {
            if (t.GetType() == typeof(ulong[])) Unsafe.As<ulong[]>(t)[i] = v;
            else if (t.GetType() == typeof(long[])) Unsafe.As<long[]>(t)[i] = (long)v;
            else Store(t, i, (double)v);
        }
    }
}
