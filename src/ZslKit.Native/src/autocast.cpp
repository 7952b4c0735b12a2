// autocast.cpp - enter/exit of libtorch's autocast (mixed precision) for one device type, nesting-safe like Python's
// torch.autocast: the previous flag and dtype are saved and restored, the nesting counter is kept, and the cast cache is
// cleared when the outermost scope exits. libtorch keeps all of this per thread (dispatch-key TLS + thread_local dtype
// and nesting), so a scope only affects the thread that opened it.
//
// API difference (issue 2): libtorch 1.13 .. 2.3 have per-device functions (set_cpu_enabled / set_enabled for CUDA,
// set_autocast_cpu_dtype / set_autocast_gpu_dtype); 2.4 added the device-generic set_autocast_enabled(device, flag) /
// set_autocast_dtype(device, dtype) and deprecated the old names.
#include <ATen/autocast_mode.h>

#include "internal.h"

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define ZSL_AUTOCAST_DEVICE_GENERIC 1
#else
#define ZSL_AUTOCAST_DEVICE_GENERIC 0
#endif

namespace {

// Scopes opened through this ABI on the calling thread (libtorch's own counter has no getter).
thread_local int32_t t_depth = 0;

c10::DeviceType autocast_device(int32_t device_type) {
  if (device_type == 0) return c10::DeviceType::CPU;
  if (device_type == 1) return c10::DeviceType::CUDA;
  throw std::invalid_argument("unknown device type " + std::to_string(device_type) + " (0 = cpu, 1 = cuda)");
}

bool is_enabled(c10::DeviceType d) {
#if ZSL_AUTOCAST_DEVICE_GENERIC
  return at::autocast::is_autocast_enabled(d);
#else
  return d == c10::DeviceType::CPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
#endif
}

void set_enabled(c10::DeviceType d, bool on) {
#if ZSL_AUTOCAST_DEVICE_GENERIC
  at::autocast::set_autocast_enabled(d, on);
#else
  if (d == c10::DeviceType::CPU) at::autocast::set_cpu_enabled(on);
  else at::autocast::set_enabled(on);
#endif
}

at::ScalarType get_dtype(c10::DeviceType d) {
#if ZSL_AUTOCAST_DEVICE_GENERIC
  return at::autocast::get_autocast_dtype(d);
#else
  return d == c10::DeviceType::CPU ? at::autocast::get_autocast_cpu_dtype() : at::autocast::get_autocast_gpu_dtype();
#endif
}

void set_dtype(c10::DeviceType d, at::ScalarType t) {
#if ZSL_AUTOCAST_DEVICE_GENERIC
  at::autocast::set_autocast_dtype(d, t);
#else
  if (d == c10::DeviceType::CPU) at::autocast::set_autocast_cpu_dtype(t);
  else at::autocast::set_autocast_gpu_dtype(t);
#endif
}

void check_dtype(c10::DeviceType d, at::ScalarType t) {
  if (t != at::kBFloat16 && t != at::kHalf)
    throw std::invalid_argument(std::string("autocast dtype must be bfloat16 or float16, not ") + c10::toString(t));
#if TORCH_VERSION_MAJOR < 2
  if (d == c10::DeviceType::CPU && t != at::kBFloat16)
    throw std::invalid_argument("CPU autocast supports only bfloat16 in libtorch 1.x (float16 needs libtorch 2.x)");
#endif
}

}  // namespace

ZSL_API int32_t zsl_autocast_enter(int32_t device_type, int32_t dtype, int32_t enabled, zsl_autocast_state* saved) {
  ZSL_TRY
  if (saved == nullptr) throw std::invalid_argument("null state pointer");
  auto d = autocast_device(device_type);
  // A disabled CUDA scope touches no GPU state and is allowed everywhere (code written for both devices).
  if (d == c10::DeviceType::CUDA && enabled != 0 && !torch::cuda::is_available())
    throw std::runtime_error("CUDA autocast requested, but CUDA is not available (this libtorch has no CUDA support "
                             "or no GPU/driver is present)");
  auto prev_dtype = get_dtype(d);
  auto target = dtype < 0 ? prev_dtype : zsl::dtype_of(dtype);
  check_dtype(d, target);
  saved->device_type = device_type;
  saved->prev_enabled = is_enabled(d) ? 1 : 0;
  saved->prev_dtype = static_cast<int32_t>(prev_dtype);
  set_dtype(d, target);
  set_enabled(d, enabled != 0);
  at::autocast::increment_nesting();
  saved->depth = ++t_depth;
  return 0;
  ZSL_CATCH(-1)
}

ZSL_API int32_t zsl_autocast_exit(const zsl_autocast_state* saved) {
  ZSL_TRY
  if (saved == nullptr) throw std::invalid_argument("null state pointer");
  if (t_depth <= 0) throw std::logic_error("no autocast scope is open on this thread");
  if (saved->depth != t_depth)
    throw std::logic_error("autocast scopes must be exited in reverse order (exiting depth " + std::to_string(saved->depth) +
                           " while depth " + std::to_string(t_depth) + " is open)");
  auto d = autocast_device(saved->device_type);
  --t_depth;
  // Like torch.autocast.__exit__: the cached bf16/fp16 copies of leaf tensors die with the outermost scope.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set_enabled(d, saved->prev_enabled != 0);
  set_dtype(d, zsl::dtype_of(saved->prev_dtype));
  return 0;
  ZSL_CATCH(-1)
}

ZSL_API int32_t zsl_autocast_is_enabled(int32_t device_type) {
  ZSL_TRY return is_enabled(autocast_device(device_type)) ? 1 : 0;
  ZSL_CATCH(-1)
}

ZSL_API int32_t zsl_autocast_dtype(int32_t device_type) {
  ZSL_TRY return static_cast<int32_t>(get_dtype(autocast_device(device_type)));
  ZSL_CATCH(-1)
}

ZSL_API int32_t zsl_autocast_depth(void) { return t_depth; }
