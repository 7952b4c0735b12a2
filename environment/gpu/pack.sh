#!/usr/bin/env bash
# pack.sh (run HERE, on the development machine): publishes `zsl` and the xunit v3 test apps ZslKit.Torch.Tests and
# ZslKit.Tests self-contained for linux-x64 (no .NET SDK needed on the GPU machine) into ONE folder sharing one runtime,
# as artifacts/gpu/zsl-linux-x64.tar.xz, records the commit, and checks that what the device tool sends (the git working
# tree: tracked + untracked-not-ignored files, plus the carried tarball) stays under 64 MiB.
#   environment/gpu/pack.sh            then: run(command="environment/gpu/run.sh", carry=["artifacts/gpu/zsl-linux-x64.tar.xz"]) (docs/gpu.md)
# Each app is published into its own folder first; a file two apps both ship must be byte-identical (central package
# versions keep them so), else pack stops naming it. Then `zsl --version`, `zsl selftest --device cpu` and each test app's
# trait listing run from the merged folder (with this machine's CPU shim, removed afterwards).
# Not trimmed: the notebook runner compiles cells with Roslyn against the app's assemblies, which trimming would break.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
out=artifacts/gpu
pub=$out/publish
limit=$((64 * 1024 * 1024))
parts=$out/publish-parts
apps=(src/ZslKit.Cli/ZslKit.Cli.csproj tests/ZslKit.Torch.Tests/ZslKit.Torch.Tests.csproj tests/ZslKit.Tests/ZslKit.Tests.csproj)
rm -rf "$pub" "$parts"; mkdir -p "$out" "$pub"
for proj in "${apps[@]}"; do
  name=$(basename "$proj" .csproj)
  echo "pack: dotnet publish $name (self-contained, linux-x64)" >&2
  # ZslStandaloneTests: the test apps without the VSTest packages (Directory.Build.props); restores them for this publish.
  dotnet publish "$proj" -c Release -r linux-x64 --self-contained -p:SatelliteResourceLanguages=en -p:ZslStandaloneTests=true \
    -o "$parts/$name" -nologo -v q -clp:ErrorsOnly >&2
done
# One folder, one runtime: every file of every app, a shared one only when identical in all.
conflicts=0
for proj in "${apps[@]}"; do
  dir=$parts/$(basename "$proj" .csproj)
  while IFS= read -r -d '' f; do
    rel=${f#"$dir"/}
    if [ -e "$pub/$rel" ]; then
      cmp -s "$f" "$pub/$rel" || { echo "pack: ERROR: $rel differs between the apps ($dir)" >&2; conflicts=$((conflicts + 1)); }
    else
      mkdir -p "$(dirname "$pub/$rel")"; cp -p "$f" "$pub/$rel"
    fi
  done < <(find "$dir" -type f -print0)
done
[ "$conflicts" -eq 0 ] || { echo "pack: ERROR: $conflicts files differ between the published apps" >&2; exit 1; }
rm -rf "$parts"
# plotly.js for the notebooks' chart outputs (PlotlyJs looks beside the app first): the GPU machine has no npm.
plotly=environment/.state/npm/node_modules/plotly.js-dist-min
if [ -f "$plotly/plotly.min.js" ]; then
  mkdir -p "$pub/plotly.js-dist-min" && cp "$plotly/plotly.min.js" "$plotly/package.json" "$pub/plotly.js-dist-min/"
else
  echo "pack: note: $plotly/plotly.min.js missing (environment/setup.sh installs it): notebook charts made with this app carry a note instead of plotly.js" >&2
fi
echo "pack: checking that every app starts from the merged folder" >&2
"$pub/zsl" --version >&2
"$pub/zsl" selftest --device cpu > "$out/pack-selftest.log" 2>&1 || { tail -20 "$out/pack-selftest.log" >&2; echo "pack: ERROR: zsl selftest --device cpu failed from $pub" >&2; exit 1; }
tail -1 "$out/pack-selftest.log" >&2
for proj in "${apps[@]:1}"; do
  name=$(basename "$proj" .csproj)
  traits=$("$pub/$name" -list traits -noColor) && grep -q "Category" <<< "$traits" ||
    { echo "pack: ERROR: $name does not list its traits from $pub" >&2; exit 1; }
done
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
