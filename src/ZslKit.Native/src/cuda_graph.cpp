// cuda_graph.cpp - CUDA graphs (ABI 10): record the kernels of a piece of work once (capture) and launch them again as
// one graph (replay), which removes the per-kernel launch cost of small, launch-bound steps such as a LESA training step.
// Semantics follow torch.cuda.CUDAGraph / torch.cuda.graph: capture runs on a side stream of the graph (never the
// default stream), memory allocated during capture comes from the graph's private pool and is reused by every replay,
// and a replay reads and writes the same tensors (static inputs and outputs) as the captured work did.
// Compiled with ZSL_CUDA_GRAPHS (CMake: a CUDA libtorch and the CUDA toolkit headers); otherwise every call returns an
// error saying so, like a CPU libtorch.
#include "internal.h"

#ifdef ZSL_CUDA_GRAPHS
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <optional>

struct zsl_cuda_graph {
  explicit zsl_cuda_graph(c10::DeviceIndex d) : device(d), side(c10::cuda::getStreamFromPool(false, d)) {}
  c10::DeviceIndex device;
  c10::cuda::CUDAStream side;                          // capture (and warm-up) stream
  std::optional<c10::cuda::CUDAStreamGuard> guard;    // set between stream_enter and stream_exit
  at::cuda::CUDAGraph graph;
  bool capturing = false;
  bool captured = false;
};

namespace {
zsl_cuda_graph* G(zsl_cuda_graph* g) {
  if (g == nullptr) throw std::invalid_argument("null CUDA graph handle");
  return g;
}
}  // namespace

ZSL_API zsl_cuda_graph* zsl_cuda_graph_new(int32_t device_index) {
  ZSL_TRY
  if (!torch::cuda::is_available()) throw std::runtime_error("CUDA is not available");
  auto d = device_index < 0 ? c10::cuda::current_device() : static_cast<c10::DeviceIndex>(device_index);
  if (d >= static_cast<c10::DeviceIndex>(torch::cuda::device_count()))
    throw std::invalid_argument("cuda:" + std::to_string(d) + " does not exist");
  return new zsl_cuda_graph(d);
  ZSL_CATCH(nullptr)
}

ZSL_API int32_t zsl_cuda_graph_stream_enter(zsl_cuda_graph* g) {
  ZSL_TRY
  G(g);
  if (g->guard) throw std::logic_error("already on the graph's stream");
  // The side stream first waits for everything queued on the current stream (the inputs of the work to come).
  auto current = c10::cuda::getCurrentCUDAStream(g->device);
  at::cuda::CUDAEvent ready;
  ready.record(current);
  ready.block(g->side);
  g->guard.emplace(g->side);
  return 0;
  ZSL_CATCH(-1)
}

ZSL_API int32_t zsl_cuda_graph_stream_exit(zsl_cuda_graph* g) {
  ZSL_TRY
  G(g);
  if (!g->guard) throw std::logic_error("not on the graph's stream");
  if (g->capturing) throw std::logic_error("capture still open: end it before leaving the graph's stream");
  g->guard.reset();
  // The restored stream waits for the side stream's work before anything queued after this call.
  auto current = c10::cuda::getCurrentCUDAStream(g->device);
  at::cuda::CUDAEvent done;
  done.record(g->side);
  done.block(current);
  return 0;
  ZSL_CATCH(-1)
}

ZSL_API int32_t zsl_cuda_graph_capture_begin(zsl_cuda_graph* g) {
  ZSL_TRY
  G(g);
  if (!g->guard) throw std::logic_error("capture must run on the graph's stream (stream_enter first)");
  if (g->captured || g->capturing) throw std::logic_error("this graph has already been captured");
  g->graph.capture_begin();
  g->capturing = true;
  return 0;
  ZSL_CATCH(-1)
}

ZSL_API int32_t zsl_cuda_graph_capture_end(zsl_cuda_graph* g) {
  ZSL_TRY
  G(g);
  if (!g->capturing) throw std::logic_error("no capture in progress");
  g->capturing = false;   // a failed capture_end leaves the graph unusable either way
  g->graph.capture_end();
  g->captured = true;
  return 0;
  ZSL_CATCH(-1)
}

ZSL_API int32_t zsl_cuda_graph_replay(zsl_cuda_graph* g) {
  ZSL_TRY
  G(g);
  if (!g->captured) throw std::logic_error("nothing captured yet");
  g->graph.replay();
  return 0;
  ZSL_CATCH(-1)
}

ZSL_API void zsl_cuda_graph_free(zsl_cuda_graph* g) {
  try {
    if (g == nullptr) return;
    if (g->capturing) {
      try { g->graph.capture_end(); } catch (...) {}
    }
    g->guard.reset();
    delete g;
  } catch (...) {
  }
}

ZSL_API int32_t zsl_cuda_graphs_available(void) { return torch::cuda::is_available() ? 1 : 0; }

#else

struct zsl_cuda_graph {};

namespace {
constexpr const char* kNoGraphs = "this shim was built without CUDA graphs (a CPU libtorch, or ZSL_CUDA_GRAPHS=OFF)";
}

ZSL_API zsl_cuda_graph* zsl_cuda_graph_new(int32_t) {
  zsl::set_error(__func__, kNoGraphs);
  return nullptr;
}
ZSL_API int32_t zsl_cuda_graph_stream_enter(zsl_cuda_graph*) { zsl::set_error(__func__, kNoGraphs); return -1; }
ZSL_API int32_t zsl_cuda_graph_stream_exit(zsl_cuda_graph*) { zsl::set_error(__func__, kNoGraphs); return -1; }
ZSL_API int32_t zsl_cuda_graph_capture_begin(zsl_cuda_graph*) { zsl::set_error(__func__, kNoGraphs); return -1; }
ZSL_API int32_t zsl_cuda_graph_capture_end(zsl_cuda_graph*) { zsl::set_error(__func__, kNoGraphs); return -1; }
ZSL_API int32_t zsl_cuda_graph_replay(zsl_cuda_graph*) { zsl::set_error(__func__, kNoGraphs); return -1; }
ZSL_API void zsl_cuda_graph_free(zsl_cuda_graph*) {}
ZSL_API int32_t zsl_cuda_graphs_available(void) { return 0; }

#endif
