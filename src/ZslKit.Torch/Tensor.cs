// Tensor.cs - the tensor object: handle ownership, dispose-scope membership, metadata, data in/out, autograd and
// device/dtype conversion. Operations are in Tensor.Ops.cs, indexing in TensorIndex.cs.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ZslKit.Torch.Native;
using ZslKit.Torch.Serialization;

namespace ZslKit.Torch;

/// <summary>
/// A libtorch tensor. Each instance owns one native handle (several instances may view the same storage). Dispose it,
/// or let a <see cref="DisposeScope"/> do it; the finalizer is only a safety net.
/// </summary>
public partial class Tensor : IDisposable
{
    internal readonly TensorHandle Handle;
    internal DisposeScope? OwningScope;
    private int _dim = -1;

    /// <summary>Takes ownership of a handle returned by the shim (throws the shim's error for NULL).</summary>
    internal Tensor(IntPtr handle) : this(handle, registerInScope: true) { }

    internal Tensor(IntPtr handle, bool registerInScope)
    {
        if (handle == IntPtr.Zero) throw new TorchException(NativeMethods.LastError());
        Handle = new TensorHandle(handle);
        if (registerInScope) DisposeScope.Register(this);
    }

    /// <summary>Wraps a fresh handle (throws on NULL).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(IntPtr handle) => new(handle);

    public bool IsDisposed => Handle.IsClosed;

    public void Dispose()
    {
        OwningScope?.Forget(this);
        OwningScope = null;
        Handle.Dispose();
    }

    /// <summary>Moves this tensor to the scope enclosing its current one (or out of scopes altogether).</summary>
    public Tensor MoveToOuterDisposeScope() => OwningScope is null ? this : OwningScope.MoveToOuter(this);

    /// <summary>Removes this tensor from its scope; the caller is now responsible for disposing it.</summary>
    public Tensor DetachFromDisposeScope() => OwningScope is null ? this : OwningScope.Detach(this);

    // ------------------------------------------------------------------ metadata

    /// <summary>Number of dimensions (cached: no exposed op changes it in place).</summary>
    public long ndim => Dim;

    public long dim() => Dim;

    internal int Dim
    {
        get
        {
            if (_dim < 0)
            {
                var d = NativeMethods.zsl_dim(Handle);
                if (d < 0) throw new TorchException(NativeMethods.LastError());
                _dim = d;
            }
            return _dim;
        }
    }

    public unsafe long[] shape
    {
        get
        {
            var n = Dim;
            var result = new long[n];
            fixed (long* p = result)
                if (NativeMethods.zsl_shape(Handle, p, n) < 0) throw new TorchException(NativeMethods.LastError());
            return result;
        }
    }

    /// <summary>Size of one dimension (negative counts from the end).</summary>
    public long size(long dim) => shape[CheckDim(dim)];

    public long numel()
    {
        var n = NativeMethods.zsl_numel(Handle);
        return n >= 0 ? n : throw new TorchException(NativeMethods.LastError());
    }

    public ScalarType dtype
    {
        get
        {
            var d = NativeMethods.zsl_dtype(Handle);
            return d >= 0 ? (ScalarType)d : throw new TorchException(NativeMethods.LastError());
        }
    }

    public torch.Device device
    {
        get
        {
            NativeMethods.Check(NativeMethods.zsl_device(Handle, out var type, out var index));
            return new torch.Device((DeviceType)type, index);
        }
    }

    public bool is_cuda => device.type == DeviceType.CUDA;

    // ------------------------------------------------------------------ autograd

    public bool requires_grad
    {
        get => NativeMethods.zsl_requires_grad(Handle) switch { 1 => true, 0 => false, _ => throw new TorchException(NativeMethods.LastError()) };
        set => NativeMethods.Check(NativeMethods.zsl_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>Sets requires_grad in place and returns this tensor.</summary>
    public Tensor requires_grad_(bool requires_grad = true)
    {
        this.requires_grad = requires_grad;
        return this;
    }

    public bool is_leaf => NativeMethods.zsl_is_leaf(Handle) switch { 1 => true, 0 => false, _ => throw new TorchException(NativeMethods.LastError()) };

    /// <summary>
    /// The accumulated gradient as a new tensor object (null when undefined); setting null clears it ("set to none"),
    /// setting a tensor makes it the gradient.
    /// </summary>
    public Tensor? grad
    {
        get
        {
            NativeMethods.Check(NativeMethods.zsl_grad(Handle, out var g));
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
        set => NativeMethods.Check(NativeMethods.zsl_set_grad(Handle, value is null ? TensorHandle.Null : value.Handle));
    }

    /// <summary>Backpropagates from this tensor (a scalar, unless <paramref name="grad"/> is given).</summary>
    public void backward(Tensor? grad = null, bool retain_graph = false, bool create_graph = false) =>
        NativeMethods.Check(NativeMethods.zsl_backward(Handle, grad is null ? TensorHandle.Null : grad.Handle,
            retain_graph ? 1 : 0, create_graph ? 1 : 0));

    public Tensor detach() => Wrap(NativeMethods.zsl_detach(Handle));

    public Tensor clone() => Wrap(NativeMethods.zsl_clone(Handle));

    public Tensor contiguous() => Wrap(NativeMethods.zsl_contiguous(Handle));

    /// <summary>Replaces this tensor's data by <paramref name="data"/>'s (as PyTorch's <c>t.data = data</c>), keeping its identity.</summary>
    public Tensor set_data(Tensor data)
    {
        NativeMethods.Check(NativeMethods.zsl_set_data(Handle, torch.Arg(data)));
        _dim = -1;
        return this;
    }

    /// <summary>Another tensor object for the same tensor (same storage and autograd identity).</summary>
    public Tensor alias() => Wrap(NativeMethods.zsl_alias(Handle));

    // ------------------------------------------------------------------ conversion

    public Tensor to(ScalarType type, bool copy = false) => Wrap(NativeMethods.zsl_to(Handle, (int)type, -1, -1, copy ? 1 : 0, 0));

    /// <summary>This tensor on <paramref name="device"/>. With <paramref name="non_blocking"/>, a copy from pinned host memory
    /// to CUDA (or from CUDA to host) is queued on the current CUDA stream and this call returns before it finishes; CUDA
    /// kernels queued later on that stream see the data, host code must <see cref="torch.cuda.synchronize"/> first. From
    /// pageable memory, or on the CPU, it is an ordinary copy.</summary>
    public Tensor to(torch.Device device, bool copy = false, bool non_blocking = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        torch.EnsureAvailable(device);
        return Wrap(NativeMethods.zsl_to(Handle, -1, (int)device.type, device.index, copy ? 1 : 0, non_blocking ? 1 : 0));
    }

    public Tensor to(ScalarType type, torch.Device device, bool copy = false, bool non_blocking = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        torch.EnsureAvailable(device);
        return Wrap(NativeMethods.zsl_to(Handle, (int)type, (int)device.type, device.index, copy ? 1 : 0, non_blocking ? 1 : 0));
    }

    /// <summary>A copy of this CPU tensor in page-locked (pinned) host memory, or this tensor's data itself when it is already
    /// pinned (a new handle either way). Pinned memory comes from the CUDA runtime: without CUDA this throws a
    /// <see cref="TorchException"/> ("pin_memory: page-locked host memory needs CUDA ..."); a non-CPU tensor throws too.</summary>
    public Tensor pin_memory() => Wrap(NativeMethods.zsl_pin_memory(Handle));

    /// <summary>Whether this tensor's storage is page-locked host memory (always false without CUDA).</summary>
    public bool is_pinned() => NativeMethods.zsl_is_pinned(Handle) switch
    {
        1 => true,
        0 => false,
        _ => throw new TorchException(NativeMethods.LastError()),
    };

    public Tensor cpu() => to(torch.CPU);

    public Tensor cuda(int index = 0) => to(new torch.Device(DeviceType.CUDA, index));

    // ------------------------------------------------------------------ data out

    /// <summary>The elements in C order as a new array; <typeparamref name="T"/> must match <see cref="dtype"/>.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        CheckElementType<T>(nameof(ToArray));
        var result = new T[numel()];
        fixed (T* p = result) CopyOut(p, (long)result.Length * sizeof(T));
        return result;
    }

    /// <summary>Same as <see cref="ToArray{T}"/> (TorchSharp's name).</summary>
    public T[] data<T>() where T : unmanaged => ToArray<T>();

    /// <summary>The single element of a one-element tensor.</summary>
    public unsafe T item<T>() where T : unmanaged
    {
        CheckElementType<T>(nameof(item));
        var n = numel();
        if (n != 1) throw new InvalidOperationException($"item: the tensor has {n} elements (shape {ShapeText}), item() needs exactly one");
        T value;
        CopyOut(&value, sizeof(T));
        return value;
    }

    /// <summary>The tensor as an engine-independent record (dtype, shape, C-order little-endian bytes).</summary>
    public unsafe TensorData ToData()
    {
        var type = dtype;
        var bytes = new byte[checked(numel() * type.ElementSize())];
        fixed (byte* p = bytes) CopyOut(p, bytes.Length);
        return new TensorData(type, shape, bytes);
    }

    /// <summary>Every read of tensor values into host memory (item, ToArray, ToData) goes through here and is counted in
    /// <see cref="torch.HostReads"/>: on CUDA each one waits for the device to finish the work queued so far.</summary>
    private unsafe void CopyOut(void* destination, long bytes)
    {
        torch.CountHostRead();
        NativeMethods.Check(NativeMethods.zsl_copy_to(Handle, destination, bytes));
    }

    private void CheckElementType<T>(string op) where T : unmanaged
    {
        var wanted = torch.ElementTypeOf<T>(op);
        var actual = dtype;
        if (wanted != actual)
            throw new ArgumentException($"{op}<{typeof(T).Name}>: the tensor's dtype is {actual}, not {wanted}; convert with .to({actual}→{wanted}) first", "T");
    }

    // ------------------------------------------------------------------ helpers

    internal string ShapeText => "[" + string.Join(", ", shape) + "]";

    /// <summary>Validates a dim argument against this tensor's rank (negative dims count from the end) and returns it wrapped.</summary>
    internal int CheckDim(long dim, [CallerMemberName] string op = "", int extra = 0)
    {
        var n = Math.Max(Dim + extra, 1);
        if (dim < -n || dim >= n)
            throw new ArgumentOutOfRangeException(nameof(dim), dim,
                $"{op}: dim {dim} is out of range for a tensor of shape {ShapeText} (expected {-n}..{n - 1})");
        return (int)(dim < 0 ? dim + n : dim);
    }

    public override string ToString()
    {
        if (IsDisposed) return "Tensor(disposed)";
        return $"Tensor(shape={ShapeText}, dtype={dtype}, device={device})";
    }

    /// <summary>The values as libtorch prints them.</summary>
    public string ToStringValues()
    {
        var p = NativeMethods.zsl_to_string(Handle);
        return p == IntPtr.Zero ? throw new TorchException(NativeMethods.LastError()) : Marshal.PtrToStringUTF8(p) ?? "";
    }
}
