// malloc_tuning.cpp - keeps glibc from returning every large tensor buffer to the OS on free.
//
// libtorch's CPU allocator takes tensor storage from malloc. glibc serves requests above M_MMAP_THRESHOLD (128 KiB at
// start) with a fresh mmap and unmaps them on free, so every new activation of a few MiB page-faults its pages in again.
// A Python process escapes this because glibc raises the threshold dynamically after the first such free, on its main
// arena; in a .NET host the tensors come from per-thread arenas, the raise does not stick, and a LESA forward pass spent
// about two thirds of its time in page faults (measured 2026-11-28: 190-270 ms against 58-66 ms with the settings
// below; docs/engine.md). At load we fix the threshold at 32 MiB (glibc's own ceiling for the dynamic value, so buffers
// up to 32 MiB are reused from the heap) and the trim threshold at 64 MiB (the 2x glibc applies when it raises it).
// A user's own GLIBC_TUNABLES, or ZSLKIT_MALLOC_TUNING=0, leaves malloc as it is.
#include <cstdlib>
#include <cstring>

#include "zslnative.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

constexpr int64_t kMmapThreshold = 32LL * 1024 * 1024;
constexpr int64_t kTrimThreshold = 64LL * 1024 * 1024;

struct MallocTuning {
  bool applied = false;
  MallocTuning() {
#if defined(__GLIBC__)
    const char* opt_out = std::getenv("ZSLKIT_MALLOC_TUNING");
    if (opt_out != nullptr && std::strcmp(opt_out, "0") == 0) return;
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr) return;
    applied = mallopt(M_MMAP_THRESHOLD, static_cast<int>(kMmapThreshold)) == 1 &&
              mallopt(M_TRIM_THRESHOLD, static_cast<int>(kTrimThreshold)) == 1;
#endif
  }
};

const MallocTuning g_malloc_tuning;

}  // namespace

ZSL_API int32_t zsl_malloc_tuning(int64_t* mmap_threshold, int64_t* trim_threshold) {
  if (mmap_threshold != nullptr) *mmap_threshold = g_malloc_tuning.applied ? kMmapThreshold : 0;
  if (trim_threshold != nullptr) *trim_threshold = g_malloc_tuning.applied ? kTrimThreshold : 0;
  return g_malloc_tuning.applied ? 1 : 0;
}
