// Precision.cs - libtorch's process-wide float32 precision switches (engine ABI 11, src/ZslKit.Native/src/precision.cpp),
// named as in PyTorch: torch.set_float32_matmul_precision / get_float32_matmul_precision, torch.backends.cuda.matmul.allow_tf32
// (true = precision "high": cuBLAS float32 matmuls on TF32 tensor cores, Ampere and later) and torch.backends.cudnn.allow_tf32
// (cuDNN convolutions; on by default). Global like PyTorch's: they affect every thread. On a CPU-only libtorch the values
// are kept and change nothing.
using ZslKit.Torch.Native;

namespace ZslKit.Torch;

public static partial class torch
{
    private static readonly string[] MatmulPrecisions = ["highest", "high", "medium"];

    /// <summary>"highest" (IEEE float32, the default), "high" (TF32 matmuls on CUDA) or "medium" (may use bfloat16).</summary>
    public static void set_float32_matmul_precision(string precision)
    {
        ArgumentNullException.ThrowIfNull(precision);
        int code = Array.IndexOf(MatmulPrecisions, precision);
        if (code < 0)
            throw new ArgumentException($"set_float32_matmul_precision: '{precision}' is not one of {string.Join(", ", MatmulPrecisions)}", nameof(precision));
        NativeMethods.Check(NativeMethods.zsl_set_float32_matmul_precision(code));
    }

    /// <summary>The current float32 matmul precision: "highest", "high" or "medium".</summary>
    public static string get_float32_matmul_precision()
    {
        int code = NativeMethods.zsl_get_float32_matmul_precision();
        if (code < 0) NativeMethods.Check(code);
        return MatmulPrecisions[code];
    }

    /// <summary>Sets the float32 matmul precision until the returned object is disposed, then restores the previous one.</summary>
    public static IDisposable float32_matmul_precision_scope(string precision)
    {
        var previous = get_float32_matmul_precision();
        set_float32_matmul_precision(precision);
        return new RestorePrecision(previous);
    }

    private sealed class RestorePrecision(string previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            set_float32_matmul_precision(previous);
        }
    }

    public static class backends
    {
        public static class cuda
        {
            public static class matmul
            {
                /// <summary>TF32 tensor cores for float32 cuBLAS matmuls: true exactly when the float32 matmul precision is
                /// not "highest"; setting it picks "high" or "highest", as in PyTorch.</summary>
                public static bool allow_tf32
                {
                    get => get_float32_matmul_precision() != "highest";
                    set => set_float32_matmul_precision(value ? "high" : "highest");
                }
            }
        }

        public static class cudnn
        {
            /// <summary>TF32 tensor cores for cuDNN convolutions (on by default, as in PyTorch).</summary>
            public static bool allow_tf32
            {
                get
                {
                    int v = NativeMethods.zsl_get_allow_tf32_cudnn();
                    if (v < 0) NativeMethods.Check(v);
                    return v != 0;
                }
                set => NativeMethods.Check(NativeMethods.zsl_set_allow_tf32_cudnn(value ? 1 : 0));
            }
        }
    }
}
