// tensor.cpp - creation, dtype/device conversion, views, indexing, joining and selection.
#include <limits>

#include "internal.h"

using zsl::T;
using zsl::wrap;

namespace {

// Creation helper: builds with grad mode off, then marks the result as a leaf that requires grad when asked.
template <typename F>
zsl_tensor* create(int32_t rg, F&& make) {
  at::Tensor t;
  {
    at::NoGradGuard ng;
    t = make();
  }
  if (rg) t.set_requires_grad(true);
  return wrap(std::move(t));
}

std::vector<at::indexing::TensorIndex> index_list(const zsl_index* idx, int32_t n) {
  using namespace at::indexing;
  if (n < 0 || (n > 0 && idx == nullptr)) throw std::invalid_argument("bad index list");
  std::vector<TensorIndex> out;
  out.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) {
    const auto& e = idx[i];
    switch (e.kind) {
      case 0: out.emplace_back(e.start); break;
      case 1:
        // Plain integers (not optionals) so the call compiles against both the int64 (1.13) and SymInt (2.x) Slice.
        out.emplace_back(Slice(e.has_start ? e.start : 0,
                               e.has_stop ? e.stop : std::numeric_limits<int64_t>::max(), e.step));
        break;
      case 2: out.emplace_back(Ellipsis); break;
      case 3: out.emplace_back(None); break;
      case 4: out.emplace_back(T(e.tensor)); break;
      default: throw std::invalid_argument("unknown index kind " + std::to_string(e.kind));
    }
  }
  return out;
}

}  // namespace

#define ZSL_FACTORY(name, expr)                                                                              \
  ZSL_API zsl_tensor* zsl_##name(const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dt, int32_t di, \
                                 int32_t rg) {                                                              \
    ZSL_TRY auto sh = zsl::ints(shape, ndim);                                                               \
    auto o = zsl::options(dtype, dt, di);                                                                   \
    return create(rg, [&] { return expr; });                                                                \
    ZSL_CATCH(nullptr)                                                                                      \
  }
ZSL_FACTORY(empty, at::empty(sh, o))
ZSL_FACTORY(zeros, at::zeros(sh, o))
ZSL_FACTORY(ones, at::ones(sh, o))
ZSL_FACTORY(rand, at::rand(sh, o))
ZSL_FACTORY(randn, at::randn(sh, o))

ZSL_API zsl_tensor* zsl_full(const int64_t* shape, int32_t ndim, zsl_scalar value, int32_t dtype, int32_t dt, int32_t di,
                             int32_t rg) {
  ZSL_TRY auto sh = zsl::ints(shape, ndim);
  auto o = zsl::options(dtype, dt, di);
  return create(rg, [&] { return at::full(sh, zsl::S(value), o); });
  ZSL_CATCH(nullptr)
}
ZSL_API zsl_tensor* zsl_arange(zsl_scalar start, zsl_scalar end, zsl_scalar step, int32_t dtype, int32_t dt, int32_t di,
                               int32_t rg) {
  ZSL_TRY
  // dtype -1: int64 when all bounds are integers, else float32 (as torch.arange).
  bool integral = start.kind == 1 && end.kind == 1 && step.kind == 1;
  auto o = zsl::options(dtype < 0 ? (integral ? 4 : 6) : dtype, dt, di);
  return create(rg, [&] { return at::arange(zsl::S(start), zsl::S(end), zsl::S(step), o); });
  ZSL_CATCH(nullptr)
}
ZSL_API zsl_tensor* zsl_eye(int64_t n, int64_t m, int32_t dtype, int32_t dt, int32_t di, int32_t rg) {
  ZSL_TRY auto o = zsl::options(dtype, dt, di);
  return create(rg, [&] { return at::eye(n, m, o); });
  ZSL_CATCH(nullptr)
}
ZSL_API zsl_tensor* zsl_randint(int64_t low, int64_t high, const int64_t* shape, int32_t ndim, int32_t dtype, int32_t dt,
                                int32_t di) {
  ZSL_TRY auto sh = zsl::ints(shape, ndim);
  auto o = zsl::options(dtype < 0 ? 4 : dtype, dt, di);
  return create(0, [&] { return at::randint(low, high, sh, o); });
  ZSL_CATCH(nullptr)
}
ZSL_API zsl_tensor* zsl_randperm(int64_t n, int32_t dtype, int32_t dt, int32_t di) {
  ZSL_TRY auto o = zsl::options(dtype < 0 ? 4 : dtype, dt, di);
  return create(0, [&] { return at::randperm(n, o); });
  ZSL_CATCH(nullptr)
}
ZSL_API zsl_tensor* zsl_linspace(double start, double end, int64_t steps, int32_t dtype, int32_t dt, int32_t di) {
  ZSL_TRY auto o = zsl::options(dtype, dt, di);
  return create(0, [&] { return at::linspace(start, end, steps, o); });
  ZSL_CATCH(nullptr)
}
ZSL_OP(zsl_zeros_like(const zsl_tensor* t), at::zeros_like(T(t)))
ZSL_OP(zsl_ones_like(const zsl_tensor* t), at::ones_like(T(t)))

ZSL_API zsl_tensor* zsl_to(const zsl_tensor* t, int32_t dtype, int32_t device_type, int32_t device_index, int32_t copy,
                           int32_t non_blocking) {
  ZSL_TRY
  const auto& a = T(t);
  auto st = dtype < 0 ? a.scalar_type() : zsl::dtype_of(dtype);
  auto dev = device_type < 0 ? a.device() : zsl::device_of(device_type, device_index);
  return wrap(a.to(dev, st, /*non_blocking=*/non_blocking != 0, /*copy=*/copy != 0));
  ZSL_CATCH(nullptr)
}
// libtorch 1.13 without CUDA reports pin_memory as "Could not run 'aten::_pin_memory' with arguments from the 'CUDA'
// backend" (NotImplementedError); the shim checks first and says what is missing. is_pinned() is false without CUDA.
// Both calls take an optional device (default: CUDA) in 1.13 (TensorBody.h) and 2.x alike: no version switch needed.
ZSL_API zsl_tensor* zsl_pin_memory(const zsl_tensor* t) {
  ZSL_TRY
  const auto& a = T(t);
  if (!a.device().is_cpu())
    throw std::invalid_argument(std::string("only CPU tensors can be pinned; this tensor is on ") + a.device().str());
  if (!at::globalContext().hasCUDA())
    throw std::runtime_error("page-locked host memory needs CUDA, and this libtorch has no CUDA or no CUDA device is visible");
  return wrap(a.pin_memory());
  ZSL_CATCH(nullptr)
}
ZSL_API int32_t zsl_is_pinned(const zsl_tensor* t) {
  ZSL_TRY return T(t).is_pinned() ? 1 : 0;
  ZSL_CATCH(-1)
}
ZSL_OP(zsl_alias(const zsl_tensor* t), T(t))
ZSL_INPLACE(zsl_set_data(const zsl_tensor* t, const zsl_tensor* data), const_cast<at::Tensor&>(T(t)).set_data(T(data)))
ZSL_OP(zsl_detach(const zsl_tensor* t), T(t).detach())
ZSL_OP(zsl_clone(const zsl_tensor* t), T(t).clone())
ZSL_OP(zsl_contiguous(const zsl_tensor* t), T(t).contiguous())
ZSL_OP(zsl_reshape(const zsl_tensor* t, const int64_t* shape, int32_t ndim), T(t).reshape(zsl::ints(shape, ndim)))
ZSL_OP(zsl_view(const zsl_tensor* t, const int64_t* shape, int32_t ndim), T(t).view(zsl::ints(shape, ndim)))
ZSL_OP(zsl_expand(const zsl_tensor* t, const int64_t* shape, int32_t ndim), T(t).expand(zsl::ints(shape, ndim)))
ZSL_OP(zsl_permute(const zsl_tensor* t, const int64_t* dims, int32_t ndim), T(t).permute(zsl::ints(dims, ndim)))
ZSL_OP(zsl_transpose(const zsl_tensor* t, int64_t d0, int64_t d1), T(t).transpose(d0, d1))
ZSL_OP(zsl_unsqueeze(const zsl_tensor* t, int64_t dim), T(t).unsqueeze(dim))
ZSL_OP(zsl_squeeze(const zsl_tensor* t), T(t).squeeze())
ZSL_OP(zsl_squeeze_dim(const zsl_tensor* t, int64_t dim), T(t).squeeze(dim))
ZSL_OP(zsl_flatten(const zsl_tensor* t, int64_t start_dim, int64_t end_dim), T(t).flatten(start_dim, end_dim))
ZSL_OP(zsl_narrow(const zsl_tensor* t, int64_t dim, int64_t start, int64_t length), T(t).narrow(dim, start, length))

ZSL_OP(zsl_index_get(const zsl_tensor* t, const zsl_index* idx, int32_t n), T(t).index(index_list(idx, n)))
ZSL_INPLACE(zsl_index_put_(const zsl_tensor* t, const zsl_index* idx, int32_t n, const zsl_tensor* value),
            const_cast<at::Tensor&>(T(t)).index_put_(index_list(idx, n), T(value)))
ZSL_INPLACE(zsl_index_fill_(const zsl_tensor* t, const zsl_index* idx, int32_t n, zsl_scalar value),
            const_cast<at::Tensor&>(T(t)).index_put_(index_list(idx, n), zsl::S(value)))
ZSL_OP(zsl_index_select(const zsl_tensor* t, int64_t dim, const zsl_tensor* index), T(t).index_select(dim, T(index)))
ZSL_OP(zsl_masked_fill(const zsl_tensor* t, const zsl_tensor* mask, zsl_scalar value),
       T(t).masked_fill(T(mask), zsl::S(value)))
ZSL_OP(zsl_cat(zsl_tensor* const* ts, int32_t n, int64_t dim), at::cat(zsl::tensors(ts, n), dim))
ZSL_OP(zsl_stack(zsl_tensor* const* ts, int32_t n, int64_t dim), at::stack(zsl::tensors(ts, n), dim))
ZSL_OP(zsl_gather(const zsl_tensor* t, int64_t dim, const zsl_tensor* index), T(t).gather(dim, T(index)))
ZSL_OP(zsl_scatter(const zsl_tensor* t, int64_t dim, const zsl_tensor* index, const zsl_tensor* src),
       T(t).scatter(dim, T(index), T(src)))
ZSL_OP(zsl_where(const zsl_tensor* cond, const zsl_tensor* a, const zsl_tensor* b), at::where(T(cond), T(a), T(b)))
