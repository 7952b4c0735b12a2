#!/usr/bin/env bash
# run.sh (runs ON THE GPU MACHINE via the device tool; also end to end on a CPU machine for testing): builds the shim
# against that machine's Python torch, unpacks the self-contained `zsl` and test apps made by pack.sh, runs `zsl selftest`,
# the GPU-tagged xunit tests of ZslKit.Torch.Tests and ZslKit.Tests, the benchmarks (lesa-step and lesa-infer with the
# PyTorch twin, lesa-epoch, and on CUDA also graph, TF32 and fold=off variants, lesa-oi-test, lesa-eval, backbone-forward,
# image-transform and `zsl extract` beside torchvision) and notebooks (on CUDA, notebook 01 in full mode by default), and
# writes $OUT/run.log and $OUT/results.tar (selftest.json, tests-*.{xml,trx,log}, bench-*.json, bench-table.md,
# extract.txt, extract-zsl-*.log, notebooks/, ncu-*.csv and ncu-summary.jsonl with ZSL_KERNELS=1, torch.json,
# nvidia-smi.txt, shim logs).
#   environment/gpu/run.sh                      (device tool: carry ["artifacts/gpu/zsl-linux-x64.tar.xz"]; docs/gpu.md)
#   OUT=/tmp/gpu-out ZSL_TORCH_PYTHON=/usr/bin/python3 environment/gpu/run.sh      (here, CPU)
#   OUT=/tmp/gpu-out ZSL_TORCH_PYTHON=/usr/bin/python3 ZSL_SHIM=artifacts/native/libzslnative.so ZSL_STANDARD=0 environment/gpu/run.sh
#                                               (here, CPU dry run: no shim build, no benches; app, selftest, tests)
# Environment: OUT (default artifacts/gpu/out), ZSL_TORCH_PYTHON (default python3), ZSL_DEVICE (cuda|cpu; default: cuda
# when that torch sees a GPU), ZSL_BENCH_REPS (default 5), ZSL_RUN_BUDGET (seconds, default 480: a step that would start
# later is skipped and reported, so the device call returns with its files), ZSL_TESTS (0: skip the GPU-tagged xunit
# tests), ZSL_STANDARD (0: skip the standard benches), ZSL_NOTEBOOKS (notebook runs, see below), ZSL_EXTRA (more bench lines),
# ZSL_FULL_OI (1: the 125,436-image OI test pass), ZSL_KERNELS (1: per-kernel GPU times from Nsight Compute, see the end), ZSL_SHIM (a libzslnative.so built already: no shim build, for dry runs).
# Needs CMake and a C++17 compiler (nvcc for CUDA torch), no .NET, no network. Exit code: 0 when every step succeeded;
# 1 otherwise (later steps still run).
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
OUT=${OUT:-$root/artifacts/gpu/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# The device tool brings back at most 8 files: the log goes to $OUT/run.log, every other result into $RES, which is
# re-packed as $OUT/results.tar at each step (so a run stopped at its time limit still returns what it had).
RES=$root/artifacts/gpu/results
rm -rf "$RES"; mkdir -p "$RES"
exec > >(tee -a "$OUT/run.log") 2>&1
py=${ZSL_TORCH_PYTHON:-python3}
reps=${ZSL_BENCH_REPS:-5}
budget=${ZSL_RUN_BUDGET:-480}
status=0
t_start=$(date +%s)
pack_results() { tar -C "$RES" -cf "$OUT/results.tar.tmp" . 2>/dev/null && mv "$OUT/results.tar.tmp" "$OUT/results.tar"; }
trap pack_results EXIT
step() { pack_results; echo; echo "=== [$(( $(date +%s) - t_start )) s] $*"; }
fail() { echo "run.sh: FAILED: $*"; status=1; }
# in_budget NEED NAME: true when NEED more seconds still fit in ZSL_RUN_BUDGET; otherwise logs the skip.
in_budget() { local left=$(( budget - ($(date +%s) - t_start) )); [ "$left" -ge "$1" ] && return 0; echo "run.sh: SKIPPED $2 (${left} s of the ${budget} s budget left, needs ~$1 s)"; status=1; return 1; }

step "machine"
date -u +%Y-%m-%dT%H:%M:%SZ
uname -a
nproc
command -v nvidia-smi >/dev/null && nvidia-smi > "$RES/nvidia-smi.txt" 2>&1 && cat "$RES/nvidia-smi.txt"
"$py" - <<'PY' | tee "$RES/torch.json"
import json, torch
print(json.dumps(dict(torch=torch.__version__, cuda=torch.version.cuda, cuda_available=torch.cuda.is_available(),
                      device=torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
                      cmake_prefix=torch.utils.cmake_prefix_path)))
PY
[ "${PIPESTATUS[0]}" = 0 ] || { fail "$py cannot import torch"; exit 1; }
device=${ZSL_DEVICE:-$("$py" -c 'import torch;print("cuda" if torch.cuda.is_available() else "cpu")')}
echo "device: $device"

if [ -n "${ZSL_SHIM:-}" ]; then     # a shim built already (a CPU dry run here: the build takes minutes on 2 cores)
  step "shim: prebuilt $ZSL_SHIM (ZSL_SHIM)"
  [ -f "$ZSL_SHIM" ] || { fail "ZSL_SHIM=$ZSL_SHIM is not a file"; exit 1; }
  export ZSLKIT_NATIVE=$(realpath "$ZSL_SHIM")     # absolute: the xunit runner changes the current directory
else
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
  # The CUDA toolkit for TorchConfig's find_package(CUDAToolkit): nvcc on PATH, else /usr/local/cuda.
  nvcc_bin=$(command -v nvcc || true)
  [ -z "$nvcc_bin" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc_bin=/usr/local/cuda/bin/nvcc
  if [ -n "$nvcc_bin" ]; then
    export CUDA_HOME=${CUDA_HOME:-$(dirname "$(dirname "$nvcc_bin")")} CUDACXX=$nvcc_bin
    cmake_args+=(-DCUDAToolkit_ROOT="$CUDA_HOME")
    echo "nvcc: $nvcc_bin ($("$nvcc_bin" --version | tail -1))"
  fi
  cmake --version | head -1; g++ --version | head -1
  gen=(); keep=(-k); command -v ninja >/dev/null && { gen=(-G Ninja); keep=(-k 0); }
  configure() { rm -rf "$build"; cmake -S src/ZslKit.Native -B "$build" "${gen[@]}" "${cmake_args[@]}" "$@" > "$RES/shim-configure.log" 2>&1; }
  build_shim() { cmake --build "$build" -j "$(nproc)" -- "${keep[@]}" > "$RES/shim-build.log" 2>&1; }
  # A warm machine keeps ignored build outputs between calls: reconfigure only for another torch (then the build is incremental).
  if [ -f "$build/CMakeCache.txt" ] && [ "$(cat "$build/.prefix" 2>/dev/null)" = "$prefix" ]; then
    echo "reusing $build (same torch)"
  else
    if ! configure; then
      echo "configure failed (see shim-configure.log); retrying without image decoding (libjpeg/libpng missing?)"
      tail -5 "$RES/shim-configure.log"
      cmake_args+=(-DZSL_WITH_IMAGES=OFF)
      configure || { tail -30 "$RES/shim-configure.log"; fail "cmake configure"; exit 1; }
    fi
    echo "$prefix" > "$build/.prefix"
  fi
  [ -f "$RES/shim-configure.log" ] && grep -E "zslnative:|CUDA" "$RES/shim-configure.log" | head -10
  t_build=$(date +%s)
  if ! build_shim; then
    # Every error of every file (the build kept going), then the fallbacks: without the CUDA memory statistics when
    # runtime.cpp failed (CUDA toolkit headers), without CUDA graphs / precision switches when their file failed, as C++20
    # when the headers ask for it.
    grep -E "error|Error" "$RES/shim-build.log" | head -60
    cp "$RES/shim-build.log" "$RES/shim-build-1.log"
    retry=()
    grep -q "runtime.cpp" "$RES/shim-build.log" && retry+=(-DZSL_CUDA_STATS=OFF)
    grep -q "cuda_graph.cpp" "$RES/shim-build.log" && retry+=(-DZSL_CUDA_GRAPHS=OFF)
    grep -q "precision.cpp" "$RES/shim-build.log" && retry+=(-DZSL_PRECISION=OFF)
    grep -q "C++20" "$RES/shim-build.log" && retry+=(-DZSL_CXX_STANDARD=20)
    if [ ${#retry[@]} -gt 0 ]; then
      echo "retrying the shim build with ${retry[*]}"
      cmake "$build" "${retry[@]}" >> "$RES/shim-configure.log" 2>&1
      build_shim || { grep -E "error|Error" "$RES/shim-build.log" | head -40; fail "shim build (retry ${retry[*]})"; exit 1; }
      fail "shim built only with ${retry[*]} (see shim-build-1.log)"
    else
      fail "shim build"; exit 1
    fi
  fi
  echo "shim built in $(( $(date +%s) - t_build )) s"
  export ZSLKIT_NATIVE=$build/libzslnative.so
fi
ldd "$ZSLKIT_NATIVE" | grep -E "torch|c10|cuda|not found" | head -12

step "app: unpack the self-contained zsl"
tarball=$root/artifacts/gpu/zsl-linux-x64.tar.xz
app=$root/artifacts/gpu/app
[ -f "$tarball" ] || { fail "$tarball missing: run environment/gpu/pack.sh and carry it"; exit 1; }
rm -rf "$app"; mkdir -p "$app"
if command -v xz >/dev/null; then tar -C "$app" -xJf "$tarball"; else "$py" -c "import tarfile,sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" "$tarball" "$app"; fi
chmod +x "$app/zsl" "$app"/ZslKit*.Tests 2>/dev/null
export ZSLKIT_COMMIT=$(cat "$app/COMMIT" 2>/dev/null || echo unknown)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if [ "$device" = cuda ] && command -v nvidia-smi >/dev/null; then
  export ZSLKIT_DEVICE_NAME=$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)
fi
"$app/zsl" info || fail "zsl info"

step "selftest on $device"
in_budget 60 selftest && timeout 180 "$app/zsl" selftest --device "$device" --json "$RES/selftest.json" || fail "selftest"

# The GPU-tagged xunit tests (trait Category=GPU) of the xunit v3 test apps that pack.sh publishes beside zsl, run from
# the unpacked app with the repository as the current directory (fixtures); reports tests-NAME.{xml,trx,log} in $RES.
# On a CPU they all skip; on CUDA a skip means a test did not run, so it gets a NOTE line.
gpu_tests() {   # gpu_tests NAME SECONDS: one test app, at most SECONDS
  local name=$1 limit=$2 rc
  step "tests: $name, Category=GPU, on $device"
  in_budget 30 "tests $name" || return 0
  [ -x "$app/$name" ] || { fail "$app/$name missing (a tarball packed before the xunit v3 test apps?)"; return 0; }
  ZSLKIT_REPO_ROOT=$root timeout "$limit" "$app/$name" -trait "Category=GPU" -noColor \
    -result-xml "$RES/tests-$name.xml" -result-trx "$RES/tests-$name.trx" > "$RES/tests-$name.log" 2>&1
  rc=$?
  grep -E -A3 "\[(FAIL|SKIP)\]|Total:" "$RES/tests-$name.log" | grep -v '^--$' | head -80    # names, reasons, messages
  [ "$rc" = 124 ] && { fail "tests $name: stopped after $limit s"; return 0; }
  [ "$rc" = 0 ] || fail "tests $name (exit $rc, see tests-$name.log)"
  if [ "$device" = cuda ] && grep -q 'skipped="[1-9]' "$RES/tests-$name.xml" 2>/dev/null; then
    echo "run.sh: NOTE: $name skipped GPU-tagged tests on cuda (see tests-$name.log)"
  fi
}
if [ "${ZSL_TESTS:-1}" = 1 ]; then     # ZSL_TESTS=0: no xunit tests
  gpu_tests ZslKit.Torch.Tests 120
  gpu_tests ZslKit.Tests 240
fi

# Shapes: the issue's defaults on a GPU (lesa-step: B 32, 196x512, M 10, 925 labels, 5 steps/rep); reduced on a CPU so that the script stays a quick end-to-end check there.
if [ "$device" = cuda ]; then
  stepset=(); infer=(--set images=4096); epoch=(--set images=8192 --set prefetch=8); threads=()
else
  stepset=(--set steps=1 --set batch=8); infer=(--set images=64 --set labels=1006); epoch=(--set images=96); threads=(--threads "$(nproc)")
fi
bench() {   # bench NAME ARGS...: one target, JSON to $RES/bench-NAME.json
  local name=$1; shift
  local file=$name; [ -n "${BENCH_TAG:-}" ] && file=$name-$BENCH_TAG
  step "bench $name ${BENCH_TAG:-} on $device"
  in_budget 45 "bench $name ${BENCH_TAG:-}" || return 0
  timeout 150 "$app/zsl" bench "$name" --device "$device" --reps "$reps" --warmup 2 "${threads[@]}" --json "$RES/bench-$file.json" "$@" ||
    fail "bench $name ${BENCH_TAG:-}"
}
# `zsl extract` end to end on the device (JPEG decode on CPU threads, the next batch decoded during the forward; transforms
# on the host and then on the device; VGG-19 conv5_4 forward on the device; feature store written) beside torchvision (PIL
# decode on one thread + the same forward), 512 synthetic JPEGs, batch 64. The two stores must hold the same features.
extract_bench() {
  step "extract: zsl extract (host, device transforms) vs torchvision, 512 JPEGs, batch 64, $device"
  in_budget 75 "extract" || return 0
  local dir=/tmp/zsl-extract t0 t1 where
  rm -rf "$dir"; mkdir -p "$dir"
  "$py" environment/gpu/make_images.py "$dir/images" 512 || { fail "make_images"; return 0; }
  : > "$RES/extract.txt"
  for where in host device; do
    t0=$(date +%s.%N)
    timeout 150 "$app/zsl" extract --model vgg19 --layer conv5_4 --batch 64 --device "$device" --threads "$(nproc)" --transforms "$where" \
      --images "$dir/images/list.txt" --out "$dir/store-$where" > "$RES/extract-zsl-$where.log" 2>&1 ||
      { tail -5 "$RES/extract-zsl-$where.log"; fail "zsl extract --transforms $where"; }
    t1=$(date +%s.%N)
    echo "zsl extract --transforms $where: 512 images in $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s (whole process)" | tee -a "$RES/extract.txt"
    tail -3 "$RES/extract-zsl-$where.log"
  done
  # Same inputs to the same forward: the data files should be equal; report the largest difference (index.json differs:
  # it names where the transform ran).
  "$py" - "$dir/store-host" "$dir/store-device" <<'PY' 2>&1 | tee -a "$RES/extract.txt" || fail "host and device transforms wrote different features"
import glob, os, sys
import torch
host, dev = sys.argv[1], sys.argv[2]
files = [f for f in sorted(glob.glob(os.path.join(host, "shard-*", "*"))) if not f.endswith("index.json")]
worst, scale = 0.0, 0.0
for f in files:
    a = torch.frombuffer(bytearray(open(f, "rb").read()), dtype=torch.float32)
    b = torch.frombuffer(bytearray(open(f.replace(host, dev), "rb").read()), dtype=torch.float32)
    worst, scale = max(worst, (a - b).abs().max().item()), max(scale, a.abs().max().item())
print(f"host vs device transforms: {len(files)} data files, max |diff| {worst:.3g} (max |feature| {scale:.3g})")
sys.exit(0 if files and worst <= 1e-4 * max(scale, 1.0) else 1)
PY
  timeout 150 "$py" tests/fixtures/backbones/bench_torchvision.py "$dir/images/list.txt" --threads "$(nproc)" --device "$device" \
    2>&1 | tee -a "$RES/extract.txt" || fail "torchvision extract"
}

if [ "${ZSL_STANDARD:-1}" = 1 ]; then    # ZSL_STANDARD=0: only the ZSL_EXTRA lines and ZSL_KERNELS below
  bench lesa-step --twin --python "$py" "${stepset[@]}"
  bench lesa-infer --twin --python "$py" "${infer[@]}"                                     # folded scoring (the library's), twin folded too
  BENCH_TAG=official bench lesa-infer --twin --python "$py" "${infer[@]}" --set fold=off   # the official concatenations on both sides
  bench lesa-epoch "${epoch[@]}"
  BENCH_TAG=trainer bench lesa-epoch "${epoch[@]}" --set prefetch-trainer=2    # the epoch through the Trainer, prefetch 2 vs off
  if [ "$device" = cuda ]; then
    BENCH_TAG=graph bench lesa-step --twin --python "$py" --set graph=on                 # CUDA graph replays vs PyTorch eager
    BENCH_TAG=graph bench lesa-infer --twin --python "$py" "${infer[@]}" --set graph=on
    BENCH_TAG=graph-official bench lesa-infer --twin --python "$py" "${infer[@]}" --set graph=on --set fold=off
    # TF32 matmuls on both sides (torch.set_float32_matmul_precision("high")), eager and with our graph replays. The bf16
    # inference line of earlier runs (1.22x, 1.15x: the float32 eager gap carried over) moved to ZSL_EXTRA to make room.
    BENCH_TAG=tf32 bench lesa-infer --twin --python "$py" "${infer[@]}" --set tf32=on
    BENCH_TAG=tf32-graph bench lesa-infer --twin --python "$py" "${infer[@]}" --set tf32=on --set graph=on
    BENCH_TAG=tf32-graph bench lesa-step --twin --python "$py" --set tf32=on --set graph=on
    BENCH_TAG=graph bench lesa-epoch "${epoch[@]}" --set prefetch-trainer=2 --set graph=on  # Trainer: graph steps vs eager
    bench backbone-forward --twin --python "$py"                                          # VGG-19 conv5_4 vs torchvision
    bench image-transform                      # Resize/CenterCrop/Normalize of 64 decoded photos: host threads vs the GPU
    extract_bench
    bench lesa-oi-test --set images=8192       # Open Images-shaped test pass; projection to 125,436 images
    BENCH_TAG=graph bench lesa-oi-test --set images=8192 --set graph=on   # the same pass with CUDA graph scoring (LesaScorer)
    bench lesa-eval --set images=8192          # NUS-WIDE-shaped full evaluation pass
  fi
fi
# Notebooks on the device (ZSL_NOTEBOOKS: ';'-separated "NOTEBOOK [SECONDS] [NAME=VALUE...]" lines; default on CUDA: notebook 01
# in full mode on the Open Images-shaped synthetic benchmark, seed 0, which takes ~8 hours on the 2-core CPU VM; 0 = none).
# The app's own runner executes them in a scratch copy of notebooks/ whose ../artifacts/bin/zsl (the notebooks' #r path)
# is the unpacked app; runs go to /tmp/zsl-nb-runs, and their config/provenance/metrics (no weights) plus the executed
# notebooks come back under $RES/notebooks.
notebooks_default=""
[ "$device" = cuda ] && notebooks_default="01-lesa-table1 300 quick=false dataset=synthetic-openimages seed=0 device=cuda"
nb_run() {   # nb_run NOTEBOOK [SECONDS] [NAME=VALUE...]
  local nb=$1 limit=300 params=() p scratch=/tmp/zsl-nb
  shift
  [[ "${1:-}" =~ ^[0-9]+$ ]] && { limit=$1; shift; }
  for p in "$@"; do params+=(--param "$p"); done
  step "notebook $nb ($*), at most $limit s"
  in_budget 90 "notebook $nb" || return 0
  local left=$(( budget - ($(date +%s) - t_start) - 20 ))     # the runner's own limit ends inside ZSL_RUN_BUDGET (files packed)
  [ "$limit" -gt "$left" ] && { echo "notebook $nb: limit lowered to $left s (ZSL_RUN_BUDGET)"; limit=$left; }
  [ -f "notebooks/$nb.ipynb" ] || { fail "notebooks/$nb.ipynb not found"; return 0; }
  mkdir -p "$scratch/notebooks" "$scratch/artifacts/bin" "$RES/notebooks"
  cp notebooks/*.ipynb "$scratch/notebooks/"
  ln -sfn "$app" "$scratch/artifacts/bin/zsl"
  ZSLKIT_RUNS=/tmp/zsl-nb-runs timeout $((limit + 15)) "$app/zsl" notebooks run "$scratch/notebooks/$nb.ipynb" "${params[@]}" \
    --out "$RES/notebooks" --timeout "$limit" > "$RES/notebooks/$nb.log" 2>&1 || fail "notebook $nb (see notebooks/$nb.log)"
  tail -4 "$RES/notebooks/$nb.log"
  mkdir -p "$RES/notebooks/runs"
  (cd /tmp/zsl-nb-runs 2>/dev/null && find . \( -name '*.json' -o -name '*.csv' \) -not -path '*/checkpoints/*' -print0 |
    tar --null -T - -cf - | tar -C "$RES/notebooks/runs" -xf -) 2>/dev/null
}
if [ "${ZSL_NOTEBOOKS:-$notebooks_default}" != 0 ] && [ -n "${ZSL_NOTEBOOKS:-$notebooks_default}" ]; then
  IFS=';' read -ra nb_lines <<< "${ZSL_NOTEBOOKS:-$notebooks_default}"
  for line in "${nb_lines[@]}"; do read -ra words <<< "$line"; [ ${#words[@]} -gt 0 ] && nb_run "${words[@]}"; done
fi

# ZSL_EXTRA: more bench lines, ';'-separated, e.g. ZSL_EXTRA='lesa-step --twin --set amp=bf16' (each: target and arguments).
if [ -n "${ZSL_EXTRA:-}" ]; then
  IFS=';' read -ra extra <<< "$ZSL_EXTRA"
  i=0
  for line in "${extra[@]}"; do
    i=$((i+1)); read -ra words <<< "$line"; [ ${#words[@]} -gt 0 ] || continue
    twin_py=(); for w in "${words[@]}"; do [ "$w" = --twin ] && twin_py=(--python "$py"); done
    BENCH_TAG=extra$i bench "${words[@]}" "${twin_py[@]}"
  done
fi

# ZSL_FULL_OI=1 (CUDA): the Open Images test pass at full size, 125,436 images x 7,586 labels (reads cycle through 8,192
# stored images; CUDA graph scoring; metrics over all 125,436 rows), one warm-up + one timed pass: ~2-3 minutes.
if [ "${ZSL_FULL_OI:-0}" = 1 ] && [ "$device" = cuda ]; then
  step "bench lesa-oi-test at full size (125,436 images)"
  if in_budget 200 "full-size lesa-oi-test"; then
    timeout 300 "$app/zsl" bench lesa-oi-test --device "$device" --reps 1 --warmup 1 --json "$RES/bench-lesa-oi-test-full.json" \
      --set images=8192 --set test-images=125436 --set graph=on || fail "full-size lesa-oi-test"
  fi
fi

# ZSL_KERNELS=1 (CUDA): every kernel of a short lesa-step (2 steps) and lesa-infer (2 batches of 32 over 7,586 labels) run,
# ours and the twin, with its GPU time and DRAM bytes read/written, from Nsight Compute (kernels replayed for the DRAM
# counters): ncu-{ours,twin}-{step,infer}.csv, summed per file by ncu_summary.py into ncu-summary.jsonl.
if [ "${ZSL_KERNELS:-0}" = 1 ] && [ "$device" = cuda ]; then
  ncu_bin=$(command -v ncu || ls /usr/local/cuda/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
  if [ -z "$ncu_bin" ]; then
    fail "ncu not found"
  else
    ncu_run() {   # ncu_run NAME COMMAND...
      local name=$1; shift
      step "kernels: $name"
      in_budget 40 "kernels $name" || return 0
      timeout 120 "$ncu_bin" --target-processes all --metrics gpu__time_duration.sum,dram__bytes_read.sum,dram__bytes_write.sum --csv --print-units base \
        --log-file "$RES/ncu-$name.csv" "$@" > "$RES/ncu-$name.out" 2>&1 || { tail -5 "$RES/ncu-$name.out"; fail "kernels $name"; }
      echo "$(grep -c gpu__time_duration "$RES/ncu-$name.csv" 2>/dev/null) kernels"
    }
    shape=(--batch 32 --regions 196 --dim 512 --hidden 512 --modules 10 --word-dim 300 --seed 0)
    ncu_run ours-step "$app/zsl" bench lesa-step --device cuda --reps 1 --warmup 0 --set steps=2
    ncu_run twin-step "$py" bench/lesa_twin.py run --target lesa-step --device cuda --reps 1 --warmup 0 --steps 2 --labels 925 "${shape[@]}"
    # both sides score the same way: folded (constant channels in biases), ours' default, said explicitly on each side
    ncu_run ours-infer "$app/zsl" bench lesa-infer --device cuda --reps 1 --warmup 0 --set images=64 --set fold=on
    ncu_run twin-infer "$py" bench/lesa_twin.py run --target lesa-infer --device cuda --reps 1 --warmup 0 --images 64 --labels 7586 --fold on "${shape[@]}"
    "$py" environment/gpu/ncu_summary.py "$RES"/ncu-*.csv | tee "$RES/ncu-summary.jsonl" || fail "ncu summary"
  fi
fi

# every bench report as Markdown rows for docs/benchmarks.md (device, commit and versions included)
if ls "$RES"/bench-*.json > /dev/null 2>&1; then
  "$app/zsl" bench table "$RES"/bench-*.json > "$RES/bench-table.md" 2> "$RES/bench-table.err" || fail "bench table"
fi

step "done in $(( $(date +%s) - t_start )) s, status $status"
pack_results
ls -la "$RES" "$OUT"
exit $status
