// zslnative.h - the C ABI of ZslKit's libtorch shim (docs/engine.md, "ABI conventions").
//
// Conventions
//   * zsl_tensor* is an opaque handle owning one at::Tensor reference. Every function that returns a handle returns a
//     NEW handle, which the caller releases with zsl_free(); input handles are only borrowed.
//   * Failure: handle-returning functions return NULL, int32_t-returning functions return a non-zero value (query
//     functions document their own sentinel). The message, prefixed with the operation name ("matmul: ..."), is kept
//     per thread and read with zsl_last_error(). No C++ exception ever crosses this boundary.
//   * Arrays of tensors are passed as (zsl_tensor* const* handles, int32_t count); shapes and dim lists as
//     (const int64_t* values, int32_t count). Optional tensors are NULL.
//   * dtype arguments are c10::ScalarType numbers (ZslKit.Torch.ScalarType); -1 means "keep / default".
//     Device arguments are (device_type: 0 = CPU, 1 = CUDA; device_index: -1 = current).
#pragma once
#include <stdint.h>

#ifdef __cplusplus
#define ZSL_API extern "C" __attribute__((visibility("default")))
#else
#define ZSL_API __attribute__((visibility("default")))
#endif

// Bumped whenever a signature or a convention changes; ZslKit.Torch refuses to run against another value.
#define ZSL_ABI_VERSION 11

typedef struct zsl_tensor zsl_tensor;

// A number crossing the ABI: kind 0 = double (d), 1 = int64 (i), 2 = bool (i != 0).
typedef struct zsl_scalar {
  double d;
  int64_t i;
  int32_t kind;
} zsl_scalar;

// ---------------------------------------------------------------- runtime (runtime.cpp)
ZSL_API int32_t zsl_abi_version(void);
ZSL_API const char* zsl_last_error(void);
ZSL_API void zsl_torch_version(int32_t* major, int32_t* minor, int32_t* patch);
ZSL_API int64_t zsl_live_tensors(void);  // handles created and not yet freed, all threads
ZSL_API void zsl_free(zsl_tensor* t);
ZSL_API int32_t zsl_cuda_is_available(void);
ZSL_API int32_t zsl_cuda_device_count(void);
ZSL_API int32_t zsl_cuda_synchronize(int32_t device_index);
// CUDA caching-allocator statistics (ABI 7; torch.cuda.max_memory_allocated / reset_peak_memory_stats). A shim built
// without CUDA returns an error saying so. device_index -1 = current device.
ZSL_API int32_t zsl_cuda_max_memory_allocated(int32_t device_index, int64_t* bytes);
ZSL_API int32_t zsl_cuda_reset_peak_memory_stats(int32_t device_index);
// The CUDA runtime version libtorch was built with (e.g. 12040 for 12.4), 0 when libtorch has no CUDA (ABI 7).
ZSL_API int32_t zsl_cuda_runtime_version(void);
// glibc malloc thresholds the shim set at load (ABI 8; malloc_tuning.cpp): returns 1 and the two values in bytes when
// it set them, 0 when it left malloc alone (not glibc, GLIBC_TUNABLES with malloc settings, or ZSLKIT_MALLOC_TUNING=0).
ZSL_API int32_t zsl_malloc_tuning(int64_t* mmap_threshold, int64_t* trim_threshold);
// CUDA graphs (ABI 10; cuda_graph.cpp; torch.cuda.CUDAGraph). A graph owns a side stream of its device: stream_enter
// makes it the current stream (after the work already queued), stream_exit restores the previous one (which then waits
// for the side stream). Capture (begin/end) happens between the two; replay launches the captured kernels on the
// current stream. A shim without CUDA graphs returns an error from every call; zsl_cuda_graphs_available says 0 there.
typedef struct zsl_cuda_graph zsl_cuda_graph;
ZSL_API int32_t zsl_cuda_graphs_available(void);
ZSL_API zsl_cuda_graph* zsl_cuda_graph_new(int32_t device_index);
ZSL_API int32_t zsl_cuda_graph_stream_enter(zsl_cuda_graph* g);
ZSL_API int32_t zsl_cuda_graph_stream_exit(zsl_cuda_graph* g);
ZSL_API int32_t zsl_cuda_graph_capture_begin(zsl_cuda_graph* g);
ZSL_API int32_t zsl_cuda_graph_capture_end(zsl_cuda_graph* g);
ZSL_API int32_t zsl_cuda_graph_replay(zsl_cuda_graph* g);
ZSL_API void zsl_cuda_graph_free(zsl_cuda_graph* g);
// Float32 precision switches (ABI 11; precision.cpp), process-wide as in PyTorch. Matmul precision: 0 = "highest"
// (IEEE float32), 1 = "high" (TF32 for cuBLAS matmuls: torch.backends.cuda.matmul.allow_tf32), 2 = "medium"; get returns
// -1 on error. cuDNN TF32 (torch.backends.cudnn.allow_tf32): 0/1. A CPU-only libtorch keeps the values without effect; a
// shim built with ZSL_PRECISION=OFF returns an error from every call.
ZSL_API int32_t zsl_get_float32_matmul_precision(void);
ZSL_API int32_t zsl_set_float32_matmul_precision(int32_t precision);
ZSL_API int32_t zsl_get_allow_tf32_cudnn(void);
ZSL_API int32_t zsl_set_allow_tf32_cudnn(int32_t allow);
ZSL_API int32_t zsl_manual_seed(uint64_t seed);
ZSL_API int32_t zsl_set_num_threads(int32_t n);
ZSL_API int32_t zsl_get_num_threads(void);
ZSL_API int32_t zsl_is_grad_enabled(void);
ZSL_API int32_t zsl_set_grad_enabled(int32_t enabled);  // thread-local; returns the previous state (0/1)

// ---------------------------------------------------------------- inspection, data, autograd (runtime.cpp)
ZSL_API int32_t zsl_dim(const zsl_tensor* t);                                  // -1 on error
ZSL_API int32_t zsl_shape(const zsl_tensor* t, int64_t* out, int32_t cap);    // writes min(dim, cap); returns dim or -1
ZSL_API int64_t zsl_numel(const zsl_tensor* t);                               // -1 on error
ZSL_API int32_t zsl_dtype(const zsl_tensor* t);                               // -1 on error
ZSL_API int32_t zsl_device(const zsl_tensor* t, int32_t* type, int32_t* index);
ZSL_API int32_t zsl_requires_grad(const zsl_tensor* t);                       // 0/1, -1 on error
ZSL_API int32_t zsl_set_requires_grad(const zsl_tensor* t, int32_t flag);     // in place on the tensor
ZSL_API int32_t zsl_is_leaf(const zsl_tensor* t);
// *out = the gradient (new handle) or NULL when undefined.
ZSL_API int32_t zsl_grad(const zsl_tensor* t, zsl_tensor** out);
ZSL_API int32_t zsl_set_grad(const zsl_tensor* t, const zsl_tensor* grad);    // grad NULL = set to none
ZSL_API int32_t zsl_backward(const zsl_tensor* t, const zsl_tensor* grad, int32_t retain_graph, int32_t create_graph);
// Copies `nbytes` of raw little-endian elements into a new tensor of dtype/shape on the device.
ZSL_API zsl_tensor* zsl_from_data(const void* data, int64_t nbytes, int32_t dtype, const int64_t* shape, int32_t ndim,
                                  int32_t device_type, int32_t device_index, int32_t requires_grad);
// Copies the elements (C order, on the CPU) into buf, which holds exactly numel * element size bytes.
ZSL_API int32_t zsl_copy_to(const zsl_tensor* t, void* buf, int64_t nbytes);
// A short printable summary of the values (like str(tensor)); the pointer stays valid until the next call on this thread.
ZSL_API const char* zsl_to_string(const zsl_tensor* t);

// ---------------------------------------------------------------- creation, conversion, views, indexing (tensor.cpp)
ZSL_API zsl_tensor* zsl_empty(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dt, int32_t di, int32_t rg);
ZSL_API zsl_tensor* zsl_zeros(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dt, int32_t di, int32_t rg);
ZSL_API zsl_tensor* zsl_ones(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dt, int32_t di, int32_t rg);
ZSL_API zsl_tensor* zsl_rand(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dt, int32_t di, int32_t rg);
ZSL_API zsl_tensor* zsl_randn(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dt, int32_t di, int32_t rg);
ZSL_API zsl_tensor* zsl_full(const int64_t* shape, int32_t ndim, zsl_scalar value, int32_t dtype, int32_t dt, int32_t di,
                             int32_t rg);
ZSL_API zsl_tensor* zsl_arange(zsl_scalar start, zsl_scalar end, zsl_scalar step, int32_t dtype, int32_t dt, int32_t di,
                               int32_t rg);
ZSL_API zsl_tensor* zsl_eye(int64_t n, int64_t m, int32_t dtype, int32_t dt, int32_t di, int32_t rg);
ZSL_API zsl_tensor* zsl_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dt,
                                int32_t di);
ZSL_API zsl_tensor* zsl_randperm(int64_t n, int32_t dtype, int32_t dt, int32_t di);
ZSL_API zsl_tensor* zsl_linspace(double start, double end, int64_t steps, int32_t dtype, int32_t dt, int32_t di);
ZSL_API zsl_tensor* zsl_zeros_like(const zsl_tensor* t);
ZSL_API zsl_tensor* zsl_ones_like(const zsl_tensor* t);
// non_blocking (ABI 9): with a pinned CPU source or a CUDA source, the copy is queued on the current CUDA stream and the
// call returns before it finishes (torch's Tensor.to(..., non_blocking=True)); otherwise it is an ordinary copy.
ZSL_API zsl_tensor* zsl_to(const zsl_tensor* t, int32_t dtype, int32_t device_type, int32_t device_index, int32_t copy,
                           int32_t non_blocking);
// Page-locked (pinned) copy of a CPU tensor, or the tensor itself when already pinned (ABI 9). Pinned memory is allocated
// by the CUDA runtime, so a libtorch or machine without CUDA fails with "pin_memory: ... needs CUDA ...".
ZSL_API zsl_tensor* zsl_pin_memory(const zsl_tensor* t);
// 1 when the tensor's storage is page-locked host memory, 0 otherwise (always 0 without CUDA), -1 on error (ABI 9).
ZSL_API int32_t zsl_is_pinned(const zsl_tensor* t);
ZSL_API zsl_tensor* zsl_alias(const zsl_tensor* t);
// Replaces t's data (like PyTorch's `param.data = new`): t keeps its identity, requires_grad and grad slot.
ZSL_API int32_t zsl_set_data(const zsl_tensor* t, const zsl_tensor* data);  // another handle on the same tensor (autograd identity kept)
ZSL_API zsl_tensor* zsl_detach(const zsl_tensor* t);
ZSL_API zsl_tensor* zsl_clone(const zsl_tensor* t);
ZSL_API zsl_tensor* zsl_contiguous(const zsl_tensor* t);
ZSL_API zsl_tensor* zsl_reshape(const zsl_tensor* t, const int64_t* shape, int32_t ndim);
ZSL_API zsl_tensor* zsl_view(const zsl_tensor* t, const int64_t* shape, int32_t ndim);
ZSL_API zsl_tensor* zsl_expand(const zsl_tensor* t, const int64_t* shape, int32_t ndim);
ZSL_API zsl_tensor* zsl_permute(const zsl_tensor* t, const int64_t* dims, int32_t ndim);
ZSL_API zsl_tensor* zsl_transpose(const zsl_tensor* t, int64_t d0, int64_t d1);
ZSL_API zsl_tensor* zsl_unsqueeze(const zsl_tensor* t, int64_t dim);
ZSL_API zsl_tensor* zsl_squeeze(const zsl_tensor* t);
ZSL_API zsl_tensor* zsl_squeeze_dim(const zsl_tensor* t, int64_t dim);
ZSL_API zsl_tensor* zsl_flatten(const zsl_tensor* t, int64_t start_dim, int64_t end_dim);
ZSL_API zsl_tensor* zsl_narrow(const zsl_tensor* t, int64_t dim, int64_t start, int64_t length);

// One entry of an index expression t[i0, i1, ...]: kind 0 = integer (start), 1 = slice (start/stop/step, each used when
// its has_ flag is set), 2 = ellipsis, 3 = None (new axis), 4 = tensor (bool mask or integer indices).
typedef struct zsl_index {
  int64_t start, stop, step;
  const zsl_tensor* tensor;
  int32_t kind;
  int32_t has_start, has_stop;
} zsl_index;
ZSL_API zsl_tensor* zsl_index_get(const zsl_tensor* t, const zsl_index* idx, int32_t n);
ZSL_API int32_t zsl_index_put_(const zsl_tensor* t, const zsl_index* idx, int32_t n, const zsl_tensor* value);
ZSL_API int32_t zsl_index_fill_(const zsl_tensor* t, const zsl_index* idx, int32_t n, zsl_scalar value);
ZSL_API zsl_tensor* zsl_index_select(const zsl_tensor* t, int64_t dim, const zsl_tensor* index);
ZSL_API zsl_tensor* zsl_masked_fill(const zsl_tensor* t, const zsl_tensor* mask, zsl_scalar value);
ZSL_API zsl_tensor* zsl_cat(zsl_tensor* const* ts, int32_t n, int64_t dim);
ZSL_API zsl_tensor* zsl_stack(zsl_tensor* const* ts, int32_t n, int64_t dim);
ZSL_API zsl_tensor* zsl_gather(const zsl_tensor* t, int64_t dim, const zsl_tensor* index);
ZSL_API zsl_tensor* zsl_scatter(const zsl_tensor* t, int64_t dim, const zsl_tensor* index, const zsl_tensor* src);
ZSL_API zsl_tensor* zsl_where(const zsl_tensor* cond, const zsl_tensor* a, const zsl_tensor* b);

// ---------------------------------------------------------------- math (ops.cpp)
ZSL_API zsl_tensor* zsl_add(const zsl_tensor* a, const zsl_tensor* b, zsl_scalar alpha);
ZSL_API zsl_tensor* zsl_sub(const zsl_tensor* a, const zsl_tensor* b, zsl_scalar alpha);
ZSL_API zsl_tensor* zsl_mul(const zsl_tensor* a, const zsl_tensor* b);
ZSL_API zsl_tensor* zsl_div(const zsl_tensor* a, const zsl_tensor* b);
ZSL_API zsl_tensor* zsl_pow(const zsl_tensor* a, const zsl_tensor* b);
ZSL_API zsl_tensor* zsl_add_scalar(const zsl_tensor* a, zsl_scalar s);
ZSL_API zsl_tensor* zsl_sub_scalar(const zsl_tensor* a, zsl_scalar s);
ZSL_API zsl_tensor* zsl_rsub_scalar(const zsl_tensor* a, zsl_scalar s);  // s - a
ZSL_API zsl_tensor* zsl_mul_scalar(const zsl_tensor* a, zsl_scalar s);
ZSL_API zsl_tensor* zsl_div_scalar(const zsl_tensor* a, zsl_scalar s);
ZSL_API zsl_tensor* zsl_rdiv_scalar(const zsl_tensor* a, zsl_scalar s);  // s / a
ZSL_API zsl_tensor* zsl_pow_scalar(const zsl_tensor* a, zsl_scalar s);
// Comparisons: op 0 = eq, 1 = ne, 2 = gt, 3 = lt, 4 = ge, 5 = le. Result dtype bool.
ZSL_API zsl_tensor* zsl_compare(const zsl_tensor* a, const zsl_tensor* b, int32_t op);
ZSL_API zsl_tensor* zsl_compare_scalar(const zsl_tensor* a, zsl_scalar b, int32_t op);
ZSL_API zsl_tensor* zsl_maximum(const zsl_tensor* a, const zsl_tensor* b);
ZSL_API zsl_tensor* zsl_minimum(const zsl_tensor* a, const zsl_tensor* b);
ZSL_API zsl_tensor* zsl_neg(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_exp(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_log(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_sqrt(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_abs(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_tanh(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_sigmoid(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_relu(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_gelu(const zsl_tensor* a, int32_t tanh_approximation);
ZSL_API zsl_tensor* zsl_logical_not(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_log1p(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_sign(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_floor(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_ceil(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_round(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_sin(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_cos(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_erf(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_reciprocal(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_isnan(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_isfinite(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_logical_and(const zsl_tensor* a, const zsl_tensor* b);
ZSL_API zsl_tensor* zsl_logical_or(const zsl_tensor* a, const zsl_tensor* b);
ZSL_API zsl_tensor* zsl_leaky_relu(const zsl_tensor* a, double negative_slope);
ZSL_API zsl_tensor* zsl_softplus(const zsl_tensor* a, double beta, double threshold);
ZSL_API zsl_tensor* zsl_cumsum(const zsl_tensor* a, int64_t dim);
ZSL_API zsl_tensor* zsl_tril(const zsl_tensor* a, int64_t diagonal);
ZSL_API zsl_tensor* zsl_triu(const zsl_tensor* a, int64_t diagonal);
ZSL_API zsl_tensor* zsl_repeat(const zsl_tensor* a, const int64_t* repeats, int32_t n);
ZSL_API zsl_tensor* zsl_masked_select(const zsl_tensor* a, const zsl_tensor* mask);
// clamp: a bound is used when its has_ flag is set.
ZSL_API zsl_tensor* zsl_clamp(const zsl_tensor* a, zsl_scalar lo, int32_t has_lo, zsl_scalar hi, int32_t has_hi);
ZSL_API zsl_tensor* zsl_softmax(const zsl_tensor* a, int64_t dim);
ZSL_API zsl_tensor* zsl_log_softmax(const zsl_tensor* a, int64_t dim);
ZSL_API zsl_tensor* zsl_matmul(const zsl_tensor* a, const zsl_tensor* b);
ZSL_API zsl_tensor* zsl_mm(const zsl_tensor* a, const zsl_tensor* b);
ZSL_API zsl_tensor* zsl_bmm(const zsl_tensor* a, const zsl_tensor* b);
ZSL_API zsl_tensor* zsl_einsum(const char* equation, zsl_tensor* const* ts, int32_t n);

// Reductions over `dims` (ndims == 0: all dims).
ZSL_API zsl_tensor* zsl_sum(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t keepdim);
ZSL_API zsl_tensor* zsl_mean(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t keepdim);
ZSL_API zsl_tensor* zsl_amax(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t keepdim);
ZSL_API zsl_tensor* zsl_amin(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t keepdim);
ZSL_API zsl_tensor* zsl_std(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t unbiased, int32_t keepdim);
ZSL_API zsl_tensor* zsl_var(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t unbiased, int32_t keepdim);
ZSL_API zsl_tensor* zsl_norm(const zsl_tensor* a, double p, const int64_t* dims, int32_t ndims, int32_t keepdim);
ZSL_API zsl_tensor* zsl_logsumexp(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t keepdim);
// any/all over all elements (has_dim 0) or one dim; result dtype bool.
ZSL_API zsl_tensor* zsl_any(const zsl_tensor* a, int64_t dim, int32_t has_dim, int32_t keepdim);
ZSL_API zsl_tensor* zsl_all(const zsl_tensor* a, int64_t dim, int32_t has_dim, int32_t keepdim);
ZSL_API zsl_tensor* zsl_prod(const zsl_tensor* a, int64_t dim, int32_t has_dim, int32_t keepdim);
ZSL_API zsl_tensor* zsl_max_all(const zsl_tensor* a);
ZSL_API zsl_tensor* zsl_min_all(const zsl_tensor* a);
ZSL_API int32_t zsl_max_dim(const zsl_tensor* a, int64_t dim, int32_t keepdim, zsl_tensor** values, zsl_tensor** indices);
ZSL_API int32_t zsl_min_dim(const zsl_tensor* a, int64_t dim, int32_t keepdim, zsl_tensor** values, zsl_tensor** indices);
ZSL_API zsl_tensor* zsl_argmax(const zsl_tensor* a, int64_t dim, int32_t has_dim, int32_t keepdim);
ZSL_API zsl_tensor* zsl_argmin(const zsl_tensor* a, int64_t dim, int32_t has_dim, int32_t keepdim);
ZSL_API int32_t zsl_topk(const zsl_tensor* a, int64_t k, int64_t dim, int32_t largest, int32_t sorted, zsl_tensor** values,
                         zsl_tensor** indices);
ZSL_API int32_t zsl_sort(const zsl_tensor* a, int64_t dim, int32_t descending, zsl_tensor** values, zsl_tensor** indices);

// In place (on `a`; return 0 / non-zero). The optimizer surface.
ZSL_API int32_t zsl_add_(const zsl_tensor* a, const zsl_tensor* b, zsl_scalar alpha);
ZSL_API int32_t zsl_add_scalar_(const zsl_tensor* a, zsl_scalar s);
ZSL_API int32_t zsl_sub_(const zsl_tensor* a, const zsl_tensor* b, zsl_scalar alpha);
ZSL_API int32_t zsl_mul_(const zsl_tensor* a, const zsl_tensor* b);
ZSL_API int32_t zsl_mul_scalar_(const zsl_tensor* a, zsl_scalar s);
ZSL_API int32_t zsl_div_(const zsl_tensor* a, const zsl_tensor* b);
ZSL_API int32_t zsl_div_scalar_(const zsl_tensor* a, zsl_scalar s);
ZSL_API int32_t zsl_addcmul_(const zsl_tensor* a, const zsl_tensor* t1, const zsl_tensor* t2, zsl_scalar value);
ZSL_API int32_t zsl_addcdiv_(const zsl_tensor* a, const zsl_tensor* t1, const zsl_tensor* t2, zsl_scalar value);
ZSL_API int32_t zsl_sqrt_(const zsl_tensor* a);
ZSL_API int32_t zsl_zero_(const zsl_tensor* a);
ZSL_API int32_t zsl_fill_(const zsl_tensor* a, zsl_scalar value);
ZSL_API int32_t zsl_copy_(const zsl_tensor* a, const zsl_tensor* src);
ZSL_API int32_t zsl_clamp_(const zsl_tensor* a, zsl_scalar lo, int32_t has_lo, zsl_scalar hi, int32_t has_hi);

// ---------------------------------------------------------------- torch.nn.functional and init (nn.cpp)
// Pair arguments (stride, padding, ...) are int64_t[2].
ZSL_API zsl_tensor* zsl_linear(const zsl_tensor* x, const zsl_tensor* w, const zsl_tensor* b);
ZSL_API zsl_tensor* zsl_conv2d(const zsl_tensor* x, const zsl_tensor* w, const zsl_tensor* b, const int64_t* stride,
                               const int64_t* padding, const int64_t* dilation, int64_t groups);
ZSL_API zsl_tensor* zsl_max_pool2d(const zsl_tensor* x, const int64_t* kernel, const int64_t* stride,
                                   const int64_t* padding, const int64_t* dilation, int32_t ceil_mode);
ZSL_API zsl_tensor* zsl_adaptive_avg_pool2d(const zsl_tensor* x, const int64_t* output_size);
// Updates running_mean/running_var in place when training.
ZSL_API zsl_tensor* zsl_batch_norm(const zsl_tensor* x, const zsl_tensor* weight, const zsl_tensor* bias,
                                   const zsl_tensor* running_mean, const zsl_tensor* running_var, int32_t training,
                                   double momentum, double eps);
ZSL_API zsl_tensor* zsl_layer_norm(const zsl_tensor* x, const int64_t* shape, int32_t ndim, const zsl_tensor* weight,
                                   const zsl_tensor* bias, double eps);
ZSL_API zsl_tensor* zsl_dropout(const zsl_tensor* x, double p, int32_t training);
ZSL_API zsl_tensor* zsl_embedding(const zsl_tensor* weight, const zsl_tensor* indices, int64_t padding_idx);
// mode 0 = nearest, 1 = bilinear; size used when has_size, else scale (sh, sw); align_corners only for bilinear.
ZSL_API zsl_tensor* zsl_interpolate(const zsl_tensor* x, const int64_t* size, int32_t has_size, double sh, double sw,
                                    int32_t mode, int32_t align_corners);
// mode 0 = bilinear, 1 = nearest, 2 = bicubic; padding 0 = zeros, 1 = border, 2 = reflection.
ZSL_API zsl_tensor* zsl_grid_sample(const zsl_tensor* x, const zsl_tensor* grid, int32_t mode, int32_t padding_mode,
                                    int32_t align_corners);
ZSL_API zsl_tensor* zsl_affine_grid(const zsl_tensor* theta, const int64_t* size, int32_t ndim, int32_t align_corners);
// mode 0 = constant, 1 = reflect, 2 = replicate, 3 = circular; pads as torch.nn.functional.pad (last dim first).
ZSL_API zsl_tensor* zsl_pad(const zsl_tensor* x, const int64_t* pads, int32_t npads, int32_t mode, double value);
ZSL_API zsl_tensor* zsl_normalize(const zsl_tensor* x, double p, int64_t dim, double eps);
// reduction 0 = none, 1 = mean, 2 = sum.
ZSL_API zsl_tensor* zsl_cross_entropy(const zsl_tensor* x, const zsl_tensor* target, const zsl_tensor* weight,
                                      int32_t reduction, int64_t ignore_index, double label_smoothing);
ZSL_API zsl_tensor* zsl_binary_cross_entropy_with_logits(const zsl_tensor* x, const zsl_tensor* target,
                                                         const zsl_tensor* weight, const zsl_tensor* pos_weight,
                                                         int32_t reduction);
ZSL_API zsl_tensor* zsl_avg_pool2d(const zsl_tensor* x, const int64_t* kernel, const int64_t* stride,
                                   const int64_t* padding, int32_t ceil_mode, int32_t count_include_pad);
ZSL_API zsl_tensor* zsl_one_hot(const zsl_tensor* x, int64_t num_classes);
ZSL_API zsl_tensor* zsl_cosine_similarity(const zsl_tensor* a, const zsl_tensor* b, int64_t dim, double eps);
ZSL_API zsl_tensor* zsl_mse_loss(const zsl_tensor* x, const zsl_tensor* target, int32_t reduction);
ZSL_API zsl_tensor* zsl_l1_loss(const zsl_tensor* x, const zsl_tensor* target, int32_t reduction);
ZSL_API zsl_tensor* zsl_nll_loss(const zsl_tensor* x, const zsl_tensor* target, const zsl_tensor* weight,
                                 int32_t reduction, int64_t ignore_index);
// Initialisers (torch.nn.init), in place, without recording autograd history.
// kaiming: fan_mode 0 = fan_in, 1 = fan_out; nonlinearity 0 = leaky_relu, 1 = relu, 2 = linear, 3 = tanh, 4 = sigmoid.
ZSL_API int32_t zsl_init_kaiming_uniform_(const zsl_tensor* t, double a, int32_t fan_mode, int32_t nonlinearity);
ZSL_API int32_t zsl_init_kaiming_normal_(const zsl_tensor* t, double a, int32_t fan_mode, int32_t nonlinearity);
ZSL_API int32_t zsl_init_xavier_uniform_(const zsl_tensor* t, double gain);
ZSL_API int32_t zsl_init_uniform_(const zsl_tensor* t, double lo, double hi);
ZSL_API int32_t zsl_init_normal_(const zsl_tensor* t, double mean, double std);
ZSL_API int32_t zsl_init_constant_(const zsl_tensor* t, double value);
ZSL_API int32_t zsl_init_fans(const zsl_tensor* t, int64_t* fan_in, int64_t* fan_out);

// ---------------------------------------------------------------- autocast (autocast.cpp)
// Mixed precision as torch.autocast: ops on libtorch's autocast lists run in the lower-precision dtype (bf16/fp16)
// inside a scope. The state (enabled flag and dtype per device type, nesting depth, cast cache) is THREAD-LOCAL in
// libtorch: a scope affects only the thread that entered it and must be exited on that thread.
// device_type: 0 = CPU, 1 = CUDA. dtype: a c10::ScalarType number (BFloat16 15 / Float16 5), -1 = keep the current one.

// What zsl_autocast_enter replaced, handed back to zsl_autocast_exit.
typedef struct zsl_autocast_state {
  int32_t device_type;
  int32_t prev_enabled;  // 0/1
  int32_t prev_dtype;    // c10::ScalarType number
  int32_t depth;         // nesting depth of this thread after the enter (1 = outermost)
} zsl_autocast_state;
// Sets the device's autocast flag and dtype, increments the nesting counter and saves the previous values in *saved.
// Enabled CUDA autocast on a libtorch without CUDA (or without a GPU) fails with a message; CPU accepts only BFloat16 on libtorch 1.x.
ZSL_API int32_t zsl_autocast_enter(int32_t device_type, int32_t dtype, int32_t enabled, zsl_autocast_state* saved);
// Decrements the nesting counter (clearing the autocast cast cache when it reaches 0) and restores the saved flag and
// dtype. Fails when this thread has no scope open.
ZSL_API int32_t zsl_autocast_exit(const zsl_autocast_state* saved);
ZSL_API int32_t zsl_autocast_is_enabled(int32_t device_type);  // 0/1 on this thread, -1 on error
ZSL_API int32_t zsl_autocast_dtype(int32_t device_type);       // this thread's autocast dtype, -1 on error
ZSL_API int32_t zsl_autocast_depth(void);                      // scopes open on this thread (zsl_autocast_enter minus exit)
