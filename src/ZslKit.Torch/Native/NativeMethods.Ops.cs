// NativeMethods.Ops.cs - P/Invoke declarations of creation, views, indexing, math, reductions and in-place ops.
// Shape and dim arguments are (long*, int) pairs; callers pin or stackalloc them.
using System.Runtime.InteropServices;

namespace ZslKit.Torch.Native;

internal static unsafe partial class NativeMethods
{
    // ---- creation (dtype -1 = default float32; device type 0 = CPU, 1 = CUDA)
    [LibraryImport(Lib)] public static partial IntPtr zsl_empty(long* shape, int ndim, int dtype, int dt, int di, int rg);
    [LibraryImport(Lib)] public static partial IntPtr zsl_zeros(long* shape, int ndim, int dtype, int dt, int di, int rg);
    [LibraryImport(Lib)] public static partial IntPtr zsl_ones(long* shape, int ndim, int dtype, int dt, int di, int rg);
    [LibraryImport(Lib)] public static partial IntPtr zsl_rand(long* shape, int ndim, int dtype, int dt, int di, int rg);
    [LibraryImport(Lib)] public static partial IntPtr zsl_randn(long* shape, int ndim, int dtype, int dt, int di, int rg);
    [LibraryImport(Lib)] public static partial IntPtr zsl_full(long* shape, int ndim, ZslScalar value, int dtype, int dt, int di, int rg);
    [LibraryImport(Lib)] public static partial IntPtr zsl_arange(ZslScalar start, ZslScalar end, ZslScalar step, int dtype, int dt, int di, int rg);
    [LibraryImport(Lib)] public static partial IntPtr zsl_eye(long n, long m, int dtype, int dt, int di, int rg);
    [LibraryImport(Lib)] public static partial IntPtr zsl_randint(long low, long high, long* shape, int ndim, int dtype, int dt, int di);
    [LibraryImport(Lib)] public static partial IntPtr zsl_randperm(long n, int dtype, int dt, int di);
    [LibraryImport(Lib)] public static partial IntPtr zsl_linspace(double start, double end, long steps, int dtype, int dt, int di);
    [LibraryImport(Lib)] public static partial IntPtr zsl_zeros_like(TensorHandle t);
    [LibraryImport(Lib)] public static partial IntPtr zsl_ones_like(TensorHandle t);

    // ---- conversion and views
    [LibraryImport(Lib)] public static partial IntPtr zsl_to(TensorHandle t, int dtype, int deviceType, int deviceIndex, int copy, int nonBlocking);
    [LibraryImport(Lib)] public static partial IntPtr zsl_pin_memory(TensorHandle t);
    [LibraryImport(Lib)] public static partial int zsl_is_pinned(TensorHandle t);
    [LibraryImport(Lib)] public static partial IntPtr zsl_alias(TensorHandle t);
    [LibraryImport(Lib)] public static partial int zsl_set_data(TensorHandle t, TensorHandle data);
    [LibraryImport(Lib)] public static partial IntPtr zsl_detach(TensorHandle t);
    [LibraryImport(Lib)] public static partial IntPtr zsl_clone(TensorHandle t);
    [LibraryImport(Lib)] public static partial IntPtr zsl_contiguous(TensorHandle t);
    [LibraryImport(Lib)] public static partial IntPtr zsl_reshape(TensorHandle t, long* shape, int ndim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_view(TensorHandle t, long* shape, int ndim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_expand(TensorHandle t, long* shape, int ndim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_permute(TensorHandle t, long* dims, int ndim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_transpose(TensorHandle t, long d0, long d1);
    [LibraryImport(Lib)] public static partial IntPtr zsl_unsqueeze(TensorHandle t, long dim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_squeeze(TensorHandle t);
    [LibraryImport(Lib)] public static partial IntPtr zsl_squeeze_dim(TensorHandle t, long dim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_flatten(TensorHandle t, long startDim, long endDim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_narrow(TensorHandle t, long dim, long start, long length);

    // ---- indexing, joining, selection
    [LibraryImport(Lib)] public static partial IntPtr zsl_index_get(TensorHandle t, ZslIndex* idx, int n);
    [LibraryImport(Lib)] public static partial int zsl_index_put_(TensorHandle t, ZslIndex* idx, int n, TensorHandle value);
    [LibraryImport(Lib)] public static partial int zsl_index_fill_(TensorHandle t, ZslIndex* idx, int n, ZslScalar value);
    [LibraryImport(Lib)] public static partial IntPtr zsl_index_select(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Lib)] public static partial IntPtr zsl_masked_fill(TensorHandle t, TensorHandle mask, ZslScalar value);
    [LibraryImport(Lib)] public static partial IntPtr zsl_cat(IntPtr* ts, int n, long dim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_stack(IntPtr* ts, int n, long dim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_gather(TensorHandle t, long dim, TensorHandle index);
    [LibraryImport(Lib)] public static partial IntPtr zsl_scatter(TensorHandle t, long dim, TensorHandle index, TensorHandle src);
    [LibraryImport(Lib)] public static partial IntPtr zsl_where(TensorHandle cond, TensorHandle a, TensorHandle b);

    // ---- math
    [LibraryImport(Lib)] public static partial IntPtr zsl_add(TensorHandle a, TensorHandle b, ZslScalar alpha);
    [LibraryImport(Lib)] public static partial IntPtr zsl_sub(TensorHandle a, TensorHandle b, ZslScalar alpha);
    [LibraryImport(Lib)] public static partial IntPtr zsl_mul(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] public static partial IntPtr zsl_div(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] public static partial IntPtr zsl_pow(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] public static partial IntPtr zsl_add_scalar(TensorHandle a, ZslScalar s);
    [LibraryImport(Lib)] public static partial IntPtr zsl_sub_scalar(TensorHandle a, ZslScalar s);
    [LibraryImport(Lib)] public static partial IntPtr zsl_rsub_scalar(TensorHandle a, ZslScalar s);
    [LibraryImport(Lib)] public static partial IntPtr zsl_mul_scalar(TensorHandle a, ZslScalar s);
    [LibraryImport(Lib)] public static partial IntPtr zsl_div_scalar(TensorHandle a, ZslScalar s);
    [LibraryImport(Lib)] public static partial IntPtr zsl_rdiv_scalar(TensorHandle a, ZslScalar s);
    [LibraryImport(Lib)] public static partial IntPtr zsl_pow_scalar(TensorHandle a, ZslScalar s);
    [LibraryImport(Lib)] public static partial IntPtr zsl_compare(TensorHandle a, TensorHandle b, int op);
    [LibraryImport(Lib)] public static partial IntPtr zsl_compare_scalar(TensorHandle a, ZslScalar b, int op);
    [LibraryImport(Lib)] public static partial IntPtr zsl_maximum(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] public static partial IntPtr zsl_minimum(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] public static partial IntPtr zsl_neg(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_exp(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_log(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_sqrt(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_abs(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_tanh(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_sigmoid(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_relu(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_gelu(TensorHandle a, int tanhApproximation);
    [LibraryImport(Lib)] public static partial IntPtr zsl_logical_not(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_log1p(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_sign(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_floor(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_ceil(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_round(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_sin(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_cos(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_erf(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_reciprocal(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_isnan(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_isfinite(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_logical_and(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] public static partial IntPtr zsl_logical_or(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] public static partial IntPtr zsl_leaky_relu(TensorHandle a, double negativeSlope);
    [LibraryImport(Lib)] public static partial IntPtr zsl_softplus(TensorHandle a, double beta, double threshold);
    [LibraryImport(Lib)] public static partial IntPtr zsl_cumsum(TensorHandle a, long dim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_tril(TensorHandle a, long diagonal);
    [LibraryImport(Lib)] public static partial IntPtr zsl_triu(TensorHandle a, long diagonal);
    [LibraryImport(Lib)] public static partial IntPtr zsl_repeat(TensorHandle a, long* repeats, int n);
    [LibraryImport(Lib)] public static partial IntPtr zsl_masked_select(TensorHandle a, TensorHandle mask);
    [LibraryImport(Lib)] public static partial IntPtr zsl_clamp(TensorHandle a, ZslScalar lo, int hasLo, ZslScalar hi, int hasHi);
    [LibraryImport(Lib)] public static partial IntPtr zsl_softmax(TensorHandle a, long dim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_log_softmax(TensorHandle a, long dim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_matmul(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] public static partial IntPtr zsl_mm(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] public static partial IntPtr zsl_bmm(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr zsl_einsum(string equation, IntPtr* ts, int n);

    // ---- reductions (ndims 0 = all dims)
    [LibraryImport(Lib)] public static partial IntPtr zsl_sum(TensorHandle a, long* dims, int ndims, int keepdim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_mean(TensorHandle a, long* dims, int ndims, int keepdim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_amax(TensorHandle a, long* dims, int ndims, int keepdim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_amin(TensorHandle a, long* dims, int ndims, int keepdim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_std(TensorHandle a, long* dims, int ndims, int unbiased, int keepdim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_var(TensorHandle a, long* dims, int ndims, int unbiased, int keepdim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_norm(TensorHandle a, double p, long* dims, int ndims, int keepdim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_logsumexp(TensorHandle a, long* dims, int ndims, int keepdim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_any(TensorHandle a, long dim, int hasDim, int keepdim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_all(TensorHandle a, long dim, int hasDim, int keepdim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_prod(TensorHandle a, long dim, int hasDim, int keepdim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_max_all(TensorHandle a);
    [LibraryImport(Lib)] public static partial IntPtr zsl_min_all(TensorHandle a);
    [LibraryImport(Lib)] public static partial int zsl_max_dim(TensorHandle a, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] public static partial int zsl_min_dim(TensorHandle a, long dim, int keepdim, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] public static partial IntPtr zsl_argmax(TensorHandle a, long dim, int hasDim, int keepdim);
    [LibraryImport(Lib)] public static partial IntPtr zsl_argmin(TensorHandle a, long dim, int hasDim, int keepdim);
    [LibraryImport(Lib)] public static partial int zsl_topk(TensorHandle a, long k, long dim, int largest, int sorted, out IntPtr values, out IntPtr indices);
    [LibraryImport(Lib)] public static partial int zsl_sort(TensorHandle a, long dim, int descending, out IntPtr values, out IntPtr indices);

    // ---- in place (0 = success)
    [LibraryImport(Lib)] public static partial int zsl_add_(TensorHandle a, TensorHandle b, ZslScalar alpha);
    [LibraryImport(Lib)] public static partial int zsl_add_scalar_(TensorHandle a, ZslScalar s);
    [LibraryImport(Lib)] public static partial int zsl_sub_(TensorHandle a, TensorHandle b, ZslScalar alpha);
    [LibraryImport(Lib)] public static partial int zsl_mul_(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] public static partial int zsl_mul_scalar_(TensorHandle a, ZslScalar s);
    [LibraryImport(Lib)] public static partial int zsl_div_(TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] public static partial int zsl_div_scalar_(TensorHandle a, ZslScalar s);
    [LibraryImport(Lib)] public static partial int zsl_addcmul_(TensorHandle a, TensorHandle t1, TensorHandle t2, ZslScalar value);
    [LibraryImport(Lib)] public static partial int zsl_addcdiv_(TensorHandle a, TensorHandle t1, TensorHandle t2, ZslScalar value);
    [LibraryImport(Lib)] public static partial int zsl_sqrt_(TensorHandle a);
    [LibraryImport(Lib)] public static partial int zsl_zero_(TensorHandle a);
    [LibraryImport(Lib)] public static partial int zsl_fill_(TensorHandle a, ZslScalar value);
    [LibraryImport(Lib)] public static partial int zsl_copy_(TensorHandle a, TensorHandle src);
    [LibraryImport(Lib)] public static partial int zsl_clamp_(TensorHandle a, ZslScalar lo, int hasLo, ZslScalar hi, int hasHi);
}
