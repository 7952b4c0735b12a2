// Tensor.Ops.cs - tensor operations with PyTorch names: arithmetic (and C# operators), comparisons, pointwise functions,
// matrix products, reductions, views, selection and the in-place ops used by optimizers. Each returns a new Tensor
// (registered in the current DisposeScope) except the in-place ones, which return this.
using ZslKit.Torch.Native;
using static ZslKit.Torch.torch;

namespace ZslKit.Torch;

public unsafe partial class Tensor
{
    private static readonly Scalar One = 1;

    // ------------------------------------------------------------------ arithmetic
    public Tensor add(Tensor other, Scalar? alpha = null) => Wrap(NativeMethods.zsl_add(Handle, Arg(other), (alpha ?? One).Value));
    public Tensor add(Scalar other) => Wrap(NativeMethods.zsl_add_scalar(Handle, other.Value));
    public Tensor sub(Tensor other, Scalar? alpha = null) => Wrap(NativeMethods.zsl_sub(Handle, Arg(other), (alpha ?? One).Value));
    public Tensor sub(Scalar other) => Wrap(NativeMethods.zsl_sub_scalar(Handle, other.Value));
    public Tensor mul(Tensor other) => Wrap(NativeMethods.zsl_mul(Handle, Arg(other)));
    public Tensor mul(Scalar other) => Wrap(NativeMethods.zsl_mul_scalar(Handle, other.Value));
    public Tensor div(Tensor other) => Wrap(NativeMethods.zsl_div(Handle, Arg(other)));
    public Tensor div(Scalar other) => Wrap(NativeMethods.zsl_div_scalar(Handle, other.Value));
    public Tensor pow(Tensor exponent) => Wrap(NativeMethods.zsl_pow(Handle, Arg(exponent)));
    public Tensor pow(Scalar exponent) => Wrap(NativeMethods.zsl_pow_scalar(Handle, exponent.Value));
    public Tensor neg() => Wrap(NativeMethods.zsl_neg(Handle));

    public static Tensor operator +(Tensor a, Tensor b) => Arg0(a).add(b);
    public static Tensor operator +(Tensor a, Scalar b) => Arg0(a).add(b);
    public static Tensor operator +(Scalar a, Tensor b) => Arg0(b).add(a);
    public static Tensor operator -(Tensor a, Tensor b) => Arg0(a).sub(b);
    public static Tensor operator -(Tensor a, Scalar b) => Arg0(a).sub(b);
    public static Tensor operator -(Scalar a, Tensor b) => Wrap(NativeMethods.zsl_rsub_scalar(Arg(b), a.Value));
    public static Tensor operator *(Tensor a, Tensor b) => Arg0(a).mul(b);
    public static Tensor operator *(Tensor a, Scalar b) => Arg0(a).mul(b);
    public static Tensor operator *(Scalar a, Tensor b) => Arg0(b).mul(a);
    public static Tensor operator /(Tensor a, Tensor b) => Arg0(a).div(b);
    public static Tensor operator /(Tensor a, Scalar b) => Arg0(a).div(b);
    public static Tensor operator /(Scalar a, Tensor b) => Wrap(NativeMethods.zsl_rdiv_scalar(Arg(b), a.Value));
    public static Tensor operator -(Tensor a) => Arg0(a).neg();

    private static Tensor Arg0(Tensor a, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(a))] string? name = null) =>
        a ?? throw new ArgumentNullException(name);

    // ------------------------------------------------------------------ comparisons (bool results)
    public Tensor eq(Tensor other) => Wrap(NativeMethods.zsl_compare(Handle, Arg(other), 0));
    public Tensor ne(Tensor other) => Wrap(NativeMethods.zsl_compare(Handle, Arg(other), 1));
    public Tensor gt(Tensor other) => Wrap(NativeMethods.zsl_compare(Handle, Arg(other), 2));
    public Tensor lt(Tensor other) => Wrap(NativeMethods.zsl_compare(Handle, Arg(other), 3));
    public Tensor ge(Tensor other) => Wrap(NativeMethods.zsl_compare(Handle, Arg(other), 4));
    public Tensor le(Tensor other) => Wrap(NativeMethods.zsl_compare(Handle, Arg(other), 5));
    public Tensor eq(Scalar other) => Wrap(NativeMethods.zsl_compare_scalar(Handle, other.Value, 0));
    public Tensor ne(Scalar other) => Wrap(NativeMethods.zsl_compare_scalar(Handle, other.Value, 1));
    public Tensor gt(Scalar other) => Wrap(NativeMethods.zsl_compare_scalar(Handle, other.Value, 2));
    public Tensor lt(Scalar other) => Wrap(NativeMethods.zsl_compare_scalar(Handle, other.Value, 3));
    public Tensor ge(Scalar other) => Wrap(NativeMethods.zsl_compare_scalar(Handle, other.Value, 4));
    public Tensor le(Scalar other) => Wrap(NativeMethods.zsl_compare_scalar(Handle, other.Value, 5));
    public Tensor logical_not() => Wrap(NativeMethods.zsl_logical_not(Handle));
    public Tensor maximum(Tensor other) => Wrap(NativeMethods.zsl_maximum(Handle, Arg(other)));
    public Tensor minimum(Tensor other) => Wrap(NativeMethods.zsl_minimum(Handle, Arg(other)));

    // ------------------------------------------------------------------ pointwise
    public Tensor exp() => Wrap(NativeMethods.zsl_exp(Handle));
    public Tensor log() => Wrap(NativeMethods.zsl_log(Handle));
    public Tensor sqrt() => Wrap(NativeMethods.zsl_sqrt(Handle));
    public Tensor abs() => Wrap(NativeMethods.zsl_abs(Handle));
    public Tensor tanh() => Wrap(NativeMethods.zsl_tanh(Handle));
    public Tensor sigmoid() => Wrap(NativeMethods.zsl_sigmoid(Handle));
    public Tensor relu() => Wrap(NativeMethods.zsl_relu(Handle));

    /// <summary>GELU; <paramref name="approximate"/> "none" (exact erf form) or "tanh".</summary>
    public Tensor gelu(string approximate = "none") => Wrap(NativeMethods.zsl_gelu(Handle, approximate switch
    {
        "none" => 0,
        "tanh" => 1,
        _ => throw new ArgumentException($"gelu: approximate must be 'none' or 'tanh', not '{approximate}'", nameof(approximate)),
    }));

    public Tensor log1p() => Wrap(NativeMethods.zsl_log1p(Handle));
    public Tensor sign() => Wrap(NativeMethods.zsl_sign(Handle));
    public Tensor floor() => Wrap(NativeMethods.zsl_floor(Handle));
    public Tensor ceil() => Wrap(NativeMethods.zsl_ceil(Handle));
    public Tensor round() => Wrap(NativeMethods.zsl_round(Handle));
    public Tensor sin() => Wrap(NativeMethods.zsl_sin(Handle));
    public Tensor cos() => Wrap(NativeMethods.zsl_cos(Handle));
    public Tensor erf() => Wrap(NativeMethods.zsl_erf(Handle));
    public Tensor reciprocal() => Wrap(NativeMethods.zsl_reciprocal(Handle));
    public Tensor isnan() => Wrap(NativeMethods.zsl_isnan(Handle));
    public Tensor isfinite() => Wrap(NativeMethods.zsl_isfinite(Handle));
    public Tensor logical_and(Tensor other) => Wrap(NativeMethods.zsl_logical_and(Handle, Arg(other)));
    public Tensor logical_or(Tensor other) => Wrap(NativeMethods.zsl_logical_or(Handle, Arg(other)));
    public Tensor leaky_relu(double negative_slope = 0.01) => Wrap(NativeMethods.zsl_leaky_relu(Handle, negative_slope));
    public Tensor softplus(double beta = 1, double threshold = 20) => Wrap(NativeMethods.zsl_softplus(Handle, beta, threshold));
    public Tensor cumsum(long dim) => Wrap(NativeMethods.zsl_cumsum(Handle, CheckDim(dim)));
    /// <summary>Lower triangle (elements above the given diagonal set to 0).</summary>
    public Tensor tril(long diagonal = 0) => Wrap(NativeMethods.zsl_tril(Handle, diagonal));
    /// <summary>Upper triangle (elements below the given diagonal set to 0).</summary>
    public Tensor triu(long diagonal = 0) => Wrap(NativeMethods.zsl_triu(Handle, diagonal));
    /// <summary>Tiles the tensor: repeats[i] copies along dim i (as torch.Tensor.repeat).</summary>
    public Tensor repeat(params ReadOnlySpan<long> repeats)
    {
        fixed (long* p = repeats) return Wrap(NativeMethods.zsl_repeat(Handle, p, repeats.Length));
    }

    /// <summary>The elements where <paramref name="mask"/> is true, as a 1-D tensor.</summary>
    public Tensor masked_select(Tensor mask) => Wrap(NativeMethods.zsl_masked_select(Handle, Arg(mask)));

    /// <summary>Splits into <paramref name="chunks"/> views along <paramref name="dim"/> (the last may be smaller).</summary>
    public Tensor[] chunk(long chunks, long dim = 0)
    {
        if (chunks < 1) throw new ArgumentOutOfRangeException(nameof(chunks), chunks, "chunk: chunks must be >= 1");
        var size = shape[CheckDim(dim)];
        return split((size + chunks - 1) / chunks, dim);
    }

    /// <summary>Splits into views of <paramref name="split_size"/> along <paramref name="dim"/> (the last may be smaller).</summary>
    public Tensor[] split(long split_size, long dim = 0)
    {
        if (split_size < 1) throw new ArgumentOutOfRangeException(nameof(split_size), split_size, "split: split_size must be >= 1");
        var d = CheckDim(dim);
        var size = shape[d];
        var parts = new List<Tensor>();
        for (long start = 0; start < size; start += split_size) parts.Add(narrow(d, start, Math.Min(split_size, size - start)));
        return parts.ToArray();
    }

    public Tensor clamp(Scalar? min = null, Scalar? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("clamp: at least one of min and max must be given");
        return Wrap(NativeMethods.zsl_clamp(Handle, (min ?? One).Value, min is null ? 0 : 1, (max ?? One).Value, max is null ? 0 : 1));
    }

    public Tensor clamp_min(Scalar min) => clamp(min, null);
    public Tensor clamp_max(Scalar max) => clamp(null, max);

    public Tensor softmax(long dim) => Wrap(NativeMethods.zsl_softmax(Handle, CheckDim(dim)));
    public Tensor log_softmax(long dim) => Wrap(NativeMethods.zsl_log_softmax(Handle, CheckDim(dim)));

    // ------------------------------------------------------------------ matrix products
    /// <summary>torch.matmul semantics (1-D/2-D/batched with broadcasting).</summary>
    public Tensor matmul(Tensor other) => Wrap(NativeMethods.zsl_matmul(Handle, Arg(other)));
    /// <summary>(n, k) @ (k, m) -> (n, m).</summary>
    public Tensor mm(Tensor other) => Wrap(NativeMethods.zsl_mm(Handle, Arg(other)));
    /// <summary>(b, n, k) @ (b, k, m) -> (b, n, m).</summary>
    public Tensor bmm(Tensor other) => Wrap(NativeMethods.zsl_bmm(Handle, Arg(other)));

    // ------------------------------------------------------------------ reductions
    private Tensor Reduce(delegate*<TensorHandle, long*, int, int, IntPtr> f, ReadOnlySpan<long> dims, bool keepdim, string op)
    {
        foreach (var d in dims) CheckDim(d, op);
        fixed (long* p = dims) return Wrap(f(Handle, p, dims.Length, keepdim ? 1 : 0));
    }

    public Tensor sum() => Reduce(&NativeMethods.zsl_sum, default, false, nameof(sum));
    public Tensor sum(long dim, bool keepdim = false) => Reduce(&NativeMethods.zsl_sum, [dim], keepdim, nameof(sum));
    public Tensor sum(ReadOnlySpan<long> dims, bool keepdim = false) => Reduce(&NativeMethods.zsl_sum, dims, keepdim, nameof(sum));
    public Tensor mean() => Reduce(&NativeMethods.zsl_mean, default, false, nameof(mean));
    public Tensor mean(long dim, bool keepdim = false) => Reduce(&NativeMethods.zsl_mean, [dim], keepdim, nameof(mean));
    public Tensor mean(ReadOnlySpan<long> dims, bool keepdim = false) => Reduce(&NativeMethods.zsl_mean, dims, keepdim, nameof(mean));
    public Tensor amax() => Reduce(&NativeMethods.zsl_amax, default, false, nameof(amax));
    public Tensor amax(long dim, bool keepdim = false) => Reduce(&NativeMethods.zsl_amax, [dim], keepdim, nameof(amax));
    public Tensor amax(ReadOnlySpan<long> dims, bool keepdim = false) => Reduce(&NativeMethods.zsl_amax, dims, keepdim, nameof(amax));
    public Tensor amin() => Reduce(&NativeMethods.zsl_amin, default, false, nameof(amin));
    public Tensor amin(long dim, bool keepdim = false) => Reduce(&NativeMethods.zsl_amin, [dim], keepdim, nameof(amin));
    public Tensor amin(ReadOnlySpan<long> dims, bool keepdim = false) => Reduce(&NativeMethods.zsl_amin, dims, keepdim, nameof(amin));

    private Tensor Moment(bool isStd, ReadOnlySpan<long> dims, bool unbiased, bool keepdim)
    {
        var op = isStd ? "std" : "var";
        foreach (var d in dims) CheckDim(d, op);
        fixed (long* p = dims)
            return Wrap(isStd
                ? NativeMethods.zsl_std(Handle, p, dims.Length, unbiased ? 1 : 0, keepdim ? 1 : 0)
                : NativeMethods.zsl_var(Handle, p, dims.Length, unbiased ? 1 : 0, keepdim ? 1 : 0));
    }

    public Tensor std(bool unbiased = true) => Moment(true, default, unbiased, false);
    public Tensor std(long dim, bool unbiased = true, bool keepdim = false) => Moment(true, [dim], unbiased, keepdim);
    public Tensor std(ReadOnlySpan<long> dims, bool unbiased = true, bool keepdim = false) => Moment(true, dims, unbiased, keepdim);
    public Tensor var(bool unbiased = true) => Moment(false, default, unbiased, false);
    public Tensor var(long dim, bool unbiased = true, bool keepdim = false) => Moment(false, [dim], unbiased, keepdim);
    public Tensor var(ReadOnlySpan<long> dims, bool unbiased = true, bool keepdim = false) => Moment(false, dims, unbiased, keepdim);

    /// <summary>Vector p-norm over all elements or over <paramref name="dims"/>.</summary>
    public Tensor norm(double p = 2) => norm(default, false, p);
    public Tensor norm(ReadOnlySpan<long> dims, bool keepdim = false, double p = 2)
    {
        foreach (var d in dims) CheckDim(d, nameof(norm));
        fixed (long* q = dims) return Wrap(NativeMethods.zsl_norm(Handle, p, q, dims.Length, keepdim ? 1 : 0));
    }

    /// <summary>log(sum(exp(x))) over <paramref name="dims"/>, computed stably.</summary>
    public Tensor logsumexp(long dim, bool keepdim = false) => logsumexp([dim], keepdim);
    public Tensor logsumexp(ReadOnlySpan<long> dims, bool keepdim = false) => Reduce(&NativeMethods.zsl_logsumexp, dims, keepdim, nameof(logsumexp));

    public Tensor any() => Wrap(NativeMethods.zsl_any(Handle, 0, 0, 0));
    public Tensor any(long dim, bool keepdim = false) => Wrap(NativeMethods.zsl_any(Handle, CheckDim(dim), 1, keepdim ? 1 : 0));
    public Tensor all() => Wrap(NativeMethods.zsl_all(Handle, 0, 0, 0));
    public Tensor all(long dim, bool keepdim = false) => Wrap(NativeMethods.zsl_all(Handle, CheckDim(dim), 1, keepdim ? 1 : 0));

    public Tensor prod() => Wrap(NativeMethods.zsl_prod(Handle, 0, 0, 0));
    public Tensor prod(long dim, bool keepdim = false) => Wrap(NativeMethods.zsl_prod(Handle, CheckDim(dim), 1, keepdim ? 1 : 0));

    public Tensor max() => Wrap(NativeMethods.zsl_max_all(Handle));
    public Tensor min() => Wrap(NativeMethods.zsl_min_all(Handle));

    /// <summary>Maximum along a dim: (values, indexes).</summary>
    public (Tensor values, Tensor indexes) max(long dim, bool keepdim = false)
    {
        NativeMethods.Check(NativeMethods.zsl_max_dim(Handle, CheckDim(dim), keepdim ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Minimum along a dim: (values, indexes).</summary>
    public (Tensor values, Tensor indexes) min(long dim, bool keepdim = false)
    {
        NativeMethods.Check(NativeMethods.zsl_min_dim(Handle, CheckDim(dim), keepdim ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    public Tensor argmax() => Wrap(NativeMethods.zsl_argmax(Handle, 0, 0, 0));
    public Tensor argmax(long dim, bool keepdim = false) => Wrap(NativeMethods.zsl_argmax(Handle, CheckDim(dim), 1, keepdim ? 1 : 0));
    public Tensor argmin() => Wrap(NativeMethods.zsl_argmin(Handle, 0, 0, 0));
    public Tensor argmin(long dim, bool keepdim = false) => Wrap(NativeMethods.zsl_argmin(Handle, CheckDim(dim), 1, keepdim ? 1 : 0));

    /// <summary>The k largest (or smallest) entries along <paramref name="dim"/>: (values, indexes).</summary>
    public (Tensor values, Tensor indexes) topk(long k, long dim = -1, bool largest = true, bool sorted = true)
    {
        var d = CheckDim(dim);
        if (k < 0) throw new ArgumentOutOfRangeException(nameof(k), k, "topk: k must be >= 0");
        NativeMethods.Check(NativeMethods.zsl_topk(Handle, k, d, largest ? 1 : 0, sorted ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    /// <summary>Sorted values along <paramref name="dim"/> and the permutation: (values, indexes).</summary>
    public (Tensor values, Tensor indexes) sort(long dim = -1, bool descending = false)
    {
        NativeMethods.Check(NativeMethods.zsl_sort(Handle, CheckDim(dim), descending ? 1 : 0, out var v, out var i));
        return (new Tensor(v), new Tensor(i));
    }

    // ------------------------------------------------------------------ views and shape
    /// <summary>Same elements with a new shape (one entry may be -1); copies only when needed.</summary>
    public Tensor reshape(params ReadOnlySpan<long> shape)
    {
        fixed (long* p = shape) return Wrap(NativeMethods.zsl_reshape(Handle, p, shape.Length));
    }

    /// <summary>A view with a new shape (the memory layout must allow it).</summary>
    public Tensor view(params ReadOnlySpan<long> shape)
    {
        fixed (long* p = shape) return Wrap(NativeMethods.zsl_view(Handle, p, shape.Length));
    }

    /// <summary>Broadcasts size-1 dims to <paramref name="shape"/> (-1 keeps a dim) without copying.</summary>
    public Tensor expand(params ReadOnlySpan<long> shape)
    {
        fixed (long* p = shape) return Wrap(NativeMethods.zsl_expand(Handle, p, shape.Length));
    }

    public Tensor permute(params ReadOnlySpan<long> dims)
    {
        if (dims.Length != Dim)
            throw new ArgumentException($"permute: {dims.Length} dims given for a tensor of shape {ShapeText}", nameof(dims));
        foreach (var d in dims) CheckDim(d);
        fixed (long* p = dims) return Wrap(NativeMethods.zsl_permute(Handle, p, dims.Length));
    }

    public Tensor transpose(long dim0, long dim1) => Wrap(NativeMethods.zsl_transpose(Handle, CheckDim(dim0), CheckDim(dim1)));

    /// <summary>Transpose of a 2-D tensor (dims 0 and 1).</summary>
    public Tensor t() => transpose(0, 1);

    public Tensor unsqueeze(long dim) => Wrap(NativeMethods.zsl_unsqueeze(Handle, CheckDim(dim, extra: 1)));
    public Tensor squeeze() => Wrap(NativeMethods.zsl_squeeze(Handle));
    public Tensor squeeze(long dim) => Wrap(NativeMethods.zsl_squeeze_dim(Handle, CheckDim(dim)));
    public Tensor flatten(long start_dim = 0, long end_dim = -1) => Wrap(NativeMethods.zsl_flatten(Handle, CheckDim(start_dim), CheckDim(end_dim)));

    /// <summary>Elements start..start+length-1 along <paramref name="dim"/> (a view).</summary>
    public Tensor narrow(long dim, long start, long length) => Wrap(NativeMethods.zsl_narrow(Handle, CheckDim(dim), start, length));

    // ------------------------------------------------------------------ selection
    public Tensor index_select(long dim, Tensor index) => Wrap(NativeMethods.zsl_index_select(Handle, CheckDim(dim), Arg(index)));
    public Tensor masked_fill(Tensor mask, Scalar value) => Wrap(NativeMethods.zsl_masked_fill(Handle, Arg(mask), value.Value));
    public Tensor gather(long dim, Tensor index) => Wrap(NativeMethods.zsl_gather(Handle, CheckDim(dim), Arg(index)));
    public Tensor scatter(long dim, Tensor index, Tensor src) => Wrap(NativeMethods.zsl_scatter(Handle, CheckDim(dim), Arg(index), Arg(src)));

    // ------------------------------------------------------------------ in place (return this)
    public Tensor add_(Tensor other, Scalar? alpha = null) { NativeMethods.Check(NativeMethods.zsl_add_(Handle, Arg(other), (alpha ?? One).Value)); return this; }
    public Tensor add_(Scalar other) { NativeMethods.Check(NativeMethods.zsl_add_scalar_(Handle, other.Value)); return this; }
    public Tensor sub_(Tensor other, Scalar? alpha = null) { NativeMethods.Check(NativeMethods.zsl_sub_(Handle, Arg(other), (alpha ?? One).Value)); return this; }
    public Tensor mul_(Tensor other) { NativeMethods.Check(NativeMethods.zsl_mul_(Handle, Arg(other))); return this; }
    public Tensor mul_(Scalar other) { NativeMethods.Check(NativeMethods.zsl_mul_scalar_(Handle, other.Value)); return this; }
    public Tensor div_(Tensor other) { NativeMethods.Check(NativeMethods.zsl_div_(Handle, Arg(other))); return this; }
    public Tensor div_(Scalar other) { NativeMethods.Check(NativeMethods.zsl_div_scalar_(Handle, other.Value)); return this; }
    /// <summary>this += value * tensor1 * tensor2.</summary>
    public Tensor addcmul_(Tensor tensor1, Tensor tensor2, Scalar? value = null) { NativeMethods.Check(NativeMethods.zsl_addcmul_(Handle, Arg(tensor1), Arg(tensor2), (value ?? One).Value)); return this; }
    /// <summary>this += value * tensor1 / tensor2.</summary>
    public Tensor addcdiv_(Tensor tensor1, Tensor tensor2, Scalar? value = null) { NativeMethods.Check(NativeMethods.zsl_addcdiv_(Handle, Arg(tensor1), Arg(tensor2), (value ?? One).Value)); return this; }
    public Tensor sqrt_() { NativeMethods.Check(NativeMethods.zsl_sqrt_(Handle)); return this; }
    public Tensor zero_() { NativeMethods.Check(NativeMethods.zsl_zero_(Handle)); return this; }
    public Tensor fill_(Scalar value) { NativeMethods.Check(NativeMethods.zsl_fill_(Handle, value.Value)); return this; }
    public Tensor copy_(Tensor src) { NativeMethods.Check(NativeMethods.zsl_copy_(Handle, Arg(src))); return this; }

    /// <summary>In-place ReLU: max(x, 0) written into this tensor (PyTorch's relu_ is clamp_min_(0) too).</summary>
    public Tensor relu_() => clamp_(min: 0);

    public Tensor clamp_(Scalar? min = null, Scalar? max = null)
    {
        if (min is null && max is null) throw new ArgumentException("clamp_: at least one of min and max must be given");
        NativeMethods.Check(NativeMethods.zsl_clamp_(Handle, (min ?? One).Value, min is null ? 0 : 1, (max ?? One).Value, max is null ? 0 : 1));
        return this;
    }
}
