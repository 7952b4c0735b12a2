// internal.h - shared plumbing of the shim's translation units: the handle type, the live counter, error capture and
// argument conversion. Not part of the ABI.
#pragma once
#include <torch/torch.h>
#include <torch/version.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "zslnative.h"

struct zsl_tensor {
  at::Tensor t;
};

namespace zsl {

extern std::atomic<int64_t> g_live;

// Records "<op>: <message>" for zsl_last_error; `fn` is __func__ of the ABI function ("zsl_matmul" -> "matmul").
void set_error(const char* fn, const char* msg);

inline zsl_tensor* wrap(at::Tensor t) {
  auto* h = new zsl_tensor{std::move(t)};
  g_live.fetch_add(1, std::memory_order_relaxed);
  return h;
}

inline const at::Tensor& T(const zsl_tensor* h) {
  if (h == nullptr) throw std::invalid_argument("null tensor handle");
  return h->t;
}

inline c10::optional<at::Tensor> opt(const zsl_tensor* h) {
  if (h == nullptr) return c10::nullopt;
  return h->t;
}

inline std::vector<int64_t> ints(const int64_t* v, int32_t n) {
  if (n < 0 || (n > 0 && v == nullptr)) throw std::invalid_argument("bad int64 array argument");
  return std::vector<int64_t>(v, v + n);
}

inline std::vector<at::Tensor> tensors(zsl_tensor* const* ts, int32_t n) {
  if (n < 0 || (n > 0 && ts == nullptr)) throw std::invalid_argument("bad tensor array argument");
  std::vector<at::Tensor> out;
  out.reserve(static_cast<size_t>(n));
  for (int32_t i = 0; i < n; ++i) out.push_back(T(ts[i]));
  return out;
}

inline at::Scalar S(zsl_scalar s) {
  switch (s.kind) {
    case 1: return at::Scalar(s.i);
    case 2: return at::Scalar(s.i != 0);
    default: return at::Scalar(s.d);
  }
}

at::ScalarType dtype_of(int32_t code);
c10::Device device_of(int32_t type, int32_t index);
at::TensorOptions options(int32_t dtype, int32_t device_type, int32_t device_index);

// All dims of `a` when the list is empty, else the list.
inline std::vector<int64_t> dims_or_all(const at::Tensor& a, const int64_t* dims, int32_t n) {
  if (n > 0) return ints(dims, n);
  std::vector<int64_t> all(static_cast<size_t>(a.dim()));
  for (int64_t i = 0; i < a.dim(); ++i) all[static_cast<size_t>(i)] = i;
  return all;
}

}  // namespace zsl

// Every ABI function body sits between ZSL_TRY and ZSL_CATCH(failure value).
#define ZSL_TRY try {
#define ZSL_CATCH(fail)                                 \
  }                                                     \
  catch (const c10::Error& e) {                         \
    zsl::set_error(__func__, e.what_without_backtrace()); \
    return fail;                                        \
  }                                                     \
  catch (const std::exception& e) {                     \
    zsl::set_error(__func__, e.what());                 \
    return fail;                                        \
  }                                                     \
  catch (...) {                                         \
    zsl::set_error(__func__, "unknown C++ exception");  \
    return fail;                                        \
  }

// Handle-returning op with a single expression body.
#define ZSL_OP(signature, expr)                   \
  ZSL_API zsl_tensor* signature {                 \
    ZSL_TRY return zsl::wrap(expr); ZSL_CATCH(nullptr) \
  }
// In-place op returning 0 / -1.
#define ZSL_INPLACE(signature, stmt)   \
  ZSL_API int32_t signature {          \
    ZSL_TRY stmt; return 0; ZSL_CATCH(-1) \
  }
