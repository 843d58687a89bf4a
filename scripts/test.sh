#!/usr/bin/env bash
# Runs the whole test suite on this machine: installs what is missing, starts the Docker engine,
# builds, runs every test (the Postgres fixture starts its own private cluster) and ends with
# the plain line "N passed, N failed, N skipped".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/install-deps.sh || { echo "install-deps failed"; echo "0 passed, 1 failed"; exit 1; }
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is required"; echo "0 passed, 1 failed"; exit 1; }
if [ -x scripts/start-dockerd.sh ]; then bash scripts/start-dockerd.sh || echo "warning: could not start dockerd; Docker tests will fail"; fi

results="$here/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
dotnet build Coast.sln -c Debug --nologo -v quiet -clp:ErrorsOnly
build=$?
if [ $build -ne 0 ]; then echo "build failed"; echo "0 passed, 1 failed"; exit 1; fi
dotnet test tests/Coast.Tests --no-build --nologo --logger "trx;LogFileName=results.trx" \
  --logger "console;verbosity=normal" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true "$@"
rc=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  total=$(get total); executed=$(get executed); skipped=$((skipped + total - executed))
done
if [ $rc -ne 0 ] && [ $failed -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit $rc
