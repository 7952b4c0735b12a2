#!/usr/bin/env bash
# run.sh (runs ON THE GPU MACHINE via the device tool; also end to end on a CPU machine for testing): builds the shim
# against that machine's Python torch, unpacks the self-contained `zsl` made by pack.sh, runs `zsl selftest` and the
# benchmarks (lesa-step and lesa-infer with the PyTorch twin, lesa-epoch), and writes everything under $OUT.
#   environment/gpu/run.sh                      (device tool: carry ["artifacts/gpu/zsl-linux-x64.tar.xz"]; docs/gpu.md)
#   OUT=/tmp/gpu-out ZSL_TORCH_PYTHON=/usr/bin/python3 environment/gpu/run.sh      (here, CPU)
# Environment: OUT (default artifacts/gpu/out), ZSL_TORCH_PYTHON (default python3), ZSL_DEVICE (cuda|cpu; default: cuda
# when that torch sees a GPU), ZSL_BENCH_REPS (default 5). Needs CMake and a C++17 compiler (nvcc for CUDA torch), no .NET,
# no network. Exit code: 0 when every step succeeded; 1 otherwise (later steps still run). Budget: < 8 min on a GPU.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
OUT=${OUT:-$root/artifacts/gpu/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
exec > >(tee -a "$OUT/run.log") 2>&1
py=${ZSL_TORCH_PYTHON:-python3}
reps=${ZSL_BENCH_REPS:-5}
status=0
t_start=$(date +%s)
step() { echo; echo "=== [$(( $(date +%s) - t_start )) s] $*"; }
fail() { echo "run.sh: FAILED: $*"; status=1; }

step "machine"
date -u +%Y-%m-%dT%H:%M:%SZ
uname -a
nproc
command -v nvidia-smi >/dev/null && nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 && cat "$OUT/nvidia-smi.txt"
"$py" - <<'PY' | tee "$OUT/torch.json"
import json, torch
print(json.dumps(dict(torch=torch.__version__, cuda=torch.version.cuda, cuda_available=torch.cuda.is_available(),
                      device=torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
                      cmake_prefix=torch.utils.cmake_prefix_path)))
PY
[ "${PIPESTATUS[0]}" = 0 ] || { fail "$py cannot import torch"; exit 1; }
device=${ZSL_DEVICE:-$("$py" -c 'import torch;print("cuda" if torch.cuda.is_available() else "cpu")')}
echo "device: $device"

step "shim: build against $py's torch"
build=$root/artifacts/gpu/native-build
prefix=$("$py" -c 'import torch;print(torch.utils.cmake_prefix_path)')
cmake_args=(-DCMAKE_BUILD_TYPE=Release)
if [ -f "$prefix/Torch/TorchConfig.cmake" ]; then
  cmake_args+=(-DCMAKE_PREFIX_PATH="$prefix")
  torchlib=$("$py" -c 'import torch,os;print(os.path.join(os.path.dirname(torch.__file__),"lib"))')
  export LD_LIBRARY_PATH=$torchlib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
else
  echo "note: $prefix has no TorchConfig.cmake (Debian python3-torch): building against the system libtorch instead"
fi
command -v ninja >/dev/null && cmake_args+=(-G Ninja)
configure() { rm -rf "$build"; cmake -S src/ZslKit.Native -B "$build" "${cmake_args[@]}" "$@" > "$OUT/shim-configure.log" 2>&1; }
# A warm machine keeps ignored build outputs between calls: reconfigure only for another torch (then the build is incremental).
if [ -f "$build/CMakeCache.txt" ] && [ "$(cat "$build/.prefix" 2>/dev/null)" = "$prefix" ]; then
  echo "reusing $build (same torch)"
else
  if ! configure; then
    echo "configure failed (see shim-configure.log); retrying without image decoding (libjpeg/libpng missing?)"
    tail -5 "$OUT/shim-configure.log"
    configure -DZSL_WITH_IMAGES=OFF || { tail -30 "$OUT/shim-configure.log"; fail "cmake configure"; exit 1; }
  fi
  echo "$prefix" > "$build/.prefix"
  grep -E "zslnative:|CUDA" "$OUT/shim-configure.log" | head -10
fi
t_build=$(date +%s)
if ! cmake --build "$build" -j "$(nproc)" > "$OUT/shim-build.log" 2>&1; then
  tail -40 "$OUT/shim-build.log"; fail "shim build"; exit 1
fi
echo "shim built in $(( $(date +%s) - t_build )) s"
export ZSLKIT_NATIVE=$build/libzslnative.so
ldd "$ZSLKIT_NATIVE" | grep -E "torch|c10|cuda|not found" | head -10

step "app: unpack the self-contained zsl"
tarball=$root/artifacts/gpu/zsl-linux-x64.tar.xz
app=$root/artifacts/gpu/app
[ -f "$tarball" ] || { fail "$tarball missing: run environment/gpu/pack.sh and carry it"; exit 1; }
rm -rf "$app"; mkdir -p "$app"
if command -v xz >/dev/null; then tar -C "$app" -xJf "$tarball"; else "$py" -c "import tarfile,sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$tarball" "$app"; fi
chmod +x "$app/zsl"
export ZSLKIT_COMMIT=$(cat "$app/COMMIT" 2>/dev/null || echo unknown)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ "$device" = cuda ] && command -v nvidia-smi >/dev/null; then
  export ZSLKIT_DEVICE_NAME=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
fi
"$app/zsl" info || fail "zsl info"

step "selftest on $device"
timeout 300 "$app/zsl" selftest --device "$device" --json "$OUT/selftest.json" || fail "selftest"

# Shapes: the issue's defaults on a GPU (lesa-step: B 32, 196x512, M 10, 925 labels, 5 steps/rep); reduced on a CPU so that the script stays a quick end-to-end check there.
if [ "$device" = cuda ]; then
  stepset=(); infer=(--set images=4096); epoch=(--set images=8192 --set prefetch=8); threads=()
else
  stepset=(--set steps=1 --set batch=8); infer=(--set images=64 --set labels=1006); epoch=(--set images=96); threads=(--threads "$(nproc)")
fi
bench() {   # bench NAME ARGS...: one target, JSON to $OUT/bench-NAME.json
  local name=$1; shift
  step "bench $name on $device"
  timeout 240 "$app/zsl" bench "$name" --device "$device" --reps "$reps" --warmup 2 "${threads[@]}" --json "$OUT/bench-$name.json" "$@" ||
    fail "bench $name"
}
bench lesa-step --twin --python "$py" "${stepset[@]}"
bench lesa-infer --twin --python "$py" "${infer[@]}"
bench lesa-epoch "${epoch[@]}"
step "bench lesa-epoch through the Trainer, prefetch 2 vs off, on $device"; timeout 240 "$app/zsl" bench lesa-epoch --device "$device" --reps "$reps" --warmup 2 "${threads[@]}" --json "$OUT/bench-lesa-epoch-trainer.json" "${epoch[@]}" --set prefetch-trainer=2 || fail "bench lesa-epoch trainer"

step "done in $(( $(date +%s) - t_start )) s, status $status"
ls -la "$OUT"
exit $status
