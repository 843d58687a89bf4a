#!/usr/bin/env bash
# CLI latency (issue 8): p50/p90 of everyday commands of the native `coast` against two floors measured in the
# same run: starting a trivial native process (/bin/true) and one PostgreSQL round trip (psql over the
# embedded database's unix socket). Uses a throwaway COAST_HOME (its own embedded database and controller),
# a Project declared by manifest and one stopped Instance, so no Docker work is involved.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${RUNS:-40}"
"$here/coast" --version >/dev/null            # builds artifacts/cli/coast (native) when sources changed
coast="$here/artifacts/cli/coast"
work="$(mktemp -d /tmp/coast-bench-cli-XXXX)"
chmod 755 "$work"   # the embedded database runs as the postgres user, which must reach COAST_HOME
export COAST_HOME="$work/home"
mkdir -p "$work/p"
cleanup() {
  "$coast" daemon stop >/dev/null 2>&1 || true
  "$coast" db stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/p/Coastfile" <<'EOF'
[coast]
name = "benchcli"
compose = "docker-compose.yml"

[ports]
web = 3000
EOF
printf 'services:\n  web:\n    image: coast/base:bookworm\n    command: ["sleep", "infinity"]\n' > "$work/p/docker-compose.yml"
cat > "$work/manifest.yaml" <<EOF
apiVersion: coast.dev/v1alpha1
kind: Project
metadata: { name: benchcli, namespace: benchcli }
spec: { rootDir: $work/p, compose: docker-compose.yml, primaryPort: web, ports: { web: 3000 } }
---
apiVersion: coast.dev/v1alpha1
kind: Instance
metadata: { name: dev-1, namespace: benchcli }
spec: { project: benchcli, state: Stopped }
EOF

"$coast" db start >/dev/null
"$coast" apply -f "$work/manifest.yaml" >/dev/null
"$coast" daemon start >/dev/null
cd "$work/p"

# The embedded database's socket directory, port and user, from `coast db status`'s connection line.
conn="$("$coast" db status | awk '$1 == "connection:" {print $2}')"
field() { tr ';' '\n' <<<"$conn" | awk -F= -v k="$1" '$1 == k {print $2}'; }
pghost="$(field Host)"; pgport="$(field Port)"; pguser="$(field Username)"; pgdb="$(field Database)"

ms() { local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1 || true; t1=$(date +%s%N); echo $(( (t1 - t0) / 1000 )); }
pct() { local p="$1"; shift; printf '%s\n' "$@" | sort -n | awk -v p="$p" '{a[NR]=$1} END{i=int(NR*p/100+0.999); if(i<1)i=1; printf "%.1f", a[i]/1000}'; }
measure() { # label, command...
  local label="$1"; shift; local xs=()
  for _ in $(seq 1 3); do "$@" >/dev/null 2>&1 || true; done   # warm the page cache
  for _ in $(seq 1 "$runs"); do xs+=("$(ms "$@")"); done
  printf '%s %s %s\n' "$label" "$(pct 50 "${xs[@]}")" "$(pct 90 "${xs[@]}")"
}

results=()
results+=("$(measure "floor:/bin/true" /bin/true)")
if [ -n "$pghost" ] && command -v psql >/dev/null; then
  results+=("$(measure "floor:psql-select-1" psql -h "$pghost" -p "$pgport" -U "$pguser" -d "$pgdb" -Atqc 'select 1')")
fi
results+=("$(measure "coast get projects" "$coast" get projects)")
results+=("$(measure "coast ls" "$coast" ls)")
results+=("$(measure "coast checkout --none" "$coast" checkout --none)")
results+=("$(measure "coast ports dev-1" "$coast" ports dev-1)")

true_p50="$(awk '$1 == "floor:/bin/true" {print $2}' <<<"$(printf '%s\n' "${results[@]}")")"
psql_p50="$(awk '$1 == "floor:psql-select-1" {print $2}' <<<"$(printf '%s\n' "${results[@]}")")"
echo "CLI latency, $runs runs each (ms; ratios against the floors of this run; target p50 < 100 ms)"
for line in "${results[@]}"; do
  label="${line% * *}"; rest="${line##"$label" }"; p50="${rest% *}"; p90="${rest#* }"
  ratio=""
  if [[ "$label" != floor:* ]]; then
    ratio="$(echo "$p50 / $true_p50" | bc -l | xargs printf '%.1fx /bin/true')"
    [ -n "$psql_p50" ] && ratio="$ratio, $(echo "$p50 / $psql_p50" | bc -l | xargs printf '%.2fx psql')"
  fi
  printf '  %-24s p50 %7.1f  p90 %7.1f  %s\n' "$label" "$p50" "$p90" "$ratio"
done
