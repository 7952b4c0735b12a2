// One variable read from a MATLAB v5 .mat file: class, dims and column-major data (numeric, char, logical or cell).
using System.Runtime.CompilerServices;

namespace ZslKit.Data.Formats;

/// <summary>MATLAB array classes (mxClassID codes of the MAT-file v5 format).</summary>
public enum MatClass
{
    Cell = 1, Struct = 2, Object = 3, Char = 4, Sparse = 5, Double = 6, Single = 7,
    Int8 = 8, UInt8 = 9, Int16 = 10, UInt16 = 11, Int32 = 12, UInt32 = 13, Int64 = 14, UInt64 = 15,
}

/// <summary>
/// A MATLAB array with its dims. Numeric data is column-major (MATLAB order) in a typed array matching the class
/// (double[], float[], sbyte[], byte[], short[], ushort[], int[], uint[], long[], ulong[]), whatever narrower
/// type the file stored it in. Char arrays keep their column-major characters; cells hold nested arrays.
/// </summary>
public sealed class MatArray
{
    internal MatArray(string file, long offset, string name, MatClass cls, int[] dims, bool isLogical)
    {
        File = file; Offset = offset; Name = name; Class = cls; Dims = dims; IsLogical = isLogical;
        long n = 1;
        foreach (var d in dims) n *= d;
        Count = n;
    }

    /// <summary>File the array was read from (for error messages).</summary>
    public string File { get; }
    /// <summary>Byte offset of the array's element in the file (of the enclosing compressed element when compressed).</summary>
    public long Offset { get; }
    public string Name { get; }
    public MatClass Class { get; }
    /// <summary>MATLAB dims (at least two), e.g. [rows, cols].</summary>
    public int[] Dims { get; }
    /// <summary>Product of the dims.</summary>
    public long Count { get; }
    /// <summary>True for MATLAB logical arrays (class UInt8, data 0/1).</summary>
    public bool IsLogical { get; }
    /// <summary>Numeric data, column-major, typed by <see cref="Class"/>; null for char, cell and unsupported arrays.</summary>
    public Array? Data { get; internal set; }
    /// <summary>Characters of a char array in column-major order; null otherwise.</summary>
    public string? Chars { get; internal set; }
    /// <summary>Elements of a cell array in column-major order; null otherwise.</summary>
    public MatArray[]? Cells { get; internal set; }
    /// <summary>Why the array could not be decoded (sparse, struct, complex, ...), or null.</summary>
    public string? Unsupported { get; internal set; }

    public int Rows => Dims[0];
    /// <summary>Product of all dims after the first (columns of a 2-D array).</summary>
    public int Cols => (int)(Dims[0] == 0 ? 0 : Count / Dims[0]);

    private DataFormatException Error(string message) =>
        new(File, Offset, $"variable '{Name}' ({Class}{(IsLogical ? ", logical" : "")}, dims [{string.Join("x", Dims)}]): {message}");

    private Array Numeric()
    {
        if (Unsupported is not null) throw Error(Unsupported);
        return Data ?? throw Error("is not a numeric or logical array");
    }

    /// <summary>The numeric data converted to double, column-major.</summary>
    public double[] ToDoubleArray()
    {
        var src = Numeric();
        if (src is double[] d) return (double[])d.Clone();
        var result = new double[src.Length];
        for (var i = 0; i < result.Length; i++) result[i] = ElementAsDouble(src, i);
        return result;
    }

    /// <summary>The numeric data converted to float, column-major.</summary>
    public float[] ToSingleArray()
    {
        var src = Numeric();
        if (src is float[] f) return (float[])f.Clone();
        var result = new float[src.Length];
        if (src is double[] d) { for (var i = 0; i < d.Length; i++) result[i] = (float)d[i]; return result; }
        for (var i = 0; i < result.Length; i++) result[i] = (float)ElementAsDouble(src, i);
        return result;
    }

    /// <summary>The numeric data as int, column-major; every value must be an integer in int range.</summary>
    public int[] ToInt32Array()
    {
        var src = Numeric();
        var result = new int[src.Length];
        for (var i = 0; i < result.Length; i++)
        {
            var v = ElementAsDouble(src, i);
            if (v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
                throw Error($"element {i} = {v} is not an int32 value");
            result[i] = (int)v;
        }
        return result;
    }

    /// <summary>The numeric data as long, column-major; every value must be integral.</summary>
    public long[] ToInt64Array()
    {
        var src = Numeric();
        if (src.GetType() == typeof(long[])) return (long[])src.Clone();
        var result = new long[src.Length];
        for (var i = 0; i < result.Length; i++)
        {
            if (src.GetType() == typeof(ulong[]) && Unsafe.As<ulong[]>(src) is var u)
            {
                if (u[i] > long.MaxValue) throw Error($"element {i} = {u[i]} exceeds int64");
                result[i] = (long)u[i];
                continue;
            }
            var v = ElementAsDouble(src, i);
            if (v != Math.Floor(v) || v < long.MinValue || v >= 9.2233720368547758e18)
                throw Error($"element {i} = {v} is not an int64 value");
            result[i] = (long)v;
        }
        return result;
    }

    /// <summary>Logical or numeric data as booleans (non-zero = true).</summary>
    public bool[] ToBooleanArray()
    {
        var src = Numeric();
        var result = new bool[src.Length];
        for (var i = 0; i < result.Length; i++) result[i] = ElementAsDouble(src, i) != 0;
        return result;
    }

    /// <summary>Rows of a 2-D char array as strings, trailing blanks (MATLAB padding) removed.</summary>
    public string[] ToStrings()
    {
        if (Unsupported is not null) throw Error(Unsupported);
        if (Chars is null) throw Error("is not a char array");
        if (Dims.Length != 2) throw Error("char arrays with more than two dims are not supported");
        int rows = Dims[0], cols = Dims[1];
        var result = new string[rows];
        var buffer = new char[cols];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++) buffer[c] = Chars[r + c * rows];  // column-major: (r, c) at r + c*rows
            result[r] = new string(buffer).TrimEnd(' ', '\0');
        }
        return result;
    }

    /// <summary>The single string of a char array with one row (empty for an empty array).</summary>
    public string ToText()
    {
        if (Count == 0 && (Chars is not null || Data is not null)) return "";
        var rows = ToStrings();
        if (rows.Length != 1) throw Error("expected a char array with one row");
        return rows[0];
    }

    /// <summary>A cell array of strings (each cell a one-row char array, or a cell holding one) in column-major order.</summary>
    public string[] ToCellStrings()
    {
        if (Unsupported is not null) throw Error(Unsupported);
        if (Cells is null) throw Error("is not a cell array");
        var result = new string[Cells.Length];
        for (var i = 0; i < Cells.Length; i++)
        {
            var cell = Cells[i];
            // scipy and MATLAB sometimes nest one more cell level ({ {'name'} }); unwrap single-element cells.
            while (cell.Cells is { Length: 1 }) cell = cell.Cells[0];
            if (cell.Chars is null && !(cell.Count == 0 && cell.Data is not null))
                throw Error($"cell {i} is {cell.Class}, not a string");
            result[i] = cell.ToText();
        }
        return result;
    }

    // Dispatch on the exact element type: the CLR lets byte[] pass as sbyte[] (ushort[] as short[], ...).
    private static double ElementAsDouble(Array a, int i)
    {
        var t = a.GetType();
        if (t == typeof(double[])) return ((double[])a)[i];
        if (t == typeof(float[])) return ((float[])a)[i];
        if (t == typeof(sbyte[])) return Unsafe.As<sbyte[]>(a)[i];
        if (t == typeof(byte[])) return Unsafe.As<byte[]>(a)[i];
        if (t == typeof(short[])) return Unsafe.As<short[]>(a)[i];
        if (t == typeof(ushort[])) return Unsafe.As<ushort[]>(a)[i];
        if (t == typeof(int[])) return Unsafe.As<int[]>(a)[i];
        if (t == typeof(uint[])) return Unsafe.As<uint[]>(a)[i];
        if (t == typeof(long[])) return Unsafe.As<long[]>(a)[i];
        if (t == typeof(ulong[])) return Unsafe.As<ulong[]>(a)[i];
        throw new InvalidOperationException($"unexpected storage {t}");
    }
}
