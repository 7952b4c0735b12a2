// HostBatch.cs - the host side of a training batch: the example indices and dense arrays with their shapes (plain managed
// memory, no tensors), made by a worker thread while earlier steps run (IPrefetchableTask), and turned into tensors on the
// training thread: on the CPU one copy into a tensor; on CUDA a copy into pinned host memory, then an asynchronous
// (non_blocking) copy to the device on the current CUDA stream.
using ZslKit.Torch;

namespace ZslKit.Experiments.Training;

/// <summary>One dense array of a host batch: its elements in C order and its shape.</summary>
public abstract class HostArray
{
    private protected HostArray(long[] shape) => Shape = shape;

    /// <summary>The tensor shape of the elements.</summary>
    public long[] Shape { get; }

    /// <summary>Wraps (does not copy) <paramref name="data"/> as an array of the given shape; the element count must match.</summary>
    public static HostArray<T> Of<T>(T[] data, params long[] shape) where T : unmanaged => new(data, shape);

    /// <summary>A new CPU tensor holding a copy of the elements.</summary>
    public abstract Tensor ToTensor();
}

/// <inheritdoc cref="HostArray"/>
public sealed class HostArray<T> : HostArray where T : unmanaged
{
    internal HostArray(T[] data, long[] shape) : base(CheckShape(data, shape)) => Data = data;

    public T[] Data { get; }

    public override Tensor ToTensor() => torch.tensor<T>(Data.AsSpan(), Shape);

    private static long[] CheckShape(T[] data, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape [{string.Join(", ", shape)}]", nameof(shape));
            n = checked(n * d);
        }
        if (n != data.LongLength)
            throw new ArgumentException($"{data.LongLength} {typeof(T).Name} values do not fill shape [{string.Join(", ", shape)}] ({n} elements)", nameof(data));
        return (long[])shape.Clone();
    }
}

/// <summary>The host side of the batch of <see cref="Indices"/>: arrays the task's device part turns into tensors.</summary>
public sealed class HostBatch
{
    public HostBatch(int[] indices, params HostArray[] arrays)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(arrays);
        for (int i = 0; i < arrays.Length; i++)
            if (arrays[i] is null) throw new ArgumentNullException(nameof(arrays), $"array {i} of the host batch is null");
        Indices = indices;
        Arrays = arrays;
    }

    /// <summary>The training examples of the batch, in batch order.</summary>
    public int[] Indices { get; }

    public IReadOnlyList<HostArray> Arrays { get; }

    /// <summary>Array <paramref name="index"/> as a tensor on <paramref name="device"/>, owned by the caller (and by the current
    /// dispose scope). CPU: a copy of the array. CUDA: the array copied into pinned host memory, then a non_blocking copy to
    /// the device queued on the current stream; libtorch's pinned-memory allocator keeps the pinned block from being reused
    /// until that copy has finished, so it is released here at once, and kernels queued after it on the stream see the data.</summary>
    public Tensor ToDevice(int index, torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if ((uint)index >= (uint)Arrays.Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"the host batch has {Arrays.Count} arrays");
        var cpu = Arrays[index].ToTensor();
        if (device.type == DeviceType.CPU) return cpu;
        using (cpu)
        {
            using var pinned = cpu.pin_memory();
            return pinned.to(device, non_blocking: true);
        }
    }
}
