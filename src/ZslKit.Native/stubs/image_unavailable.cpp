// image_unavailable.cpp - compiled instead of src/image.cpp when the shim is configured with -DZSL_WITH_IMAGES=OFF (a
// machine without libjpeg/libpng headers, e.g. the GPU machine): the image ABI exists and returns a clear error.
#include "../src/internal.h"
#include "zslnative_image.h"

namespace {
constexpr const char* kMessage = "this shim was built without image decoding (-DZSL_WITH_IMAGES=OFF: libjpeg/libpng were not available)";
}

ZSL_API int32_t zsl_image_size(const uint8_t*, int64_t, int32_t*, int32_t*) {
  zsl::set_error(__func__, kMessage);
  return 1;
}

ZSL_API int32_t zsl_image_decode_rgb(const uint8_t*, int64_t, uint8_t*, int64_t) {
  zsl::set_error(__func__, kMessage);
  return 1;
}
