// torch.Ops.cs - functions of several tensors in the torch namespace: cat, stack, where, einsum, and static forms of
// common tensor methods.
using ZslKit.Torch.Native;

namespace ZslKit.Torch;

public static unsafe partial class torch
{
    /// <summary>Concatenates along an existing dim.</summary>
    public static Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(tensors, dim, stack: false);

    /// <summary>Stacks along a new dim.</summary>
    public static Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Join(tensors, dim, stack: true);

    private static Tensor Join(IReadOnlyList<Tensor> tensors, long dim, bool stack)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var op = stack ? nameof(torch.stack) : nameof(cat);
        if (tensors.Count == 0) throw new ArgumentException($"{op}: expected a non-empty list of tensors", nameof(tensors));
        Span<IntPtr> raw = tensors.Count <= 64 ? stackalloc IntPtr[tensors.Count] : new IntPtr[tensors.Count];
        using var borrow = new HandleArray(tensors, raw, nameof(tensors));
        tensors[0].CheckDim(dim, op, stack ? 1 : 0);
        fixed (IntPtr* p = raw)
            return Tensor.Wrap(stack ? NativeMethods.zsl_stack(p, raw.Length, dim) : NativeMethods.zsl_cat(p, raw.Length, dim));
    }

    /// <summary>Elementwise condition ? a : b (broadcasting).</summary>
    public static Tensor where(Tensor condition, Tensor a, Tensor b) =>
        Tensor.Wrap(NativeMethods.zsl_where(Arg(condition), Arg(a), Arg(b)));

    /// <summary>Einstein summation, e.g. <c>einsum("bij,bjk->bik", x, y)</c>.</summary>
    public static Tensor einsum(string equation, params Tensor[] operands)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(equation);
        ArgumentNullException.ThrowIfNull(operands);
        Span<IntPtr> raw = stackalloc IntPtr[operands.Length];
        using var borrow = new HandleArray(operands, raw, nameof(operands));
        fixed (IntPtr* p = raw) return Tensor.Wrap(NativeMethods.zsl_einsum(equation, p, raw.Length));
    }

    public static Tensor matmul(Tensor a, Tensor b) => Tensor.Wrap(NativeMethods.zsl_matmul(Arg(a), Arg(b)));
    public static Tensor mm(Tensor a, Tensor b) => Tensor.Wrap(NativeMethods.zsl_mm(Arg(a), Arg(b)));
    public static Tensor bmm(Tensor a, Tensor b) => Tensor.Wrap(NativeMethods.zsl_bmm(Arg(a), Arg(b)));
    public static Tensor maximum(Tensor a, Tensor b) => Tensor.Wrap(NativeMethods.zsl_maximum(Arg(a), Arg(b)));
    public static Tensor minimum(Tensor a, Tensor b) => Tensor.Wrap(NativeMethods.zsl_minimum(Arg(a), Arg(b)));
    public static Tensor exp(Tensor t) => NotNull(t).exp();
    public static Tensor log(Tensor t) => NotNull(t).log();
    public static Tensor sqrt(Tensor t) => NotNull(t).sqrt();
    public static Tensor abs(Tensor t) => NotNull(t).abs();
    public static Tensor tanh(Tensor t) => NotNull(t).tanh();
    public static Tensor sigmoid(Tensor t) => NotNull(t).sigmoid();
    public static Tensor relu(Tensor t) => NotNull(t).relu();
    public static Tensor softmax(Tensor t, long dim) => NotNull(t).softmax(dim);
    public static Tensor log_softmax(Tensor t, long dim) => NotNull(t).log_softmax(dim);
    public static Tensor gather(Tensor t, long dim, Tensor index) => NotNull(t).gather(dim, index);
    public static Tensor index_select(Tensor t, long dim, Tensor index) => NotNull(t).index_select(dim, index);
    public static (Tensor values, Tensor indexes) topk(Tensor t, long k, long dim = -1, bool largest = true, bool sorted = true) =>
        NotNull(t).topk(k, dim, largest, sorted);
    public static (Tensor values, Tensor indexes) sort(Tensor t, long dim = -1, bool descending = false) => NotNull(t).sort(dim, descending);
    public static Tensor argmax(Tensor t, long dim, bool keepdim = false) => NotNull(t).argmax(dim, keepdim);
    public static Tensor clamp(Tensor t, Scalar? min = null, Scalar? max = null) => NotNull(t).clamp(min, max);
    public static Tensor pow(Tensor t, Scalar exponent) => NotNull(t).pow(exponent);

    private static Tensor NotNull(Tensor t, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(t))] string? name = null) =>
        t ?? throw new ArgumentNullException(name);
}
