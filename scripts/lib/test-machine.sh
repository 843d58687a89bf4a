# Sourced by scripts/test.sh: what a test run may leave on this machine, and how it takes it back.
#
# A run has an id (COAST_TEST_RUN) and a state dir, $COAST_TEST_RUNS/<id>, holding its pid, a snapshot
# of the machine taken before it began, and the engine it started, if any. What the run makes is
# found again by two marks set only for the test processes:
#   - the label coast.test.run=<id> on every container, volume and image (COAST_EXTRA_LABELS);
#   - the variable COAST_TEST_RUN=<id> in the environment of every process they start (read from
#     /proc/<pid>/environ: the only processes this script ever signals, by pid).
# Temp files go to the run's own TMPDIR inside the state dir.

COAST_TEST_RUNS="${COAST_TEST_RUNS:-/tmp/coast-test-runs}"
TM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=processes.sh
source "$TM_ROOT/scripts/lib/processes.sh"

# Pids of live processes whose environment carries COAST_TEST_RUN=$1.
tm_marked_pids() {
  local id="$1" env pid
  for env in /proc/[0-9]*/environ; do
    pid="${env#/proc/}"; pid="${pid%/environ}"
    [ "$pid" = "$$" ] && continue
    # -z: entries are NUL-separated; -x: the whole entry; -s: a process that just ended is no error.
    if grep -qsxzF "COAST_TEST_RUN=$id" "$env"; then echo "$pid"; fi
  done
}

# SIGTERM the marked processes, wait up to 10 s, then SIGKILL what is left.
tm_stop_marked() {
  local id="$1" pids
  pids=$(tm_marked_pids "$id")
  [ -z "$pids" ] && return 0
  kill -TERM $pids 2>/dev/null || true
  for _ in $(seq 1 50); do
    pids=$(tm_marked_pids "$id"); [ -z "$pids" ] && return 0
    sleep 0.2
  done
  kill -KILL $pids 2>/dev/null || true
  for _ in $(seq 1 25); do [ -z "$(tm_marked_pids "$id")" ] && return 0; sleep 0.2; done
}

tm_engine_up() { docker info >/dev/null 2>&1; }

# Containers, volumes, networks and images labelled with run $1 are removed. Coast's offline runtime
# images (label coast.dev/image-recipe) are a machine-wide cache and stay, as docs/operations.md says.
tm_remove_labelled() {
  local id="$1" label="coast.test.run=$1" c v n i
  tm_engine_up || return 0
  c=$(docker ps -aq --filter "label=$label"); [ -n "$c" ] && docker rm -f -v $c >/dev/null 2>&1
  v=$(docker volume ls -q --filter "label=$label"); [ -n "$v" ] && docker volume rm -f $v >/dev/null 2>&1
  n=$(docker network ls -q --filter "label=$label"); [ -n "$n" ] && docker network rm $n >/dev/null 2>&1
  for i in $(docker images -q --filter "label=$label" | sort -u); do
    [ -n "$(docker image inspect -f '{{index .Config.Labels "coast.dev/image-recipe"}}' "$i" 2>/dev/null)" ] && continue
    docker rmi -f "$i" >/dev/null 2>&1
  done
  # Intermediate containers of a failed legacy build carry no label; they are children of our images
  # and are removed with them by `rmi -f`, or found by the snapshot comparison below.
  return 0
}

# Everything a run made, found by its marks; used at the end of a run and for stale runs.
tm_reap_run() {
  local id="$1" dir="$COAST_TEST_RUNS/$1"
  tm_stop_marked "$id"
  tm_remove_labelled "$id"
  # Remote test hosts of the run (named ct-<id>-..., see tests/Coast.Tests/Remote/RemoteTestHost.cs).
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^coast-th-ct-${id}-"); do
    bash "$TM_ROOT/scripts/remote-testhost.sh" down --name "${ns#coast-th-}" >/dev/null 2>&1 \
      || echo "coast-test: could not take down test host ${ns#coast-th-}"
  done
  rm -rf --one-file-system "$dir/tmp"
}

# A run whose script is gone (killed, machine rebooted) left its state dir: take back what it made.
# If it had started the engine, this run adopts that engine and stops it at its end.
tm_reap_stale_runs() {
  local dir id pid
  for dir in "$COAST_TEST_RUNS"/*/; do
    [ -d "$dir" ] || continue
    id=$(basename "$dir"); pid=$(cat "$dir/pid" 2>/dev/null || echo 0)
    [ "$pid" -gt 0 ] && kill -0 "$pid" 2>/dev/null && continue
    echo "coast-test: removing leftovers of an earlier, interrupted run $id"
    tm_reap_run "$id"
    if [ -f "$dir/engine.pid" ] && [ ! -f "$RUN_DIR/engine.pid" ]; then
      mv "$dir/engine.pid" "$RUN_DIR/engine.pid"
      [ -f "$dir/iptables.before" ] && mv "$dir/iptables.before" "$RUN_DIR/iptables.before"
      [ -f "$dir/links.engine" ] && mv "$dir/links.engine" "$RUN_DIR/links.engine"
    fi
    rm -rf --one-file-system "$dir"
  done
}

# One file per aspect of the machine, for tm_compare. The engine's objects are read while it runs;
# the host's links, mounts and /tmp before the engine is started and after it is stopped.
tm_snapshot_docker() {
  local out="$1"
  mkdir -p "$out"
  if tm_engine_up; then
    # Objects labelled by another run going on at the same time are that run's business.
    docker ps -a --no-trunc --format '{{.ID}} {{.Label "coast.test.run"}}' | tm_not_others > "$out/containers"
    docker volume ls --format '{{.Name}} {{.Label "coast.test.run"}}' | tm_not_others > "$out/volumes"
    docker network ls --no-trunc --format '{{.ID}} {{.Label "coast.test.run"}}' | tm_not_others > "$out/networks"
    docker images -q --no-trunc | sort -u > "$out/images"
  else
    local f; for f in containers volumes networks images; do : > "$out/$f"; done
  fi
}

# "name run-label" lines in, the names not labelled by another run out (sorted).
tm_not_others() { awk -v me="$RUN_ID" '$2 == "" || $2 == me { print $1 }' | sort -u; }

tm_snapshot_host() {
  local out="$1"
  mkdir -p "$out"
  ip netns list 2>/dev/null | awk '{print $1}' | sort > "$out/netns"
  # Links by name; a veth enslaved to a bridge is a container's and is covered by the container list.
  ip -o link show 2>/dev/null | grep -v ' master ' | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | sort > "$out/links"
  # Mount points, leaving out the engine's own per-container mounts (covered by the container list).
  awk '{print $5}' /proc/self/mountinfo | grep -v -e '^/var/lib/docker/' -e '^/run/docker/' -e '^/var/run/docker/' | sort -u > "$out/mounts"
  # Entries of /tmp; this run's own state lives in $COAST_TEST_RUNS.
  find /tmp -mindepth 1 -maxdepth 1 -not -path "$COAST_TEST_RUNS" -printf '%f\n' 2>/dev/null | sort > "$out/tmp"
}

# What the run's own marks still find (before they are reaped): "kind: items" lines.
tm_marked_leftovers() {
  local id="$1" label="coast.test.run=$1" pid items
  items=""
  for pid in $(tm_marked_pids "$id"); do items+="$pid($(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | cut -c1-60)) "; done
  [ -n "$items" ] && echo "processes: ${items% }"
  if tm_engine_up; then
    items=$(docker ps -a --filter "label=$label" --format '{{.Names}}' | tr '\n' ' ')
    [ -n "$items" ] && echo "containers: ${items% }"
    items=$(docker volume ls --filter "label=$label" --format '{{.Name}}' | tr '\n' ' ')
    [ -n "$items" ] && echo "volumes: ${items% }"
  fi
  return 0
}

# Lines "kind: new items" for what is in snapshot $2 and not in snapshot $1.
# `ip netns add` mounts /run/netns on its first use on a machine; when this run made that mount and no
# namespace is left in it, take it back so the host looks as it did before the run.
tm_release_netns_dir() {
  local before="$1"
  grep -qx /run/netns "$before/mounts" 2>/dev/null && return 0
  [ -z "$(ip netns list 2>/dev/null)" ] || return 0
  while awk '{print $5}' /proc/self/mountinfo | grep -qx /run/netns; do umount /run/netns 2>/dev/null || break; done
}

tm_compare() {
  local before="$1" after="$2" what new
  for what in $(ls "$after"); do
    [ -f "$before/$what" ] || continue
    new=$(comm -13 "$before/$what" "$after/$what" | head -20 | tr '\n' ' ')
    [ -n "$new" ] && echo "$what: ${new% }"
  done
  return 0
}

# Stops the engine this run started: SIGTERM to its pid, wait (bounded) until it has exited and
# released its mounts, then take back the bridge and the firewall rules it added.
tm_stop_engine() {
  local pid; pid=$(cat "$RUN_DIR/engine.pid" 2>/dev/null) || return 0
  # Another run still going on this machine uses the engine too: it inherits the duty to stop it.
  local dir other
  for dir in "$COAST_TEST_RUNS"/*/; do
    [ "$dir" = "$RUN_DIR/" ] && continue
    other=$(cat "$dir/pid" 2>/dev/null || echo 0)
    if [ "$other" -gt 0 ] && kill -0 "$other" 2>/dev/null && [ ! -f "$dir/engine.pid" ]; then
      mv "$RUN_DIR/engine.pid" "$RUN_DIR/iptables.before" "$RUN_DIR/links.engine" "$dir" 2>/dev/null
      echo "coast-test: dockerd ($pid) left running for run $(basename "$dir"), which will stop it"
      return 0
    fi
  done
  stop_pid "$pid" 30 "coast-test: dockerd"
  for _ in $(seq 1 50); do grep -q ' /var/lib/docker' /proc/self/mountinfo || break; sleep 0.2; done
  ip link show docker0 >/dev/null 2>&1 && ! grep -qx docker0 "$RUN_DIR/links.engine" 2>/dev/null && ip link del docker0 2>/dev/null
  [ -f "$RUN_DIR/iptables.before" ] && iptables-restore < "$RUN_DIR/iptables.before" 2>/dev/null
  rm -f "$RUN_DIR/engine.pid"
}
