// NumPy arrays inside a pickle (pickle.dump of ndarrays, e.g. the LESA release's word-vector files), decoded as data
// only: numpy's reduce forms are recognised by name and rebuilt in C# into TensorData (C order, little-endian).
//   protocols 2-4: numpy.core.multiarray._reconstruct(ndarray, (0,), b'b') then BUILD (1, shape, dtype, is_fortran, raw)
//   protocol 5:    numpy.core.numeric._frombuffer(buffer, dtype, shape, order)
//   dtypes:        numpy.dtype(str, align, copy) then BUILD (3, byteorder, subarray, names, fields, elsize, alignment, flags)
// NumPy 2 names the same functions under numpy._core. Object, structured and sub-array dtypes are refused.
namespace ZslKit.Torch.Serialization;

/// <summary>A numpy.dtype under construction: the type string ("f4", "<i8", "b1") and its byte order.</summary>
internal sealed class NumpyDType(string code)
{
    public string Code { get; } = code;

    /// <summary>'<' little, '>' big, '|' not applicable, '=' native (little on every platform we run on).</summary>
    public char ByteOrder { get; set; } = code.Length > 0 && code[0] is '<' or '>' or '|' or '=' ? code[0] : '=';

    private string Kind => Code.TrimStart('<', '>', '|', '=');

    /// <summary>The engine dtype, or null for a numpy type we do not read (the message then names <see cref="Code"/>).</summary>
    public ScalarType? ScalarType => Kind switch
    {
        "f4" => Torch.ScalarType.Float32, "f8" => Torch.ScalarType.Float64, "f2" => Torch.ScalarType.Float16,
        "i8" => Torch.ScalarType.Int64, "i4" => Torch.ScalarType.Int32, "i2" => Torch.ScalarType.Int16,
        "i1" => Torch.ScalarType.Int8, "u1" => Torch.ScalarType.Byte, "b1" => Torch.ScalarType.Bool,
        _ => null,
    };

    public bool BigEndian => ByteOrder == '>';

    public override string ToString() => $"numpy dtype '{Code}'";
}

/// <summary>An ndarray between _reconstruct and its BUILD; <see cref="Result"/> is set by BUILD.</summary>
internal sealed class NumpyArrayRef(long offset)
{
    public long PickleOffset { get; } = offset;
    public TensorData? Result { get; set; }
}

/// <summary>Turns numpy's pickled array state into <see cref="TensorData"/>.</summary>
internal static class NumpyArrays
{
    /// <summary>
    /// Elements of <paramref name="shape"/> in <paramref name="dtype"/> from <paramref name="raw"/> (C order, or Fortran
    /// order when <paramref name="fortran"/>), as C-order little-endian TensorData. <paramref name="fail"/> builds the
    /// exception for a problem.
    /// </summary>
    public static TensorData Build(long[] shape, NumpyDType dtype, bool fortran, byte[] raw, Func<string, Exception> fail)
    {
        var type = dtype.ScalarType ?? throw fail(
            $"{dtype}: only float16/32/64, int8/16/32/64, uint8 and bool arrays are read");
        if (shape.Any(d => d < 0)) throw fail($"numpy array with a negative dimension [{string.Join(", ", shape)}]");
        int size = type.ElementSize();
        var elements = shape.Aggregate(System.Numerics.BigInteger.One, (n, d) => n * d);   // no overflow for any shape
        if (elements * size != raw.LongLength)
            throw fail($"numpy array [{string.Join(", ", shape)}] of {dtype} needs {elements * size} bytes, the pickle holds {raw.LongLength}");
        long count = (long)elements;
        var data = (byte[])raw.Clone();
        if (dtype.BigEndian && size > 1)
            for (long i = 0; i < count; i++) Array.Reverse(data, (int)(i * size), size);
        if (type == Torch.ScalarType.Bool && data.Any(b => b > 1)) throw fail("numpy bool array holds a byte other than 0 or 1");
        if (fortran && shape.Length > 1) data = FortranToC(data, shape, size);
        return new TensorData(type, shape, data);
    }

    /// <summary>Reorders elements stored column-major (first index fastest) into row-major order.</summary>
    private static byte[] FortranToC(byte[] src, long[] shape, int size)
    {
        int rank = shape.Length;
        long count = shape.Aggregate(1L, (n, d) => n * d);
        var dst = new byte[src.Length];
        var fStride = new long[rank];
        long s = 1;
        for (int k = 0; k < rank; k++) { fStride[k] = s; s *= shape[k]; }
        var index = new long[rank];
        for (long c = 0; c < count; c++)
        {
            long f = 0;
            for (int k = 0; k < rank; k++) f += index[k] * fStride[k];
            Buffer.BlockCopy(src, (int)(f * size), dst, (int)(c * size), size);
            for (int k = rank - 1; k >= 0; k--)       // advance the C-order index, last dimension fastest
            {
                if (++index[k] < shape[k]) break;
                index[k] = 0;
            }
        }
        return dst;
    }
}
