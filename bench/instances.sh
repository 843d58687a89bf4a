#!/usr/bin/env bash
# Instance benchmarks (issue 3). Prints numbers and ratios against floors measured in the same run.
# Uses the embedded database and a project copied from examples/hello-stack under a unique name.
# Needs a running Docker engine and the runtime images (`coast images build-runtime`).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
coast="$here/coast"
count="${COUNT:-10}"
work="$(mktemp -d /tmp/coast-bench-XXXX)"
project="bench$RANDOM"
cleanup() {
  (cd "$work/p" 2>/dev/null && "$coast" checkout --none >/dev/null 2>&1; "$coast" rm --all --timeout 5m >/dev/null 2>&1) || true
  docker rm -f coast-bench-floor >/dev/null 2>&1 || true
  docker volume rm -f coast-bench-floor >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }

cp -r "$here/examples/hello-stack" "$work/p"
sed -i "s/name = \"hello-stack\"/name = \"$project\"/" "$work/p/Coastfile"
cd "$work/p"
"$coast" build >/dev/null

# Floor: a bare DinD container until its engine answers, plus one inner container start.
t0=$(now)
docker run -d --name coast-bench-floor --cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined \
  --security-opt apparmor=unconfined --security-opt systempaths=unconfined -v /sys/fs/cgroup:/sys/fs/cgroup:rw \
  --cgroupns host -v coast-bench-floor:/var/lib/docker -v "$work/p:/host-project" coast/runtime:1 >/dev/null
until docker exec coast-bench-floor docker version >/dev/null 2>&1; do sleep 0.05; done
docker save coast/base:bookworm | docker exec -i coast-bench-floor docker load -q >/dev/null
docker exec coast-bench-floor docker run --rm coast/base:bookworm true
floor=$(secs "$t0" "$(now)")

t0=$(now); "$coast" run b1 >/dev/null; run=$(secs "$t0" "$(now)")
"$coast" run b2 >/dev/null
t0=$(now); "$coast" stop b1 >/dev/null; stop=$(secs "$t0" "$(now)")
t0=$(now); "$coast" start b1 >/dev/null; start=$(secs "$t0" "$(now)")

# Checkout switch: from invoking `coast checkout` to the first byte from the new instance on the canonical port.
t0=$(now); "$coast" get projects >/dev/null; cli_floor=$(secs "$t0" "$(now)")
"$coast" checkout b1 >/dev/null
t0=$(now)
"$coast" checkout b2 >/dev/null &
until curl -s -m 1 localhost:8080/cgi-bin/whoami 2>/dev/null | grep -q instance=b2; do :; done
switch=$(secs "$t0" "$(now)")
wait

for i in $(seq 3 "$count"); do "$coast" run "b$i" >/dev/null; done
pid=$("$coast" daemon status | awk '/running/{gsub(/\)/,"",$4); print $4}')
rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")

printf 'instance benchmark (hello-stack, images built)\n'
printf '  floor: bare DinD start + engine + image load + 1 inner container   %6.2f s\n' "$floor"
printf '  coast run (until every port answers)                                %6.2f s   %.2fx floor (target < 1.5x)\n' "$run" "$(echo "$run / $floor" | bc -l)"
printf '  coast stop                                                          %6.2f s\n' "$stop"
printf '  coast start (warm)                                                  %6.2f s   (target < 3 s)\n' "$start"
printf '  CLI floor (coast get projects)                                      %6.2f s\n' "$cli_floor"
printf '  checkout switch to first byte (includes one CLI start)              %6.2f s   (%.2f s beyond the CLI floor; target < 0.3 s)\n' "$switch" "$(echo "$switch - $cli_floor" | bc -l)"
printf '  controller RSS with %d running instances                            %6d MiB\n' "$count" "$((rss / 1024))"
