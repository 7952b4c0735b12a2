// runtime.cpp - ABI version, per-thread errors, the live-handle counter, devices, seeds, grad mode, inspection,
// raw data in/out and autograd entry points.
#include <cstring>
#include <sstream>

#include "internal.h"

#include <ATen/detail/CUDAHooksInterface.h>
#ifdef ZSL_CUDA_STATS
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace zsl {

std::atomic<int64_t> g_live{0};
thread_local std::string g_last_error;
thread_local std::string g_text;

void set_error(const char* fn, const char* msg) {
  std::string name = fn ? fn : "?";
  if (name.rfind("zsl_", 0) == 0) name = name.substr(4);
  // c10::Error::what_without_backtrace() keeps libtorch's message without the C++ stack trace.
  g_last_error = name + ": " + (msg ? msg : "(no message)");
}

at::ScalarType dtype_of(int32_t code) {
  switch (code) {
    case 0: return at::kByte;
    case 1: return at::kChar;
    case 2: return at::kShort;
    case 3: return at::kInt;
    case 4: return at::kLong;
    case 5: return at::kHalf;
    case 6: return at::kFloat;
    case 7: return at::kDouble;
    case 11: return at::kBool;
    case 15: return at::kBFloat16;
    default: throw std::invalid_argument("unsupported dtype code " + std::to_string(code));
  }
}

c10::Device device_of(int32_t type, int32_t index) {
  if (type == 0) return c10::Device(c10::kCPU);
  if (type == 1) {
    if (!torch::cuda::is_available())
      throw std::runtime_error("CUDA is not available (this libtorch has no CUDA support or no GPU/driver is present)");
    return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(index < 0 ? 0 : index));
  }
  throw std::invalid_argument("unknown device type " + std::to_string(type));
}

at::TensorOptions options(int32_t dtype, int32_t device_type, int32_t device_index) {
  auto o = at::TensorOptions().dtype(dtype < 0 ? at::kFloat : dtype_of(dtype));
  return o.device(device_of(device_type, device_index));
}

}  // namespace zsl

using zsl::T;
using zsl::wrap;

ZSL_API int32_t zsl_abi_version(void) { return ZSL_ABI_VERSION; }
ZSL_API const char* zsl_last_error(void) { return zsl::g_last_error.c_str(); }
ZSL_API void zsl_torch_version(int32_t* major, int32_t* minor, int32_t* patch) {
  if (major) *major = TORCH_VERSION_MAJOR;
  if (minor) *minor = TORCH_VERSION_MINOR;
  if (patch) *patch = TORCH_VERSION_PATCH;
}
ZSL_API int64_t zsl_live_tensors(void) { return zsl::g_live.load(std::memory_order_relaxed); }
ZSL_API void zsl_free(zsl_tensor* t) {
  if (t == nullptr) return;
  delete t;
  zsl::g_live.fetch_sub(1, std::memory_order_relaxed);
}

ZSL_API int32_t zsl_cuda_is_available(void) {
  ZSL_TRY return torch::cuda::is_available() ? 1 : 0;
  ZSL_CATCH(0)
}
ZSL_API int32_t zsl_cuda_device_count(void) {
  ZSL_TRY return static_cast<int32_t>(torch::cuda::device_count());
  ZSL_CATCH(0)
}
ZSL_API int32_t zsl_cuda_synchronize(int32_t device_index) {
  ZSL_TRY
  if (!torch::cuda::is_available()) throw std::runtime_error("CUDA is not available");
  torch::cuda::synchronize(device_index);
  return 0;
  ZSL_CATCH(-1)
}
#ifdef ZSL_CUDA_STATS
namespace {
c10::DeviceIndex cuda_index(int32_t device_index) {
  if (!torch::cuda::is_available()) throw std::runtime_error("CUDA is not available");
  return device_index < 0 ? c10::cuda::current_device() : static_cast<c10::DeviceIndex>(device_index);
}
}  // namespace
#endif
ZSL_API int32_t zsl_cuda_max_memory_allocated(int32_t device_index, int64_t* bytes) {
  ZSL_TRY
  if (bytes == nullptr) throw std::invalid_argument("null output pointer");
#ifdef ZSL_CUDA_STATS
  auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(cuda_index(device_index));
  *bytes = stats.allocated_bytes[0].peak;  // index 0 = StatType::AGGREGATE
  return 0;
#else
  throw std::runtime_error("this shim was built without CUDA memory statistics (a CPU libtorch, or ZSL_CUDA_STATS=OFF)");
#endif
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_cuda_reset_peak_memory_stats(int32_t device_index) {
  ZSL_TRY
#ifdef ZSL_CUDA_STATS
  c10::cuda::CUDACachingAllocator::resetPeakStats(cuda_index(device_index));
  return 0;
#else
  throw std::runtime_error("this shim was built without CUDA memory statistics (a CPU libtorch, or ZSL_CUDA_STATS=OFF)");
#endif
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_cuda_runtime_version(void) {
  try {
    return static_cast<int32_t>(at::detail::getCUDAHooks().versionCUDART());
  } catch (...) {
    return 0;  // CPU-only libtorch: the stub hooks throw
  }
}
ZSL_API int32_t zsl_manual_seed(uint64_t seed) {
  ZSL_TRY torch::manual_seed(seed);
  return 0;
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_set_num_threads(int32_t n) {
  ZSL_TRY
  if (n < 1) throw std::invalid_argument("number of threads must be >= 1");
  at::set_num_threads(n);
  return 0;
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_get_num_threads(void) { return at::get_num_threads(); }
ZSL_API int32_t zsl_is_grad_enabled(void) { return at::GradMode::is_enabled() ? 1 : 0; }
ZSL_API int32_t zsl_set_grad_enabled(int32_t enabled) {
  bool prev = at::GradMode::is_enabled();
  at::GradMode::set_enabled(enabled != 0);
  return prev ? 1 : 0;
}

// ---------------------------------------------------------------- inspection
ZSL_API int32_t zsl_dim(const zsl_tensor* t) {
  ZSL_TRY return static_cast<int32_t>(T(t).dim());
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_shape(const zsl_tensor* t, int64_t* out, int32_t cap) {
  ZSL_TRY
  const auto& a = T(t);
  auto n = static_cast<int32_t>(a.dim());
  for (int32_t i = 0; i < n && i < cap; ++i) out[i] = a.size(i);
  return n;
  ZSL_CATCH(-1)
}
ZSL_API int64_t zsl_numel(const zsl_tensor* t) {
  ZSL_TRY return T(t).numel();
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_dtype(const zsl_tensor* t) {
  ZSL_TRY return static_cast<int32_t>(T(t).scalar_type());
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_device(const zsl_tensor* t, int32_t* type, int32_t* index) {
  ZSL_TRY
  auto d = T(t).device();
  *type = d.is_cuda() ? 1 : 0;
  *index = d.has_index() ? d.index() : -1;
  return 0;
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_requires_grad(const zsl_tensor* t) {
  ZSL_TRY return T(t).requires_grad() ? 1 : 0;
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_set_requires_grad(const zsl_tensor* t, int32_t flag) {
  ZSL_TRY
  // set_requires_grad is logically const on the handle: the flag lives in the shared autograd meta.
  const_cast<at::Tensor&>(T(t)).set_requires_grad(flag != 0);
  return 0;
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_is_leaf(const zsl_tensor* t) {
  ZSL_TRY return T(t).is_leaf() ? 1 : 0;
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_grad(const zsl_tensor* t, zsl_tensor** out) {
  ZSL_TRY
  const auto& g = T(t).grad();
  *out = g.defined() ? wrap(g) : nullptr;
  return 0;
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_set_grad(const zsl_tensor* t, const zsl_tensor* grad) {
  ZSL_TRY
  auto& a = const_cast<at::Tensor&>(T(t));
  a.mutable_grad() = grad ? T(grad) : at::Tensor();
  return 0;
  ZSL_CATCH(-1)
}
ZSL_API int32_t zsl_backward(const zsl_tensor* t, const zsl_tensor* grad, int32_t retain_graph, int32_t create_graph) {
  ZSL_TRY
  at::Tensor g = grad ? T(grad) : at::Tensor();
  T(t).backward(g, retain_graph ? c10::optional<bool>(true) : c10::nullopt, create_graph != 0);
  return 0;
  ZSL_CATCH(-1)
}

// ---------------------------------------------------------------- raw data
ZSL_API zsl_tensor* zsl_from_data(const void* data, int64_t nbytes, int32_t dtype, const int64_t* shape, int32_t ndim,
                                  int32_t device_type, int32_t device_index, int32_t requires_grad) {
  ZSL_TRY
  auto st = zsl::dtype_of(dtype);
  auto sh = zsl::ints(shape, ndim);
  int64_t numel = 1;
  for (auto s : sh) {
    if (s < 0) throw std::invalid_argument("negative dimension in shape");
    numel *= s;
  }
  auto expected = numel * static_cast<int64_t>(c10::elementSize(st));
  if (expected != nbytes)
    throw std::invalid_argument("data holds " + std::to_string(nbytes) + " bytes, shape needs " + std::to_string(expected));
  if (nbytes > 0 && data == nullptr) throw std::invalid_argument("null data pointer");
  auto t = at::empty(sh, at::TensorOptions().dtype(st));
  if (nbytes > 0) std::memcpy(t.data_ptr(), data, static_cast<size_t>(nbytes));
  auto dev = zsl::device_of(device_type, device_index);
  if (!dev.is_cpu()) t = t.to(dev);
  if (requires_grad) t.set_requires_grad(true);
  return wrap(std::move(t));
  ZSL_CATCH(nullptr)
}

ZSL_API int32_t zsl_copy_to(const zsl_tensor* t, void* buf, int64_t nbytes) {
  ZSL_TRY
  auto c = T(t).detach().to(at::kCPU).contiguous();
  auto have = c.numel() * static_cast<int64_t>(c.element_size());
  if (have != nbytes)
    throw std::invalid_argument("buffer holds " + std::to_string(nbytes) + " bytes, tensor has " + std::to_string(have));
  if (nbytes > 0) std::memcpy(buf, c.data_ptr(), static_cast<size_t>(nbytes));
  return 0;
  ZSL_CATCH(-1)
}

ZSL_API const char* zsl_to_string(const zsl_tensor* t) {
  ZSL_TRY
  std::ostringstream os;
  os << T(t);
  zsl::g_text = os.str();
  return zsl::g_text.c_str();
  ZSL_CATCH(nullptr)
}
