// NativeMethods.cs - P/Invoke declarations of the runtime part of the C ABI (include/zslnative.h) and the error plumbing.
// The class is partial: NativeMethods.Ops.cs / NativeMethods.NN.cs hold the operations, other areas add their own file
// (e.g. NativeMethods.Optim.cs). Tensors are passed as TensorHandle (the marshaller AddRefs them for the call; a
// disposed tensor raises ObjectDisposedException); returned handles are raw IntPtr wrapped by Tensor.
using System.Runtime.InteropServices;

namespace ZslKit.Torch.Native;

/// <summary>A number crossing the ABI (<c>zsl_scalar</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct ZslScalar(double d, long i, int kind)
{
    public readonly double D = d;
    public readonly long I = i;
    public readonly int Kind = kind;
}

/// <summary>One entry of an index expression (<c>zsl_index</c>).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ZslIndex
{
    public long Start, Stop, Step;
    public IntPtr Tensor;
    public int Kind, HasStart, HasStop;
}

internal static unsafe partial class NativeMethods
{
    public const string Lib = "zslnative";

    /// <summary>The ABI version this binding was written for (ZSL_ABI_VERSION in zslnative.h).</summary>
    public const int AbiVersion = 11;

    [LibraryImport(Lib)] public static partial int zsl_abi_version();
    [LibraryImport(Lib)] public static partial IntPtr zsl_last_error();
    [LibraryImport(Lib)] public static partial void zsl_torch_version(out int major, out int minor, out int patch);
    [LibraryImport(Lib)] public static partial long zsl_live_tensors();
    [LibraryImport(Lib)] public static partial void zsl_free(IntPtr t);
    [LibraryImport(Lib)] public static partial int zsl_cuda_is_available();
    [LibraryImport(Lib)] public static partial int zsl_cuda_device_count();
    [LibraryImport(Lib)] public static partial int zsl_cuda_synchronize(int index);
    [LibraryImport(Lib)] public static partial int zsl_cuda_max_memory_allocated(int index, out long bytes);
    [LibraryImport(Lib)] public static partial int zsl_cuda_reset_peak_memory_stats(int index);
    [LibraryImport(Lib)] public static partial int zsl_cuda_runtime_version();
    [LibraryImport(Lib)] public static partial int zsl_malloc_tuning(out long mmapThreshold, out long trimThreshold);
    [LibraryImport(Lib)] public static partial int zsl_get_float32_matmul_precision();
    [LibraryImport(Lib)] public static partial int zsl_set_float32_matmul_precision(int precision);
    [LibraryImport(Lib)] public static partial int zsl_get_allow_tf32_cudnn();
    [LibraryImport(Lib)] public static partial int zsl_set_allow_tf32_cudnn(int allow);
    [LibraryImport(Lib)] public static partial int zsl_manual_seed(ulong seed);
    [LibraryImport(Lib)] public static partial int zsl_set_num_threads(int n);
    [LibraryImport(Lib)] public static partial int zsl_get_num_threads();
    [LibraryImport(Lib)] public static partial int zsl_is_grad_enabled();
    [LibraryImport(Lib)] public static partial int zsl_set_grad_enabled(int enabled);

    [LibraryImport(Lib)] public static partial int zsl_dim(TensorHandle t);
    [LibraryImport(Lib)] public static partial int zsl_shape(TensorHandle t, long* shape, int cap);
    [LibraryImport(Lib)] public static partial long zsl_numel(TensorHandle t);
    [LibraryImport(Lib)] public static partial int zsl_dtype(TensorHandle t);
    [LibraryImport(Lib)] public static partial int zsl_device(TensorHandle t, out int type, out int index);
    [LibraryImport(Lib)] public static partial int zsl_requires_grad(TensorHandle t);
    [LibraryImport(Lib)] public static partial int zsl_set_requires_grad(TensorHandle t, int flag);
    [LibraryImport(Lib)] public static partial int zsl_is_leaf(TensorHandle t);
    [LibraryImport(Lib)] public static partial int zsl_grad(TensorHandle t, out IntPtr grad);
    [LibraryImport(Lib)] public static partial int zsl_set_grad(TensorHandle t, TensorHandle grad);
    [LibraryImport(Lib)] public static partial int zsl_backward(TensorHandle t, TensorHandle grad, int retainGraph, int createGraph);
    [LibraryImport(Lib)] public static partial IntPtr zsl_from_data(void* data, long nbytes, int dtype, long* shape, int ndim, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] public static partial int zsl_copy_to(TensorHandle t, void* buf, long nbytes);
    [LibraryImport(Lib)] public static partial IntPtr zsl_to_string(TensorHandle t);

    /// <summary>The calling thread's last shim error ("op: message").</summary>
    public static string LastError() => Marshal.PtrToStringUTF8(zsl_last_error()) ?? "(no message)";

    /// <summary>Throws the shim's error when a status-returning call failed.</summary>
    public static void Check(int rc)
    {
        if (rc != 0) throw new TorchException(LastError());
    }
}
