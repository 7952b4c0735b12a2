#!/usr/bin/env bash
# pack.sh (run HERE, on the development machine): publishes `zsl` self-contained for linux-x64 (no .NET SDK needed on
# the GPU machine) as artifacts/gpu/zsl-linux-x64.tar.xz, records the commit, and checks that what the device tool sends
# (the git working tree: tracked + untracked-not-ignored files, plus the carried tarball) stays under 64 MiB.
#   environment/gpu/pack.sh            then: run(command="environment/gpu/run.sh", carry=["artifacts/gpu/zsl-linux-x64.tar.xz"]) (docs/gpu.md)
# Not trimmed: the notebook runner compiles cells with Roslyn against the app's assemblies, which trimming would break.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
out=artifacts/gpu
pub=$out/publish
limit=$((64 * 1024 * 1024))
rm -rf "$pub"; mkdir -p "$out"
echo "pack: dotnet publish (self-contained, linux-x64)" >&2
dotnet publish src/ZslKit.Cli/ZslKit.Cli.csproj -c Release -r linux-x64 --self-contained -p:SatelliteResourceLanguages=en \
  -o "$pub" -nologo -v q -clp:ErrorsOnly >&2
rm -f "$pub/libzslnative.so"      # the CPU shim of this machine; run.sh builds one against the GPU machine's torch
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && commit="$commit+dirty"
echo "$commit" > "$pub/COMMIT"
tarball=$out/zsl-linux-x64.tar.xz
echo "pack: compressing (xz)" >&2
tar -C "$pub" -cf - . | xz -T2 -6 > "$tarball.tmp" && mv "$tarball.tmp" "$tarball"

# What the device tool sends: tracked files + untracked files git does not ignore + the carried tarball.
tree=$( { git ls-files -z; git ls-files -z --others --exclude-standard; } | xargs -0 -r stat -c %s -- 2>/dev/null | awk '{s+=$1} END {print s+0}')
carried=$(stat -c %s "$tarball")
total=$((tree + carried))
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
echo "pack: $tarball $(mib "$carried") (publish folder $(du -sh "$pub" | cut -f1)), working tree $(mib "$tree"), total $(mib "$total") of 64 MiB; commit $commit"
if [ "$total" -ge "$limit" ]; then
  echo "pack: ERROR: $(mib "$total") exceeds the device tool's 64 MiB" >&2
  exit 1
fi
