// Autocast.cs - mixed precision scopes as torch.autocast: inside `using (torch.autocast("cpu", torch.bfloat16)) { ... }`
// the ops on libtorch's autocast lists (linear, matmul, bmm, conv, ... for the lower precision; losses, reductions, ...
// for float32) cast their inputs; parameters stay as they are. The state is thread-local in libtorch: a scope affects
// only the thread that opened it and must be disposed on that thread, innermost first.
using ZslKit.Torch.Native;

namespace ZslKit.Torch;

public static partial class torch
{
    /// <summary>Enables (or, with <paramref name="enabled"/> false, disables) autocast for <paramref name="device_type"/>
    /// ("cpu" or "cuda") on this thread until the scope is disposed, which restores the previous flag and dtype.
    /// <paramref name="dtype"/>: the lower precision (bfloat16 or float16); null keeps the thread's current autocast
    /// dtype (libtorch defaults: bfloat16 on CPU, float16 on CUDA).</summary>
    public static AutocastScope autocast(string device_type, ScalarType? dtype = null, bool enabled = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(device_type);
        var type = device_type.Trim().ToLowerInvariant() switch
        {
            "cpu" => DeviceType.CPU,
            "cuda" => DeviceType.CUDA,
            _ => throw new ArgumentException($"autocast: device_type must be 'cpu' or 'cuda', not '{device_type}'", nameof(device_type)),
        };
        return autocast(type, dtype, enabled);
    }

    /// <summary>As <see cref="autocast(string, ScalarType?, bool)"/> for a device type.</summary>
    public static AutocastScope autocast(DeviceType device_type, ScalarType? dtype = null, bool enabled = true) =>
        new(device_type, dtype, enabled);

    /// <summary>Whether autocast is enabled for <paramref name="device_type"/> on this thread.</summary>
    public static bool is_autocast_enabled(DeviceType device_type)
    {
        var r = NativeMethods.zsl_autocast_is_enabled((int)device_type);
        if (r < 0) throw new TorchException(NativeMethods.LastError());
        return r != 0;
    }

    /// <summary>Whether autocast is enabled for "cpu" or "cuda" on this thread.</summary>
    public static bool is_autocast_enabled(string device_type) => is_autocast_enabled(device(device_type).type);

    /// <summary>The lower-precision dtype autocast uses for <paramref name="device_type"/> on this thread.</summary>
    public static ScalarType get_autocast_dtype(DeviceType device_type)
    {
        var r = NativeMethods.zsl_autocast_dtype((int)device_type);
        if (r < 0) throw new TorchException(NativeMethods.LastError());
        return (ScalarType)r;
    }

    /// <summary>Autocast scopes open on this thread (0 outside any).</summary>
    public static int autocast_depth() => NativeMethods.zsl_autocast_depth();
}

/// <summary>An open autocast scope (see <see cref="torch.autocast(DeviceType, ScalarType?, bool)"/>); Dispose restores the
/// previous state, also when the body threw.</summary>
public sealed class AutocastScope : IDisposable
{
    private ZslAutocastState _saved;
    private readonly int _thread;
    private bool _disposed;

    internal AutocastScope(DeviceType device_type, ScalarType? dtype, bool enabled)
    {
        if (device_type is not (DeviceType.CPU or DeviceType.CUDA))
            throw new ArgumentOutOfRangeException(nameof(device_type), device_type, "autocast: device_type must be CPU or CUDA");
        if (dtype is { } t && t is not (ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"autocast: dtype must be bfloat16 or float16, not {t}", nameof(dtype));
        if (device_type == DeviceType.CPU && dtype == ScalarType.Float16 && torch.LibTorchVersion.Major < 2)
            throw new ArgumentException($"autocast: CPU autocast supports only bfloat16 in libtorch {torch.LibTorchVersion} " +
                "(float16 on CPU is rejected by libtorch 1.x; it needs libtorch 2.x); use torch.bfloat16", nameof(dtype));
        if (device_type == DeviceType.CUDA && enabled) torch.EnsureAvailable(torch.CUDA);
        NativeMethods.Check(NativeMethods.zsl_autocast_enter((int)device_type, dtype is { } d ? (int)d : -1, enabled ? 1 : 0, out _saved));
        _thread = Environment.CurrentManagedThreadId;
        DeviceType = device_type;
        Enabled = enabled;
        DType = torch.get_autocast_dtype(device_type);
    }

    public DeviceType DeviceType { get; }
    public bool Enabled { get; }

    /// <summary>The lower-precision dtype in force inside this scope.</summary>
    public ScalarType DType { get; }

    /// <summary>Nesting depth of this scope on its thread (1 = outermost).</summary>
    public int Depth => _saved.Depth;

    public void Dispose()
    {
        if (_disposed) return;
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException($"autocast: a scope opened on thread {_thread} is disposed on thread " +
                $"{Environment.CurrentManagedThreadId}; autocast state is thread-local in libtorch (do not cross an await)");
        NativeMethods.Check(NativeMethods.zsl_autocast_exit(in _saved));
        _disposed = true;
    }
}
