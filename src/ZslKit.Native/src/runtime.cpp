// runtime.cpp - ABI version and the per-thread last-error string.
#include <torch/torch.h>

#include <string>

#include "zslnative.h"

namespace {
thread_local std::string g_last_error;
}

ZSL_API int32_t zsl_abi_version(void) { return ZSL_ABI_VERSION; }
ZSL_API const char* zsl_last_error(void) { return g_last_error.c_str(); }
