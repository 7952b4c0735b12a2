// image.cpp - JPEG (libjpeg-turbo, setjmp error manager so corrupt data returns an error instead of exiting) and PNG
// (libpng simplified API) decoding to 8-bit RGB. Does not include libtorch.
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#include "zslnative_image.h"

namespace zsl {
void set_error(const char* fn, const char* msg);
}

namespace {

constexpr int64_t kMaxPixels = int64_t{1} << 28;  // 268 M pixels: refuse larger images before allocating

bool is_jpeg(const uint8_t* d, int64_t n) { return n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF; }
bool is_png(const uint8_t* d, int64_t n) { return n >= 8 && std::memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0; }

struct JpegError {
  jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool premature_end;  // JWRN_JPEG_EOF: libjpeg padded missing data (PIL: "image file is truncated")
};

void jpeg_fail(j_common_ptr c) {
  auto* e = reinterpret_cast<JpegError*>(c->err);
  (*c->err->format_message)(c, e->message);
  longjmp(e->jump, 1);
}

void jpeg_quiet(j_common_ptr) {}

void jpeg_emit(j_common_ptr c, int level) {
  if (level < 0 && c->err->msg_code == JWRN_JPEG_EOF) reinterpret_cast<JpegError*>(c->err)->premature_end = true;
}

// Decodes (out != nullptr) or only reads the header. No C++ objects with destructors live across setjmp.
int jpeg_run(const char* fn, const uint8_t* data, int64_t length, int32_t* width, int32_t* height, uint8_t* out, int64_t out_length) {
  jpeg_decompress_struct cinfo;
  JpegError err;
  std::memset(&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = jpeg_fail;
  err.pub.output_message = jpeg_quiet;
  err.pub.emit_message = jpeg_emit;
  err.premature_end = false;
  unsigned char* row = nullptr;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    std::free(row);
    char msg[JMSG_LENGTH_MAX + 32];
    std::snprintf(msg, sizeof msg, "JPEG: %s", err.message);
    zsl::set_error(fn, msg);
    return 1;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, const_cast<unsigned char*>(data), static_cast<unsigned long>(length));
  jpeg_read_header(&cinfo, TRUE);
  if (width) *width = static_cast<int32_t>(cinfo.image_width);
  if (height) *height = static_cast<int32_t>(cinfo.image_height);
  if (out == nullptr) {
    jpeg_destroy_decompress(&cinfo);
    return 0;
  }
  if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
    jpeg_destroy_decompress(&cinfo);
    zsl::set_error(fn, "JPEG: CMYK/YCCK images are not supported");
    return 1;
  }
  cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  const int64_t stride = int64_t{cinfo.output_width} * 3;
  if (cinfo.output_components != 3 || stride * cinfo.output_height != out_length) {
    jpeg_destroy_decompress(&cinfo);
    zsl::set_error(fn, "JPEG: output buffer size does not match width x height x 3");
    return 1;
  }
  row = static_cast<unsigned char*>(std::malloc(static_cast<size_t>(stride)));
  while (cinfo.output_scanline < cinfo.output_height) {
    JSAMPROW rows[1] = {row};
    const int64_t y = cinfo.output_scanline;
    if (jpeg_read_scanlines(&cinfo, rows, 1) != 1) break;
    std::memcpy(out + y * stride, row, static_cast<size_t>(stride));
  }
  const bool truncated = err.premature_end;
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  std::free(row);
  if (truncated) {
    zsl::set_error(fn, "JPEG: corrupt or truncated data (libjpeg warning)");
    return 1;
  }
  return 0;
}

int png_run(const char* fn, const uint8_t* data, int64_t length, int32_t* width, int32_t* height, uint8_t* out, int64_t out_length) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, data, static_cast<size_t>(length))) {
    std::string msg = std::string("PNG: ") + image.message;
    zsl::set_error(fn, msg.c_str());
    return 1;
  }
  if (width) *width = static_cast<int32_t>(image.width);
  if (height) *height = static_cast<int32_t>(image.height);
  if (out == nullptr) {
    png_image_free(&image);
    return 0;
  }
  const int64_t pixels = int64_t{image.width} * image.height;
  if (pixels * 3 != out_length) {
    png_image_free(&image);
    zsl::set_error(fn, "PNG: output buffer size does not match width x height x 3");
    return 1;
  }
  image.format = PNG_FORMAT_RGBA;  // 8-bit, not premultiplied; alpha dropped below (PIL's convert("RGB"))
  std::vector<uint8_t> rgba(static_cast<size_t>(pixels) * 4);
  if (!png_image_finish_read(&image, nullptr, rgba.data(), 0, nullptr)) {
    std::string msg = std::string("PNG: ") + image.message;
    png_image_free(&image);
    zsl::set_error(fn, msg.c_str());
    return 1;
  }
  for (int64_t i = 0; i < pixels; ++i) std::memcpy(out + 3 * i, rgba.data() + 4 * i, 3);
  return 0;
}

int dispatch(const char* fn, const uint8_t* data, int64_t length, int32_t* width, int32_t* height, uint8_t* out, int64_t out_length) {
  if (data == nullptr || length <= 0) {
    zsl::set_error(fn, "empty input");
    return 1;
  }
  if (is_jpeg(data, length)) return jpeg_run(fn, data, length, width, height, out, out_length);
  if (is_png(data, length)) return png_run(fn, data, length, width, height, out, out_length);
  zsl::set_error(fn, "not a JPEG or PNG file (unknown magic bytes)");
  return 1;
}

}  // namespace

ZSL_API int32_t zsl_image_size(const uint8_t* data, int64_t length, int32_t* width, int32_t* height) {
  try {
    int32_t w = 0, h = 0;
    if (dispatch(__func__, data, length, &w, &h, nullptr, 0) != 0) return 1;
    if (w <= 0 || h <= 0 || int64_t{w} * h > kMaxPixels) {
      zsl::set_error(__func__, "image dimensions are zero or exceed 2^28 pixels");
      return 1;
    }
    *width = w;
    *height = h;
    return 0;
  } catch (const std::exception& e) {
    zsl::set_error(__func__, e.what());
    return 1;
  }
}

ZSL_API int32_t zsl_image_decode_rgb(const uint8_t* data, int64_t length, uint8_t* out, int64_t out_length) {
  try {
    if (out == nullptr) {
      zsl::set_error(__func__, "null output buffer");
      return 1;
    }
    return dispatch(__func__, data, length, nullptr, nullptr, out, out_length);
  } catch (const std::exception& e) {
    zsl::set_error(__func__, e.what());
    return 1;
  }
}
