// torch.cs - the torch facade: dtypes, tensor creation, grad mode, seeds, threads, CUDA queries and diagnostics.
using ZslKit.Torch.Native;
using ZslKit.Torch.Serialization;

namespace ZslKit.Torch;

/// <summary>PyTorch-shaped entry points (as TorchSharp): <c>torch.zeros(2, 3)</c>, <c>torch.tensor(data, shape)</c>, ...</summary>
public static unsafe partial class torch
{
    // ------------------------------------------------------------------ dtypes
    public const ScalarType float32 = ScalarType.Float32;
    public const ScalarType @float = ScalarType.Float32;
    public const ScalarType float16 = ScalarType.Float16;
    public const ScalarType half = ScalarType.Float16;
    public const ScalarType bfloat16 = ScalarType.BFloat16;
    public const ScalarType float64 = ScalarType.Float64;
    public const ScalarType @double = ScalarType.Float64;
    public const ScalarType int8 = ScalarType.Int8;
    public const ScalarType int16 = ScalarType.Int16;
    public const ScalarType int32 = ScalarType.Int32;
    public const ScalarType int64 = ScalarType.Int64;
    public const ScalarType @long = ScalarType.Int64;
    public const ScalarType @bool = ScalarType.Bool;
    public const ScalarType uint8 = ScalarType.Byte;

    /// <summary>The dtype matching a .NET element type (float → float32, Half → float16, ...).</summary>
    internal static ScalarType ElementTypeOf<T>(string op) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) return ScalarType.Float32;
        if (typeof(T) == typeof(double)) return ScalarType.Float64;
        if (typeof(T) == typeof(long)) return ScalarType.Int64;
        if (typeof(T) == typeof(int)) return ScalarType.Int32;
        if (typeof(T) == typeof(bool)) return ScalarType.Bool;
        if (typeof(T) == typeof(byte)) return ScalarType.Byte;
        if (typeof(T) == typeof(sbyte)) return ScalarType.Int8;
        if (typeof(T) == typeof(short)) return ScalarType.Int16;
        if (typeof(T) == typeof(Half)) return ScalarType.Float16;
        throw new ArgumentException($"{op}: {typeof(T).Name} is not a tensor element type (float, double, long, int, short, sbyte, byte, bool, Half)", "T");
    }

    // ------------------------------------------------------------------ creation from data

    /// <summary>A tensor holding a copy of <paramref name="data"/> with the given shape (default: 1-D).</summary>
    public static Tensor tensor<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape, ScalarType? dtype = null, Device? device = null,
        bool requires_grad = false) where T : unmanaged
    {
        var type = ElementTypeOf<T>(nameof(tensor));
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException($"tensor: negative dimension in shape [{string.Join(", ", shape.ToArray())}]", nameof(shape));
            n = checked(n * d);
        }
        if (n != data.Length)
            throw new ArgumentException($"tensor: {data.Length} values do not fill shape [{string.Join(", ", shape.ToArray())}] ({n} elements)", nameof(data));
        var dev = device ?? CPU;
        EnsureAvailable(dev);
        var needsCast = dtype is { } dt && dt != type;
        Tensor t;
        fixed (T* p = data)
        fixed (long* s = shape)
            t = new Tensor(NativeMethods.zsl_from_data(p, (long)data.Length * sizeof(T), (int)type, s, shape.Length, (int)dev.type, dev.index,
                requires_grad && !needsCast ? 1 : 0));
        if (!needsCast) return t;
        using (t) return Leaf(t.to(dtype!.Value), requires_grad);
    }

    public static Tensor tensor<T>(T[] data, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        return tensor<T>(data.AsSpan(), [data.LongLength], dtype, device, requires_grad);
    }

    /// <summary>A 2-D tensor from a rectangular array.</summary>
    public static Tensor tensor<T>(T[,] data, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(data);
        var flat = data.Length == 0
            ? ReadOnlySpan<T>.Empty
            : System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref data[0, 0], data.Length);
        return tensor(flat, [data.GetLongLength(0), data.GetLongLength(1)], dtype, device, requires_grad);
    }

    /// <summary>A 0-dimensional tensor.</summary>
    public static Tensor tensor<T>(T value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) where T : unmanaged =>
        tensor(new ReadOnlySpan<T>(in value), ReadOnlySpan<long>.Empty, dtype, device, requires_grad);

    /// <summary>A tensor from a file-format record (any dtype, including bfloat16).</summary>
    public static Tensor from_data(TensorData data, Device? device = null, bool requires_grad = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        var expected = data.NumElements * data.DType.ElementSize();
        if (data.Data.LongLength != expected)
            throw new ArgumentException($"from_data: {data.Data.Length} bytes for dtype {data.DType} and shape [{string.Join(", ", data.Shape)}] (expected {expected})", nameof(data));
        var dev = device ?? CPU;
        EnsureAvailable(dev);
        fixed (byte* p = data.Data)
        fixed (long* s = data.Shape)
            return new Tensor(NativeMethods.zsl_from_data(p, data.Data.LongLength, (int)data.DType, s, data.Shape.Length, (int)dev.type, dev.index, requires_grad ? 1 : 0));
    }

    private static Tensor Leaf(Tensor t, bool requires_grad) => requires_grad ? t.requires_grad_() : t;

    // ------------------------------------------------------------------ factories
    private static Tensor Make(delegate*<long*, int, int, int, int, int, IntPtr> f, ReadOnlySpan<long> size, ScalarType? dtype, Device? device, bool requires_grad, string op)
    {
        foreach (var d in size)
            if (d < 0) throw new ArgumentException($"{op}: negative dimension in size [{string.Join(", ", size.ToArray())}]", nameof(size));
        var dev = device ?? CPU;
        EnsureAvailable(dev);
        fixed (long* s = size)
            return new Tensor(f(s, size.Length, dtype is { } t ? (int)t : -1, (int)dev.type, dev.index, requires_grad ? 1 : 0));
    }

    public static Tensor empty(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Make(&NativeMethods.zsl_empty, size, dtype, device, requires_grad, nameof(empty));
    public static Tensor empty(params long[] size) => empty(size.AsSpan());

    public static Tensor zeros(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Make(&NativeMethods.zsl_zeros, size, dtype, device, requires_grad, nameof(zeros));
    public static Tensor zeros(params long[] size) => zeros(size.AsSpan());

    public static Tensor ones(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Make(&NativeMethods.zsl_ones, size, dtype, device, requires_grad, nameof(ones));
    public static Tensor ones(params long[] size) => ones(size.AsSpan());

    /// <summary>Uniform samples in [0, 1).</summary>
    public static Tensor rand(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Make(&NativeMethods.zsl_rand, size, dtype, device, requires_grad, nameof(rand));
    public static Tensor rand(params long[] size) => rand(size.AsSpan());

    /// <summary>Standard normal samples.</summary>
    public static Tensor randn(ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        Make(&NativeMethods.zsl_randn, size, dtype, device, requires_grad, nameof(randn));
    public static Tensor randn(params long[] size) => randn(size.AsSpan());

    public static Tensor full(ReadOnlySpan<long> size, Scalar value, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        foreach (var d in size)
            if (d < 0) throw new ArgumentException($"full: negative dimension in size [{string.Join(", ", size.ToArray())}]", nameof(size));
        var dev = device ?? CPU;
        EnsureAvailable(dev);
        // Without a dtype: float32 for floats, int64 for integers, bool for bools (as torch.full).
        var type = dtype ?? (value.Value.Kind switch { 1 => ScalarType.Int64, 2 => ScalarType.Bool, _ => ScalarType.Float32 });
        fixed (long* s = size)
            return new Tensor(NativeMethods.zsl_full(s, size.Length, value.Value, (int)type, (int)dev.type, dev.index, requires_grad ? 1 : 0));
    }

    /// <summary>Values from start (inclusive) to end (exclusive) by step; int64 when all bounds are integers.</summary>
    public static Tensor arange(Scalar start, Scalar end, Scalar step, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        if (step.ToDouble() == 0) throw new ArgumentException("arange: step must be non-zero", nameof(step));
        var dev = device ?? CPU;
        EnsureAvailable(dev);
        return new Tensor(NativeMethods.zsl_arange(start.Value, end.Value, step.Value, dtype is { } t ? (int)t : -1, (int)dev.type, dev.index, requires_grad ? 1 : 0));
    }

    public static Tensor arange(Scalar start, Scalar end, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        arange(start, end, 1, dtype, device, requires_grad);

    public static Tensor arange(Scalar end, ScalarType? dtype = null, Device? device = null, bool requires_grad = false) =>
        arange(0, end, 1, dtype, device, requires_grad);

    /// <summary>An n x m identity matrix (m = n by default).</summary>
    public static Tensor eye(long n, long m = -1, ScalarType? dtype = null, Device? device = null, bool requires_grad = false)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "eye: n must be >= 0");
        var dev = device ?? CPU;
        EnsureAvailable(dev);
        return new Tensor(NativeMethods.zsl_eye(n, m < 0 ? n : m, dtype is { } t ? (int)t : -1, (int)dev.type, dev.index, requires_grad ? 1 : 0));
    }

    /// <summary>Uniform random integers in [low, high) (int64 by default).</summary>
    public static Tensor randint(long low, long high, ReadOnlySpan<long> size, ScalarType? dtype = null, Device? device = null)
    {
        if (high <= low) throw new ArgumentException($"randint: high ({high}) must be greater than low ({low})", nameof(high));
        var dev = device ?? CPU;
        EnsureAvailable(dev);
        fixed (long* s = size)
            return new Tensor(NativeMethods.zsl_randint(low, high, s, size.Length, dtype is { } t ? (int)t : -1, (int)dev.type, dev.index));
    }

    /// <summary>A random permutation of 0..n-1 (int64 by default).</summary>
    public static Tensor randperm(long n, ScalarType? dtype = null, Device? device = null)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "randperm: n must be >= 0");
        var dev = device ?? CPU;
        EnsureAvailable(dev);
        return new Tensor(NativeMethods.zsl_randperm(n, dtype is { } t ? (int)t : -1, (int)dev.type, dev.index));
    }

    /// <summary><paramref name="steps"/> evenly spaced values from start to end inclusive.</summary>
    public static Tensor linspace(double start, double end, long steps, ScalarType? dtype = null, Device? device = null)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "linspace: steps must be >= 0");
        var dev = device ?? CPU;
        EnsureAvailable(dev);
        return new Tensor(NativeMethods.zsl_linspace(start, end, steps, dtype is { } t ? (int)t : -1, (int)dev.type, dev.index));
    }

    public static Tensor zeros_like(Tensor t) => Tensor.Wrap(NativeMethods.zsl_zeros_like(Arg(t)));

    public static Tensor ones_like(Tensor t) => Tensor.Wrap(NativeMethods.zsl_ones_like(Arg(t)));

    // ------------------------------------------------------------------ runtime

    /// <summary>Disables gradient recording on this thread until the returned object is disposed (then restores the previous mode).</summary>
    public static IDisposable no_grad() => new GradModeScope(false);

    /// <summary>Enables gradient recording on this thread until the returned object is disposed.</summary>
    public static IDisposable enable_grad() => new GradModeScope(true);

    public static bool is_grad_enabled() => NativeMethods.zsl_is_grad_enabled() != 0;

    public static void manual_seed(long seed) => NativeMethods.Check(NativeMethods.zsl_manual_seed(unchecked((ulong)seed)));

    public static void set_num_threads(int n)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "set_num_threads: must be >= 1");
        NativeMethods.Check(NativeMethods.zsl_set_num_threads(n));
    }

    public static int get_num_threads() => NativeMethods.zsl_get_num_threads();

    /// <summary>Starts a scope owning the tensors created on this thread until it is disposed.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Reads of tensor values into host memory (<c>item</c>, <c>ToArray</c>, <c>ToData</c>) made by this thread so far.
    /// On CUDA each read is a host sync (the CPU waits for the GPU), so a training loop should make few; tests assert on the
    /// difference before and after a piece of code (docs/engine.md, "Host reads").</summary>
    public static long HostReads => t_hostReads;

    [ThreadStatic] private static long t_hostReads;

    internal static void CountHostRead() => t_hostReads++;

    /// <summary>Native tensor handles alive in this process (all threads): the leak check used by tests.</summary>
    public static long LiveTensorCount => NativeMethods.zsl_live_tensors();

    /// <summary>The libtorch version the shim was built against.</summary>
    public static Version LibTorchVersion
    {
        get
        {
            NativeMethods.zsl_torch_version(out var major, out var minor, out var patch);
            return new Version(major, minor, patch);
        }
    }

    /// <summary>The native ABI version of the loaded shim.</summary>
    public static int NativeAbiVersion => NativeMethods.zsl_abi_version();

    /// <summary>
    /// The glibc malloc thresholds (bytes) the shim fixed at load so that large tensor buffers are reused instead of being
    /// mapped and page-faulted anew on every allocation (docs/engine.md, "Host memory"); null when it left malloc alone
    /// (not glibc, GLIBC_TUNABLES with malloc settings, or ZSLKIT_MALLOC_TUNING=0).
    /// </summary>
    public static (long MmapThreshold, long TrimThreshold)? NativeMallocTuning =>
        NativeMethods.zsl_malloc_tuning(out var mmap, out var trim) == 1 ? (mmap, trim) : null;

    public static partial class cuda
    {
        public static bool is_available() => NativeMethods.zsl_cuda_is_available() != 0;
        public static int device_count() => NativeMethods.zsl_cuda_device_count();

        public static void synchronize(int index = -1)
        {
            EnsureAvailable(CUDA);
            NativeMethods.Check(NativeMethods.zsl_cuda_synchronize(index));
        }

        /// <summary>Peak bytes held by tensors on the device since the start or the last <see cref="reset_peak_memory_stats"/>.</summary>
        public static long max_memory_allocated(int index = -1)
        {
            EnsureAvailable(CUDA);
            NativeMethods.Check(NativeMethods.zsl_cuda_max_memory_allocated(index, out var bytes));
            return bytes;
        }

        /// <summary>Restarts the peak statistics of the CUDA caching allocator.</summary>
        public static void reset_peak_memory_stats(int index = -1)
        {
            EnsureAvailable(CUDA);
            NativeMethods.Check(NativeMethods.zsl_cuda_reset_peak_memory_stats(index));
        }

        /// <summary>The CUDA runtime version libtorch was built with (12040 = 12.4), or null for a CPU-only libtorch.</summary>
        public static Version? runtime_version()
        {
            var v = NativeMethods.zsl_cuda_runtime_version();
            return v <= 0 ? null : new Version(v / 1000, v % 1000 / 10);
        }
    }

    internal static TensorHandle Arg(Tensor? t, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(t))] string? name = null) =>
        t is null ? throw new ArgumentNullException(name) : t.Handle;

    internal static TensorHandle Opt(Tensor? t) => t is null ? TensorHandle.Null : t.Handle;

    private sealed class GradModeScope : IDisposable
    {
        private readonly int _previous;
        private bool _disposed;

        public GradModeScope(bool enabled) => _previous = NativeMethods.zsl_set_grad_enabled(enabled ? 1 : 0);

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            NativeMethods.zsl_set_grad_enabled(_previous);
        }
    }
}
