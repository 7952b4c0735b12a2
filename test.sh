#!/usr/bin/env bash
# ZslKit's test command (README; .ci/run calls it): installs and builds what it needs, runs every xunit project,
# then executes every notebook headless in quick mode (each counts as one test). Ends with one line "tests: N passed, N failed, N skipped".
#   ./test.sh [--filter EXPR]      EXPR is passed to `dotnet test --filter` (notebooks are skipped when filtering)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$root"
filter=""
while [ $# -gt 0 ]; do
  case "$1" in
    --filter) filter=$2; shift 2 ;;
    *) echo "test.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
environment/setup.sh || exit 1
dotnet build ZslKit.sln -c Release -nologo -v q -clp:ErrorsOnly || { echo "test.sh: build failed" >&2; exit 1; }

results="$root/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
rc=0
dotnet test ZslKit.sln -c Release --no-build -nologo --results-directory "$results" --logger trx \
  ${filter:+--filter "$filter"} || rc=1

# One closing line summed over the .trx files of every test project.
passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  c=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  get() { echo "$c" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get total) - $(get executed)))   # xunit skips are counted as not executed
done

# Every notebook, headless, in quick mode (executed copies, partial ones included, stay in artifacts/notebooks/).
nb_passed=0; nb_failed=0
if [ -z "$filter" ]; then
  if ./zsl notebooks run notebooks --param quick=true --out artifacts/notebooks --timeout 900; then
    nb_passed=$(ls notebooks/*.ipynb 2>/dev/null | wc -l)
  else
    rc=1; nb_failed=1
  fi
fi
passed=$((passed + nb_passed)); failed=$((failed + nb_failed))
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || rc=1
exit $rc
