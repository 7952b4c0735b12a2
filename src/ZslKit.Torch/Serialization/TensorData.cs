namespace ZslKit.Torch.Serialization;

/// <summary>
/// A tensor as stored in a file, independent of the engine: element type, shape and the elements as contiguous
/// C-order little-endian bytes (<c>Data.Length == numel * DType.ElementSize()</c>). Readers (safetensors, .pth)
/// produce it; <see cref="Tensor"/> converts it to and from engine tensors.
/// </summary>
public sealed record TensorData(ScalarType DType, long[] Shape, byte[] Data)
{
    /// <summary>Number of elements (1 for a scalar with an empty shape).</summary>
    public long NumElements => Shape.Aggregate(1L, (n, d) => n * d);
}
