/* zslnative_image.h - JPEG/PNG decoding to 8-bit RGB (libjpeg-turbo, libpng) for the image pipeline
 * (src/ZslKit/Data/Images). Status functions return 0 on success, non-zero on failure with zsl_last_error() set. */
#pragma once
#include "zslnative.h"

/* Width and height of a JPEG or PNG held in memory (format from the magic bytes). */
ZSL_API int32_t zsl_image_size(const uint8_t* data, int64_t length, int32_t* width, int32_t* height);

/* Decodes to row-major RGB (height x width x 3 bytes) into `out` (out_length must be exactly that). Grayscale and
 * palette images are expanded to RGB; an alpha channel is dropped (as PIL's convert("RGB")). JPEG: libjpeg defaults
 * (islow DCT, fancy upsampling), i.e. what PIL produces with the same libjpeg. */
ZSL_API int32_t zsl_image_decode_rgb(const uint8_t* data, int64_t length, uint8_t* out, int64_t out_length);
