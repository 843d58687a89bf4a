#!/usr/bin/env bash
# Runs the whole test suite on this machine and leaves the machine as it found it: installs what is
# missing, starts the Docker engine when none runs (and stops it again at the end), builds, runs every
# test, removes what the run made (also after a failure, Ctrl-C, SIGTERM or a killed test process, and
# what an earlier interrupted run left), then prints "leftovers: none" (or what is left, which fails
# the run) and, last, "N passed, N failed, N skipped".
#   scripts/test.sh [--unit] [dotnet test arguments, e.g. --filter FullyQualifiedName~Store]
#   --unit: only the tests that need neither PostgreSQL nor Docker (Category=Unit), without starting an engine.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# shellcheck source=lib/test-machine.sh
source scripts/lib/test-machine.sh

unit=""
[ "${1:-}" = "--unit" ] && { unit=1; shift; }
[ "${1:-}" = "--" ] && shift
extra=("$@"); set --
[ -n "$unit" ] && extra+=(--filter "Category=Unit")

bash scripts/install-deps.sh || { echo "install-deps failed"; echo "0 passed, 1 failed"; exit 1; }
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is required"; echo "0 passed, 1 failed"; exit 1; }

RUN_ID=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
RUN_DIR="$COAST_TEST_RUNS/$RUN_ID"
# World-traversable: under root the tests' Postgres clusters run as the postgres user inside TMPDIR.
mkdir -p "$RUN_DIR/tmp"; chmod 755 "$COAST_TEST_RUNS" "$RUN_DIR"; chmod 1777 "$RUN_DIR/tmp"
echo $$ > "$RUN_DIR/pid"
started=$(date +%s)
tm_reap_stale_runs
tm_snapshot_host "$RUN_DIR/before/host"
if [ -z "$unit" ] && ! tm_engine_up && command -v dockerd >/dev/null; then
  iptables-save > "$RUN_DIR/iptables.before" 2>/dev/null || true
  cp "$RUN_DIR/before/host/links" "$RUN_DIR/links.engine"
  if bash scripts/start-dockerd.sh; then cat /var/run/docker.pid > "$RUN_DIR/engine.pid"
  else echo "warning: could not start dockerd; Docker tests will fail"; fi
fi
tm_snapshot_docker "$RUN_DIR/before/docker"

results="$here/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"
test_pid=""; interrupted=""; rc=1

finish() {
  trap - INT TERM EXIT
  if [ -n "$test_pid" ] && kill -0 "$test_pid" 2>/dev/null; then kill -TERM "$test_pid" 2>/dev/null; wait "$test_pid" 2>/dev/null; fi
  local t0 left=() line; t0=$(date +%s.%N)
  # What the fixtures should have removed themselves is a leftover even though it is reaped now.
  while IFS= read -r line; do [ -n "$line" ] && left+=("$line"); done < <(tm_marked_leftovers "$RUN_ID")
  tm_reap_run "$RUN_ID"
  tm_snapshot_docker "$RUN_DIR/after/docker"
  while IFS= read -r line; do [ -n "$line" ] && left+=("$line"); done < <(tm_compare "$RUN_DIR/before/docker" "$RUN_DIR/after/docker")
  tm_stop_engine
  tm_release_netns_dir "$RUN_DIR/before/host"
  tm_snapshot_host "$RUN_DIR/after/host"
  while IFS= read -r line; do [ -n "$line" ] && left+=("$line"); done < <(tm_compare "$RUN_DIR/before/host" "$RUN_DIR/after/host")
  echo "cleanup: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s (whole run $(( $(date +%s) - started )) s)"

  local passed=0 failed=0 skipped=0 trx counters total executed
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
    get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
    passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
    total=$(get total); executed=$(get executed); skipped=$((skipped + total - executed))
  done
  if [ ${#left[@]} -eq 0 ]; then echo "leftovers: none"
  else (IFS=';'; echo "leftovers: ${left[*]}"); failed=$((failed + 1)); [ "$rc" -eq 0 ] && rc=1; fi
  [ -n "$interrupted" ] && { echo "interrupted by $interrupted"; rc=130; }
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  rm -rf --one-file-system "$RUN_DIR"
  echo "$passed passed, $failed failed, $skipped skipped"
  exit "$rc"
}
trap 'interrupted=SIGINT; finish' INT
trap 'interrupted=SIGTERM; finish' TERM
trap finish EXIT

# Build servers would outlive the run: none are used. Every process of the run carries the marker.
export MSBUILDDISABLENODEREUSE=1 UseSharedCompilation=false DOTNET_CLI_USE_MSBUILD_SERVER=0
COAST_TEST_RUN="$RUN_ID" TMPDIR="$RUN_DIR/tmp" dotnet build Coast.sln -c Debug --nologo -v quiet -clp:ErrorsOnly &
test_pid=$!; wait "$test_pid"; build=$?; test_pid=""
if [ $build -ne 0 ]; then echo "build failed"; rc=1; exit 1; fi

COAST_TEST_RUN="$RUN_ID" COAST_EXTRA_LABELS="coast.test.run=$RUN_ID" TMPDIR="$RUN_DIR/tmp" \
  dotnet test tests/Coast.Tests --no-build --nologo --logger "trx;LogFileName=results.trx" \
  --logger "console;verbosity=normal" --results-directory "$results" "${extra[@]}" -- RunConfiguration.TreatNoTestsAsError=true &
test_pid=$!; wait "$test_pid"; rc=$?; test_pid=""
exit "$rc"
