// ops.cpp - arithmetic, comparisons, pointwise functions, linear algebra, reductions and the in-place optimizer ops.
#include "internal.h"

using zsl::S;
using zsl::T;
using zsl::wrap;

namespace {
at::Tensor& M(const zsl_tensor* h) { return const_cast<at::Tensor&>(T(h)); }  // in-place target

// Element-wise comparison; B is a tensor (broadcast) or a scalar.
template <typename B>
at::Tensor compare(const at::Tensor& a, const B& b, int32_t op) {
  switch (op) {
    case 0: return a.eq(b);
    case 1: return a.ne(b);
    case 2: return a.gt(b);
    case 3: return a.lt(b);
    case 4: return a.ge(b);
    case 5: return a.le(b);
    default: throw std::invalid_argument("unknown comparison " + std::to_string(op));
  }
}
c10::optional<at::Scalar> bound(zsl_scalar s, int32_t has) {
  if (!has) return c10::nullopt;
  return S(s);
}
int32_t pair(std::tuple<at::Tensor, at::Tensor> r, zsl_tensor** values, zsl_tensor** indices) {
  *values = wrap(std::get<0>(std::move(r)));
  *indices = wrap(std::get<1>(std::move(r)));
  return 0;
}
}  // namespace

ZSL_OP(zsl_add(const zsl_tensor* a, const zsl_tensor* b, zsl_scalar alpha), at::add(T(a), T(b), S(alpha)))
ZSL_OP(zsl_sub(const zsl_tensor* a, const zsl_tensor* b, zsl_scalar alpha), at::sub(T(a), T(b), S(alpha)))
ZSL_OP(zsl_mul(const zsl_tensor* a, const zsl_tensor* b), at::mul(T(a), T(b)))
ZSL_OP(zsl_div(const zsl_tensor* a, const zsl_tensor* b), at::div(T(a), T(b)))
ZSL_OP(zsl_pow(const zsl_tensor* a, const zsl_tensor* b), at::pow(T(a), T(b)))
ZSL_OP(zsl_add_scalar(const zsl_tensor* a, zsl_scalar s), at::add(T(a), S(s)))
ZSL_OP(zsl_sub_scalar(const zsl_tensor* a, zsl_scalar s), at::sub(T(a), S(s)))
ZSL_OP(zsl_rsub_scalar(const zsl_tensor* a, zsl_scalar s), at::rsub(T(a), S(s)))
ZSL_OP(zsl_mul_scalar(const zsl_tensor* a, zsl_scalar s), at::mul(T(a), S(s)))
ZSL_OP(zsl_div_scalar(const zsl_tensor* a, zsl_scalar s), at::div(T(a), S(s)))
ZSL_OP(zsl_rdiv_scalar(const zsl_tensor* a, zsl_scalar s), at::mul(at::reciprocal(T(a)), S(s)))
ZSL_OP(zsl_pow_scalar(const zsl_tensor* a, zsl_scalar s), at::pow(T(a), S(s)))
ZSL_OP(zsl_compare(const zsl_tensor* a, const zsl_tensor* b, int32_t op), compare(T(a), T(b), op))
ZSL_OP(zsl_compare_scalar(const zsl_tensor* a, zsl_scalar b, int32_t op), compare(T(a), S(b), op))
ZSL_OP(zsl_maximum(const zsl_tensor* a, const zsl_tensor* b), at::maximum(T(a), T(b)))
ZSL_OP(zsl_minimum(const zsl_tensor* a, const zsl_tensor* b), at::minimum(T(a), T(b)))
ZSL_OP(zsl_neg(const zsl_tensor* a), at::neg(T(a)))
ZSL_OP(zsl_exp(const zsl_tensor* a), at::exp(T(a)))
ZSL_OP(zsl_log(const zsl_tensor* a), at::log(T(a)))
ZSL_OP(zsl_sqrt(const zsl_tensor* a), at::sqrt(T(a)))
ZSL_OP(zsl_abs(const zsl_tensor* a), at::abs(T(a)))
ZSL_OP(zsl_tanh(const zsl_tensor* a), at::tanh(T(a)))
ZSL_OP(zsl_sigmoid(const zsl_tensor* a), at::sigmoid(T(a)))
ZSL_OP(zsl_relu(const zsl_tensor* a), at::relu(T(a)))
ZSL_OP(zsl_gelu(const zsl_tensor* a, int32_t tanh_approximation), at::gelu(T(a), tanh_approximation ? "tanh" : "none"))
ZSL_OP(zsl_logical_not(const zsl_tensor* a), at::logical_not(T(a)))
ZSL_OP(zsl_log1p(const zsl_tensor* a), at::log1p(T(a)))
ZSL_OP(zsl_sign(const zsl_tensor* a), at::sign(T(a)))
ZSL_OP(zsl_floor(const zsl_tensor* a), at::floor(T(a)))
ZSL_OP(zsl_ceil(const zsl_tensor* a), at::ceil(T(a)))
ZSL_OP(zsl_round(const zsl_tensor* a), at::round(T(a)))
ZSL_OP(zsl_sin(const zsl_tensor* a), at::sin(T(a)))
ZSL_OP(zsl_cos(const zsl_tensor* a), at::cos(T(a)))
ZSL_OP(zsl_erf(const zsl_tensor* a), at::erf(T(a)))
ZSL_OP(zsl_reciprocal(const zsl_tensor* a), at::reciprocal(T(a)))
ZSL_OP(zsl_isnan(const zsl_tensor* a), at::isnan(T(a)))
ZSL_OP(zsl_isfinite(const zsl_tensor* a), at::isfinite(T(a)))
ZSL_OP(zsl_logical_and(const zsl_tensor* a, const zsl_tensor* b), at::logical_and(T(a), T(b)))
ZSL_OP(zsl_logical_or(const zsl_tensor* a, const zsl_tensor* b), at::logical_or(T(a), T(b)))
ZSL_OP(zsl_leaky_relu(const zsl_tensor* a, double negative_slope), at::leaky_relu(T(a), negative_slope))
ZSL_OP(zsl_softplus(const zsl_tensor* a, double beta, double threshold), at::softplus(T(a), beta, threshold))
ZSL_OP(zsl_cumsum(const zsl_tensor* a, int64_t dim), at::cumsum(T(a), dim))
ZSL_OP(zsl_tril(const zsl_tensor* a, int64_t diagonal), at::tril(T(a), diagonal))
ZSL_OP(zsl_triu(const zsl_tensor* a, int64_t diagonal), at::triu(T(a), diagonal))
ZSL_OP(zsl_repeat(const zsl_tensor* a, const int64_t* repeats, int32_t n), T(a).repeat(zsl::ints(repeats, n)))
ZSL_OP(zsl_masked_select(const zsl_tensor* a, const zsl_tensor* mask), at::masked_select(T(a), T(mask)))
ZSL_OP(zsl_clamp(const zsl_tensor* a, zsl_scalar lo, int32_t has_lo, zsl_scalar hi, int32_t has_hi),
       at::clamp(T(a), bound(lo, has_lo), bound(hi, has_hi)))
ZSL_OP(zsl_softmax(const zsl_tensor* a, int64_t dim), at::softmax(T(a), dim))
ZSL_OP(zsl_log_softmax(const zsl_tensor* a, int64_t dim), at::log_softmax(T(a), dim))
ZSL_OP(zsl_matmul(const zsl_tensor* a, const zsl_tensor* b), at::matmul(T(a), T(b)))
ZSL_OP(zsl_mm(const zsl_tensor* a, const zsl_tensor* b), at::mm(T(a), T(b)))
ZSL_OP(zsl_bmm(const zsl_tensor* a, const zsl_tensor* b), at::bmm(T(a), T(b)))
ZSL_OP(zsl_einsum(const char* equation, zsl_tensor* const* ts, int32_t n),
       at::einsum(equation ? equation : throw std::invalid_argument("null equation"), zsl::tensors(ts, n)))

// ---------------------------------------------------------------- reductions
ZSL_OP(zsl_sum(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t keepdim),
       at::sum(T(a), zsl::dims_or_all(T(a), dims, ndims), keepdim != 0))
ZSL_OP(zsl_mean(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t keepdim),
       at::mean(T(a), zsl::dims_or_all(T(a), dims, ndims), keepdim != 0))
ZSL_OP(zsl_amax(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t keepdim),
       at::amax(T(a), zsl::dims_or_all(T(a), dims, ndims), keepdim != 0))
ZSL_OP(zsl_amin(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t keepdim),
       at::amin(T(a), zsl::dims_or_all(T(a), dims, ndims), keepdim != 0))
ZSL_OP(zsl_std(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t unbiased, int32_t keepdim),
       at::std(T(a), at::OptionalIntArrayRef(zsl::dims_or_all(T(a), dims, ndims)), unbiased != 0, keepdim != 0))
ZSL_OP(zsl_var(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t unbiased, int32_t keepdim),
       at::var(T(a), at::OptionalIntArrayRef(zsl::dims_or_all(T(a), dims, ndims)), unbiased != 0, keepdim != 0))
ZSL_OP(zsl_norm(const zsl_tensor* a, double p, const int64_t* dims, int32_t ndims, int32_t keepdim),
       at::linalg_vector_norm(T(a), p, at::OptionalIntArrayRef(zsl::dims_or_all(T(a), dims, ndims)), keepdim != 0,
                              c10::nullopt))
ZSL_OP(zsl_logsumexp(const zsl_tensor* a, const int64_t* dims, int32_t ndims, int32_t keepdim),
       at::logsumexp(T(a), zsl::dims_or_all(T(a), dims, ndims), keepdim != 0))
// The (Tensor, int64_t, bool) overloads are exact matches in 1.13 and 2.x (2.x adds an OptionalIntArrayRef overload).
ZSL_OP(zsl_any(const zsl_tensor* a, int64_t dim, int32_t has_dim, int32_t keepdim),
       has_dim ? at::any(T(a), static_cast<int64_t>(dim), keepdim != 0) : at::any(T(a)))
ZSL_OP(zsl_all(const zsl_tensor* a, int64_t dim, int32_t has_dim, int32_t keepdim),
       has_dim ? at::all(T(a), static_cast<int64_t>(dim), keepdim != 0) : at::all(T(a)))
ZSL_OP(zsl_prod(const zsl_tensor* a, int64_t dim, int32_t has_dim, int32_t keepdim),
       has_dim ? at::prod(T(a), dim, keepdim != 0) : at::prod(T(a)))
ZSL_OP(zsl_max_all(const zsl_tensor* a), at::max(T(a)))
ZSL_OP(zsl_min_all(const zsl_tensor* a), at::min(T(a)))
ZSL_OP(zsl_argmax(const zsl_tensor* a, int64_t dim, int32_t has_dim, int32_t keepdim),
       at::argmax(T(a), has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))
ZSL_OP(zsl_argmin(const zsl_tensor* a, int64_t dim, int32_t has_dim, int32_t keepdim),
       at::argmin(T(a), has_dim ? c10::optional<int64_t>(dim) : c10::nullopt, keepdim != 0))

ZSL_API int32_t zsl_max_dim(const zsl_tensor* a, int64_t dim, int32_t keepdim, zsl_tensor** values, zsl_tensor** indices) {
  ZSL_TRY return pair(at::max(T(a), dim, keepdim != 0), values, indices);
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_min_dim(const zsl_tensor* a, int64_t dim, int32_t keepdim, zsl_tensor** values, zsl_tensor** indices) {
  ZSL_TRY return pair(at::min(T(a), dim, keepdim != 0), values, indices);
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_topk(const zsl_tensor* a, int64_t k, int64_t dim, int32_t largest, int32_t sorted, zsl_tensor** values,
                         zsl_tensor** indices) {
  ZSL_TRY return pair(at::topk(T(a), k, dim, largest != 0, sorted != 0), values, indices);
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_sort(const zsl_tensor* a, int64_t dim, int32_t descending, zsl_tensor** values, zsl_tensor** indices) {
  ZSL_TRY return pair(at::sort(T(a), dim, descending != 0), values, indices);
  ZSL_CATCH(-1)
}

// ---------------------------------------------------------------- in place
ZSL_INPLACE(zsl_add_(const zsl_tensor* a, const zsl_tensor* b, zsl_scalar alpha), M(a).add_(T(b), S(alpha)))
ZSL_INPLACE(zsl_add_scalar_(const zsl_tensor* a, zsl_scalar s), M(a).add_(S(s)))
ZSL_INPLACE(zsl_sub_(const zsl_tensor* a, const zsl_tensor* b, zsl_scalar alpha), M(a).sub_(T(b), S(alpha)))
ZSL_INPLACE(zsl_mul_(const zsl_tensor* a, const zsl_tensor* b), M(a).mul_(T(b)))
ZSL_INPLACE(zsl_mul_scalar_(const zsl_tensor* a, zsl_scalar s), M(a).mul_(S(s)))
ZSL_INPLACE(zsl_div_(const zsl_tensor* a, const zsl_tensor* b), M(a).div_(T(b)))
ZSL_INPLACE(zsl_div_scalar_(const zsl_tensor* a, zsl_scalar s), M(a).div_(S(s)))
ZSL_INPLACE(zsl_addcmul_(const zsl_tensor* a, const zsl_tensor* t1, const zsl_tensor* t2, zsl_scalar value),
            M(a).addcmul_(T(t1), T(t2), S(value)))
ZSL_INPLACE(zsl_addcdiv_(const zsl_tensor* a, const zsl_tensor* t1, const zsl_tensor* t2, zsl_scalar value),
            M(a).addcdiv_(T(t1), T(t2), S(value)))
ZSL_INPLACE(zsl_sqrt_(const zsl_tensor* a), M(a).sqrt_())
ZSL_INPLACE(zsl_zero_(const zsl_tensor* a), M(a).zero_())
ZSL_INPLACE(zsl_fill_(const zsl_tensor* a, zsl_scalar value), M(a).fill_(S(value)))
ZSL_INPLACE(zsl_copy_(const zsl_tensor* a, const zsl_tensor* src), M(a).copy_(T(src)))
ZSL_INPLACE(zsl_clamp_(const zsl_tensor* a, zsl_scalar lo, int32_t has_lo, zsl_scalar hi, int32_t has_hi),
            M(a).clamp_(bound(lo, has_lo), bound(hi, has_hi)))
