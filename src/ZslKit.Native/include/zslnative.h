// zslnative.h - the C ABI of ZslKit's libtorch shim. See README.md beside this folder for the conventions.
#pragma once
#include <stdint.h>

#define ZSL_API extern "C" __attribute__((visibility("default")))

// Bumped whenever a signature or a convention changes; ZslKit.Torch refuses to run against another value.
#define ZSL_ABI_VERSION 1

ZSL_API int32_t zsl_abi_version(void);
ZSL_API const char* zsl_last_error(void);
