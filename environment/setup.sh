#!/usr/bin/env bash
# ZslKit set-up: installs what is missing (Debian/Ubuntu, as root), builds the libtorch shim and checks that it loads.
# Idempotent: a second run only checks and rebuilds what changed, and prints nothing unless -v is given.
#
#   environment/setup.sh [-v] [--with-python-torch]     (called by ./zsl and ./test.sh; run it by hand only to see details)
#
# Which libtorch the shim is built against, first match wins:
#   LIBTORCH=/path/to/libtorch        an unpacked libtorch (CPU or CUDA) distribution
#   ZSL_TORCH_PYTHON=python3          the libtorch inside that Python's `torch` wheel (e.g. CUDA builds on a GPU machine)
#   (default)                         Debian's libtorch-dev (CPU), installed when missing
# Fixture generators (tests/fixtures/*.py) also need python3-torch, python3-sklearn: pass --with-python-torch.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
verbose=0; with_python=0
for a in "$@"; do
  case "$a" in
    -v|--verbose) verbose=1 ;;
    --with-python-torch) with_python=1 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option '$a'" >&2; exit 2 ;;
  esac
done
say() { [ "$verbose" = 1 ] && echo "setup: $*" || true; }
die() { echo "setup: $*" >&2; exit 1; }

# ---- 1. system packages
need=(cmake ninja-build g++ pkg-config libjpeg62-turbo-dev libpng-dev)
if [ -z "${LIBTORCH:-}" ] && [ -z "${ZSL_TORCH_PYTHON:-}" ]; then need+=(libtorch-dev libopenblas0-pthread); fi
[ "$with_python" = 1 ] && need+=(python3-torch python3-torchvision python3-sklearn python3-scipy python3-numpy)
missing=()
if command -v dpkg-query >/dev/null; then
  for p in "${need[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
else
  command -v cmake >/dev/null || missing+=(cmake)
  [ -n "${LIBTORCH:-}${ZSL_TORCH_PYTHON:-}" ] || die "not a Debian/Ubuntu system: set LIBTORCH=/path/to/libtorch (or ZSL_TORCH_PYTHON) and install cmake, a C++17 compiler and ninja"
fi
if [ ${#missing[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || die "missing packages: ${missing[*]} -- run as root, or: sudo apt-get install ${missing[*]}"
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get on this system"
  echo "setup: installing ${missing[*]} (apt)" >&2
  export DEBIAN_FRONTEND=noninteractive TMPDIR=${TMPDIR:-/var/tmp}
  ok=0
  for attempt in 1 2 3; do   # apt is flaky under parallel use: retry with a lock timeout
    if apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null 2>&1 &&
       apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/var/tmp/zslkit-apt.log 2>&1; then
      ok=1; break
    fi
    echo "setup: apt attempt $attempt failed (see /var/tmp/zslkit-apt.log), retrying" >&2; sleep 10
  done
  [ "$ok" = 1 ] || die "could not install ${missing[*]}; last apt output in /var/tmp/zslkit-apt.log"
fi

# ---- 2. the libtorch shim (src/ZslKit.Native -> artifacts/native/libzslnative.so)
native_src="$root/src/ZslKit.Native"
build="$root/artifacts/native/build"
prefix=""
if [ -n "${LIBTORCH:-}" ]; then
  [ -d "$LIBTORCH" ] || die "LIBTORCH=$LIBTORCH is not a folder"
  prefix="$LIBTORCH"
elif [ -n "${ZSL_TORCH_PYTHON:-}" ]; then
  prefix=$("$ZSL_TORCH_PYTHON" -c 'import torch;print(torch.utils.cmake_prefix_path)') || die "$ZSL_TORCH_PYTHON cannot import torch"
fi
gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
if [ ! -f "$build/CMakeCache.txt" ] || [ "$(cat "$build/.prefix" 2>/dev/null)" != "$prefix" ]; then
  rm -rf "$build"; mkdir -p "$build"
  say "configuring the shim (libtorch: ${prefix:-Debian})"
  cmake -S "$native_src" -B "$build" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release ${prefix:+-DCMAKE_PREFIX_PATH="$prefix"} \
    >"$build/configure.log" 2>&1 || { tail -30 "$build/configure.log" >&2; die "cmake configure failed (log: $build/configure.log)"; }
  echo "$prefix" > "$build/.prefix"
fi
cmake --build "$build" >"$build/build.log" 2>&1 || { tail -40 "$build/build.log" >&2; die "shim build failed (log: $build/build.log)"; }
so="$build/libzslnative.so"
[ -f "$so" ] || die "the build produced no $so"
cmp -s "$so" "$root/artifacts/native/libzslnative.so" 2>/dev/null || cp "$so" "$root/artifacts/native/libzslnative.so"

# ---- 3. it loads: every library it needs resolves
if ldd "$root/artifacts/native/libzslnative.so" | grep -q "not found"; then
  ldd "$root/artifacts/native/libzslnative.so" | grep "not found" >&2
  die "libzslnative.so has unresolved libraries (for a pip torch, add its lib folder to LD_LIBRARY_PATH)"
fi
say "shim ready: $root/artifacts/native/libzslnative.so"

# ==== notebooks section (owner: notebook runtime; docs/notebooks.md) ================================================
# plotly.js for offline charts (npm plotly.js-dist-min, pinned; installed here, never committed, never loaded from a CDN)
# and Debian's Chromium for chart screenshots (`zsl report --png`, the screenshot test). Idempotent and silent when done.
plotly_version=4.1.2
npm_dir="$root/environment/.state/npm"
nb_apt() {   # nb_apt PKG...: install Debian packages that are missing (as root), same retry policy as section 1
  local miss=() p
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || miss+=("$p"); done
  [ ${#miss[@]} -eq 0 ] && return 0
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || { echo "setup: please install ${miss[*]} (apt)" >&2; return 1; }
  echo "setup: installing ${miss[*]} (apt)" >&2
  local attempt
  for attempt in 1 2 3; do
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${miss[@]}" \
        >/var/tmp/zslkit-apt-notebooks.log 2>&1 && return 0
    echo "setup: apt attempt $attempt failed (see /var/tmp/zslkit-apt-notebooks.log), retrying" >&2; sleep 10
  done
  return 1
}
if [ ! -f "$npm_dir/node_modules/plotly.js-dist-min/plotly.min.js" ] || [ "$(cat "$npm_dir/.plotly-version" 2>/dev/null)" != "$plotly_version" ]; then
  command -v npm >/dev/null || nb_apt npm || die "npm is needed to install plotly.js-dist-min"
  mkdir -p "$npm_dir"
  say "installing plotly.js-dist-min@$plotly_version"
  npm install --prefix "$npm_dir" --no-save --no-audit --no-fund --no-package-lock --loglevel=error \
    "plotly.js-dist-min@$plotly_version" >"$npm_dir/install.log" 2>&1 ||
    { tail -20 "$npm_dir/install.log" >&2; die "npm install plotly.js-dist-min@$plotly_version failed (log: $npm_dir/install.log)"; }
  echo "$plotly_version" > "$npm_dir/.plotly-version"
fi
if ! command -v chromium >/dev/null && command -v dpkg-query >/dev/null; then
  nb_apt chromium || echo "setup: Chromium not installed: chart screenshots (zsl report --png) and the screenshot test are skipped" >&2
fi
say "notebooks ready: plotly.js $plotly_version, chromium: $(command -v chromium || echo none)"
