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

# Warm floor: the same DinD with two stopped inner web servers; start it until its engine answers and both run.
for n in 1 2; do
  docker exec coast-bench-floor docker create --name "w$n" -p "300$n:300$n" coast/base:bookworm busybox httpd -f -p "300$n" >/dev/null
done
docker stop -t 30 coast-bench-floor >/dev/null
t0=$(now)
docker start coast-bench-floor >/dev/null
until docker exec coast-bench-floor docker version >/dev/null 2>&1; do sleep 0.05; done
docker exec coast-bench-floor docker start w1 w2 >/dev/null
warm_floor=$(secs "$t0" "$(now)")
docker rm -f coast-bench-floor >/dev/null

t0=$(now); "$coast" run b1 >/dev/null; run=$(secs "$t0" "$(now)")
"$coast" run b2 >/dev/null
t0=$(now); "$coast" stop b1 >/dev/null; stop=$(secs "$t0" "$(now)")
t0=$(now); "$coast" start b1 >/dev/null; start=$(secs "$t0" "$(now)")
starts=("$start")
for _ in 1 2; do
  "$coast" stop b1 >/dev/null
  t0=$(now); "$coast" start b1 >/dev/null; starts+=("$(secs "$t0" "$(now)")")
done
log=$("$coast" daemon status | sed -n 's/^log: //p')
start_breakdown=$(grep "Instance/$project/b1 ready after" "$log" | tail -1 | sed 's/.*ready after //')

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

# Checkout switch: from invoking `coast checkout` to the first byte from the new instance on the canonical
# port. The request is sent once the command returns (a polling client would itself load the 2 cores), so
# each number is an upper bound; the controller swaps the forwarders as soon as the write commits.
cli_floors=(); for _ in 1 2 3 4 5; do t0=$(now); "$coast" get projects >/dev/null; cli_floors+=("$(secs "$t0" "$(now)")"); done
"$coast" checkout b1 >/dev/null
switches=(); target=b2
for _ in 1 2 3 4 5 6; do
  t0=$(now)
  "$coast" checkout "$target" >/dev/null
  curl -s -m 2 localhost:8080/cgi-bin/whoami | grep -q "instance=$target" || { echo "error: canonical port does not reach $target after checkout" >&2; exit 1; }
  switches+=("$(secs "$t0" "$(now)")")
  if [ "$target" = b2 ]; then target=b1; else target=b2; fi
done
"$coast" checkout --none >/dev/null
start=$(median "${starts[@]}"); switch=$(median "${switches[@]}"); cli_floor=$(median "${cli_floors[@]}")

for i in $(seq 3 "$count"); do "$coast" run "b$i" >/dev/null; done
pid=$("$coast" daemon status | awk '/running/{gsub(/\)/,"",$4); print $4}')
rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")

printf 'instance benchmark (hello-stack, images built)\n'
printf '  floor: bare DinD start + engine + image load + 1 inner container   %6.2f s\n' "$floor"
printf '  coast run (until every port answers)                                %6.2f s   %.2fx floor (target < 1.5x)\n' "$run" "$(echo "$run / $floor" | bc -l)"
printf '  coast stop                                                          %6.2f s\n' "$stop"
printf '  warm floor: DinD start + engine + 2 inner containers started       %6.2f s\n' "$warm_floor"
printf '  coast start (warm, median of 3)                                     %6.2f s   %.2fx warm floor (target < 3 s)\n' "$start" "$(echo "$start / $warm_floor" | bc -l)"
printf '    controller side of the last start: %s\n' "$start_breakdown"
printf '  CLI floor (coast get projects, median of 5)                         %6.2f s\n' "$cli_floor"
printf '  checkout switch to first byte (median of 6, includes one CLI start) %6.2f s   (%.2f s beyond the CLI floor; target < 0.3 s)\n' "$switch" "$(echo "$switch - $cli_floor" | bc -l)"
printf '  controller RSS with %d running instances                            %6d MiB\n' "$count" "$((rss / 1024))"
