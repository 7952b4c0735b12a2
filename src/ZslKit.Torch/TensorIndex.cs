// TensorIndex.cs - index expressions as TorchSharp has them: t[1], t[.., 0], t[TensorIndex.Slice(1, 3)],
// t[TensorIndex.Ellipsis, TensorIndex.None], t[mask]; getting returns a view (or a copy for tensor indices), setting
// writes in place.
using ZslKit.Torch.Native;

namespace ZslKit.Torch;

/// <summary>One entry of an index expression.</summary>
public readonly struct TensorIndex
{
    internal readonly ZslIndex Raw;
    internal readonly Tensor? TensorValue;

    private TensorIndex(ZslIndex raw, Tensor? tensor = null)
    {
        Raw = raw;
        TensorValue = tensor;
    }

    /// <summary>A single position (negative counts from the end); removes the dim.</summary>
    public static TensorIndex Single(long index) => new(new ZslIndex { Kind = 0, Start = index, Step = 1 });

    /// <summary>start:stop:step, each optional (step must be positive).</summary>
    public static TensorIndex Slice(long? start = null, long? stop = null, long step = 1)
    {
        if (step <= 0) throw new ArgumentOutOfRangeException(nameof(step), step, "slice step must be positive");
        return new(new ZslIndex
        {
            Kind = 1, Start = start ?? 0, HasStart = start is null ? 0 : 1, Stop = stop ?? 0, HasStop = stop is null ? 0 : 1, Step = step,
        });
    }

    /// <summary>":" — the whole dim.</summary>
    public static readonly TensorIndex Colon = Slice();

    /// <summary>"..." — as many whole dims as needed.</summary>
    public static readonly TensorIndex Ellipsis = new(new ZslIndex { Kind = 2, Step = 1 });

    /// <summary>None — inserts a dim of size 1.</summary>
    public static readonly TensorIndex None = new(new ZslIndex { Kind = 3, Step = 1 });

    /// <summary>A bool mask or an integer index tensor (advanced indexing: the result is a copy).</summary>
    public static TensorIndex Tensor(Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        return new(new ZslIndex { Kind = 4, Step = 1 }, index);
    }

    public static implicit operator TensorIndex(long index) => Single(index);
    public static implicit operator TensorIndex(int index) => Single(index);
    public static implicit operator TensorIndex(Tensor index) => Tensor(index);

    /// <summary>C# indices: <c>^1</c> is the last position (-1).</summary>
    public static implicit operator TensorIndex(Index index) => Single(index.IsFromEnd ? -index.Value : index.Value);

    /// <summary>C# ranges: <c>..</c>, <c>1..3</c>, <c>^2..</c> (from-end counts become negative indices).</summary>
    public static implicit operator TensorIndex(Range range)
    {
        long? start = range.Start.IsFromEnd ? (range.Start.Value == 0 ? long.MaxValue : -range.Start.Value) : range.Start.Value;
        long? stop = range.End.IsFromEnd ? (range.End.Value == 0 ? null : -range.End.Value) : range.End.Value;
        return Slice(start == 0 ? null : start, stop);
    }
}

public unsafe partial class Tensor
{
    /// <summary>t[i0, i1, ...] (PyTorch indexing semantics). Setting copies <c>value</c> (broadcast) into the selection.</summary>
    public Tensor this[params TensorIndex[] indices]
    {
        get => Index(indices);
        set => IndexPut(indices, value);
    }

    public Tensor this[long i0]
    {
        get => Index([TensorIndex.Single(i0)]);
        set => IndexPut([TensorIndex.Single(i0)], value);
    }

    public Tensor this[long i0, long i1]
    {
        get => Index([TensorIndex.Single(i0), TensorIndex.Single(i1)]);
        set => IndexPut([TensorIndex.Single(i0), TensorIndex.Single(i1)], value);
    }

    /// <summary>Writes <paramref name="value"/> into the selection t[indices] (in place).</summary>
    public Tensor index_put_(Scalar value, params ReadOnlySpan<TensorIndex> indices)
    {
        using var borrowed = new IndexBorrow(indices);
        fixed (ZslIndex* p = borrowed.Raw) NativeMethods.Check(NativeMethods.zsl_index_fill_(Handle, p, indices.Length, value.Value));
        return this;
    }

    private Tensor Index(ReadOnlySpan<TensorIndex> indices)
    {
        using var borrowed = new IndexBorrow(indices);
        fixed (ZslIndex* p = borrowed.Raw) return Wrap(NativeMethods.zsl_index_get(Handle, p, indices.Length));
    }

    private void IndexPut(ReadOnlySpan<TensorIndex> indices, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        using var borrowed = new IndexBorrow(indices);
        fixed (ZslIndex* p = borrowed.Raw) NativeMethods.Check(NativeMethods.zsl_index_put_(Handle, p, indices.Length, value.Handle));
    }

    /// <summary>Copies the index entries into native form, keeping tensor indices' handles referenced during the call.</summary>
    private ref struct IndexBorrow
    {
        public readonly ZslIndex[] Raw;
        private readonly TensorIndex[] _source;
        private int _added;

        public IndexBorrow(ReadOnlySpan<TensorIndex> indices)
        {
            Raw = new ZslIndex[indices.Length];
            _source = indices.ToArray();
            _added = 0;
            for (var i = 0; i < indices.Length; i++)
            {
                Raw[i] = indices[i].Raw;
                if (indices[i].TensorValue is { } t)
                {
                    var ok = false;
                    t.Handle.DangerousAddRef(ref ok);
                    Raw[i].Tensor = t.Handle.DangerousGetHandle();
                }
                _added = i + 1;
            }
        }

        public void Dispose()
        {
            for (var i = 0; i < _added; i++) _source[i].TensorValue?.Handle.DangerousRelease();
            _added = 0;
        }
    }
}
