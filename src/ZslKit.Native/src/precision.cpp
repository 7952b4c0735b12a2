// precision.cpp - process-wide float32 precision switches of libtorch (ABI 11): the float32 matmul precision
// (torch.set_float32_matmul_precision: "highest" = IEEE float32, "high" = TF32 tensor cores for cuBLAS matmuls on
// Ampere and later, which is torch.backends.cuda.matmul.allow_tf32 = True, "medium" = may use bfloat16) and cuDNN's TF32
// switch (torch.backends.cudnn.allow_tf32, on by default in libtorch as in PyTorch).
//
// API difference: libtorch 1.13 .. 2.11 all have Context::setFloat32MatmulPrecision(const std::string&),
// float32MatmulPrecision() and allowTF32CuDNN() / setAllowTF32CuDNN(bool); newer releases add per-backend
// setFloat32Precision and keep these as the "legacy" API. Only the legacy API is used here, so the two never mix (newer
// libtorch refuses to read a state set through both). On a CPU-only libtorch the values are kept and change nothing.
// Built with -DZSL_PRECISION=OFF (environment/gpu/run.sh, when this file fails to compile against a libtorch), every call
// returns an error.
#include <ATen/Context.h>

#include "internal.h"

#ifndef ZSL_PRECISION
namespace {
[[noreturn]] void unavailable() {
  throw std::runtime_error("this shim was built without the float32 precision controls (ZSL_PRECISION=OFF)");
}
}  // namespace
#endif

ZSL_API int32_t zsl_get_float32_matmul_precision(void) {
  ZSL_TRY
#ifdef ZSL_PRECISION
  switch (at::globalContext().float32MatmulPrecision()) {
    case at::Float32MatmulPrecision::HIGHEST:
      return 0;
    case at::Float32MatmulPrecision::HIGH:
      return 1;
    case at::Float32MatmulPrecision::MEDIUM:
      return 2;
  }
  throw std::runtime_error("libtorch reports an unknown float32 matmul precision");
#else
  unavailable();
#endif
  ZSL_CATCH(-1)
}

ZSL_API int32_t zsl_set_float32_matmul_precision(int32_t precision) {
  ZSL_TRY
#ifdef ZSL_PRECISION
  static const char* const names[] = {"highest", "high", "medium"};
  if (precision < 0 || precision > 2)
    throw std::invalid_argument("precision " + std::to_string(precision) + " (0 = highest, 1 = high, 2 = medium)");
  at::globalContext().setFloat32MatmulPrecision(std::string(names[precision]));
  return 0;
#else
  unavailable();
#endif
  ZSL_CATCH(-1)
}

ZSL_API int32_t zsl_get_allow_tf32_cudnn(void) {
  ZSL_TRY
#ifdef ZSL_PRECISION
  return at::globalContext().allowTF32CuDNN() ? 1 : 0;
#else
  unavailable();
#endif
  ZSL_CATCH(-1)
}

ZSL_API int32_t zsl_set_allow_tf32_cudnn(int32_t allow) {
  ZSL_TRY
#ifdef ZSL_PRECISION
  at::globalContext().setAllowTF32CuDNN(allow != 0);
  return 0;
#else
  unavailable();
#endif
  ZSL_CATCH(-1)
}
