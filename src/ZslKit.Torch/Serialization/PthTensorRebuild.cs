// Turns a tensor view of a storage (storage_offset, size, stride, as torch._utils._rebuild_tensor_v2 receives them)
// into a TensorData with contiguous C-order bytes. Views that share a storage (a tensor and its transpose, slices)
// each get their own copy; stride-0 (expanded) views are allowed up to a byte limit.
using System.Runtime.InteropServices;

namespace ZslKit.Torch.Serialization;

internal static class PthTensorRebuild
{
    /// <summary>
    /// Copies the elements the view addresses, in C order. Throws (via <paramref name="error"/>) when the view reaches
    /// past its storage or the result would exceed <paramref name="maxBytes"/>.
    /// </summary>
    public static TensorData Materialise(PthTensorRef t, long maxBytes, Func<string, PthFormatException> error)
    {
        var storage = t.Storage;
        var dtype = storage.Root.DType;
        var data = storage.Root.Data ?? throw error($"storage '{storage.Root.Key}' has no data in the file");
        int elem = dtype.ElementSize();
        long numel;
        try
        {
            numel = t.Size.Aggregate(1L, (n, d) => checked(n * d));
            if (checked(numel * elem) > Math.Min(maxBytes, Array.MaxLength))
                throw error($"tensor of shape [{string.Join(", ", t.Size)}] needs {numel * elem} bytes, over the limit of " +
                            $"{Math.Min(maxBytes, Array.MaxLength)} (PthReadOptions.MaxTensorBytes / MaxTotalBytes)");
        }
        catch (OverflowException)
        {
            throw error($"tensor of shape [{string.Join(", ", t.Size)}] has more elements than fit in 64 bits");
        }
        var output = new byte[numel * elem];
        if (numel == 0) return new TensorData(dtype, t.Size, output);

        // Highest element index the view touches, relative to the root storage; it must lie inside the storage view.
        long last;
        try
        {
            last = t.StorageOffset;
            for (var d = 0; d < t.Size.Length; d++) last = checked(last + (t.Size[d] - 1) * t.Stride[d]);
        }
        catch (OverflowException)
        {
            throw error("storage_offset + (size - 1) * stride overflows 64 bits");
        }
        if (last >= storage.Numel)
            throw error($"storage '{storage.Root.Key}' holds {storage.Numel} elements but the tensor (offset {t.StorageOffset}, " +
                        $"size [{string.Join(", ", t.Size)}], stride [{string.Join(", ", t.Stride)}]) reaches element {last}");
        if (checked((storage.ElementOffset + storage.Numel) * elem) > data.Length)
            throw error($"storage '{storage.Root.Key}' has {data.Length} bytes, fewer than its view needs");

        var baseElement = storage.ElementOffset + t.StorageOffset;
        if (IsContiguous(t.Size, t.Stride))
        {
            Buffer.BlockCopy(data, checked((int)(baseElement * elem)), output, 0, output.Length);
            return new TensorData(dtype, t.Size, output);
        }

        // Odometer over all dimensions but the last; the innermost run is one block copy when its stride is 1.
        var ndim = t.Size.Length;
        var index = new long[ndim];
        long inner = t.Size[ndim - 1], innerStride = t.Stride[ndim - 1];
        var outPos = 0;
        while (true)
        {
            long src = baseElement;
            for (var d = 0; d < ndim - 1; d++) src += index[d] * t.Stride[d];
            if (innerStride == 1)
            {
                Buffer.BlockCopy(data, (int)(src * elem), output, outPos, (int)(inner * elem));
                outPos += (int)(inner * elem);
            }
            else
            {
                var dst = output.AsSpan(outPos, (int)(inner * elem));
                switch (elem)
                {
                    case 1: Gather<byte>(data, src, innerStride, dst); break;
                    case 2: Gather<ushort>(data, src, innerStride, dst); break;
                    case 4: Gather<uint>(data, src, innerStride, dst); break;
                    default: Gather<ulong>(data, src, innerStride, dst); break;
                }
                outPos += dst.Length;
            }
            var dim = ndim - 2;
            while (dim >= 0 && ++index[dim] == t.Size[dim]) index[dim--] = 0;
            if (dim < 0) break;
        }
        return new TensorData(dtype, t.Size, output);
    }

    /// <summary>dst[i] = storage element (first + i * stride), for dst.Length / sizeof(T) elements of type T.</summary>
    private static void Gather<T>(byte[] data, long first, long stride, Span<byte> dst) where T : unmanaged
    {
        var source = MemoryMarshal.Cast<byte, T>(data.AsSpan());
        var target = MemoryMarshal.Cast<byte, T>(dst);
        for (var i = 0; i < target.Length; i++) target[i] = source[(int)(first + i * stride)];
    }

    /// <summary>Whether the strides are C-contiguous for the sizes (dimensions of size 1 may have any stride).</summary>
    public static bool IsContiguous(long[] size, long[] stride)
    {
        long expected = 1;
        for (var d = size.Length - 1; d >= 0; d--)
        {
            if (size[d] == 1) continue;
            if (stride[d] != expected) return false;
            expected *= size[d];
        }
        return true;
    }

    /// <summary>Reverses the bytes of every element in place (big-endian storage to little-endian).</summary>
    public static void SwapBytes(byte[] data, int elementSize)
    {
        if (elementSize == 1) return;
        for (var i = 0; i + elementSize <= data.Length; i += elementSize) Array.Reverse(data, i, elementSize);
    }
}
