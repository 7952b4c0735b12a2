// TensorHandle.cs - the SafeHandle owning one native zsl_tensor* (released with zsl_free), and the borrowed-array helper.
using System.Runtime.InteropServices;

namespace ZslKit.Torch.Native;

/// <summary>Owns one native <c>zsl_tensor*</c>; the finalizer frees it if nobody disposed it.</summary>
internal sealed class TensorHandle : SafeHandle
{
    /// <summary>A permanently invalid handle, passed where the ABI takes an optional (NULL) tensor.</summary>
    public static readonly TensorHandle Null = new();

    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public TensorHandle(IntPtr handle) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.zsl_free(handle);
        return true;
    }
}

/// <summary>
/// Borrows the raw pointers of several tensors for one native call taking <c>(zsl_tensor* const*, int32_t)</c>: each
/// handle is AddRef'ed so it cannot be released during the call. Usage:
/// <code>
/// Span&lt;IntPtr&gt; raw = stackalloc IntPtr[ts.Count];
/// using var borrow = new HandleArray(ts, raw);
/// fixed (IntPtr* p = raw) NativeMethods.zsl_cat(p, raw.Length, dim);
/// </code>
/// </summary>
internal ref struct HandleArray
{
    private readonly IReadOnlyList<Tensor> _tensors;
    private int _added;

    public HandleArray(IReadOnlyList<Tensor> tensors, Span<IntPtr> raw, string argument = "tensors")
    {
        _tensors = tensors;
        _added = 0;
        try
        {
            for (var i = 0; i < tensors.Count; i++)
            {
                var t = tensors[i] ?? throw new ArgumentNullException(argument, $"{argument}[{i}] is null");
                var ok = false;
                t.Handle.DangerousAddRef(ref ok);
                _added = i + 1;
                raw[i] = t.Handle.DangerousGetHandle();
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        for (var i = 0; i < _added; i++) _tensors[i].Handle.DangerousRelease();
        _added = 0;
    }
}
