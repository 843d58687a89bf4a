#!/usr/bin/env bash
# A "remote machine" on this one, for remote-mode tests and for trying remote mode without a second
# machine: a network namespace joined to the host by a veth pair, with its own OpenSSH sshd (key auth
# only, GatewayPorts clientspecified) and its own Docker engine.
#
#   remote-testhost.sh up|down|status|rekey [--name NAME]
#
# up      creates (or repairs) the host; idempotent; ends with exactly one line on stdout:
#         host=USER@ADDR:PORT key=PATH docker=unix:///PATH netns=NAME
# down    removes everything `up` made for NAME (containers, engine, sshd and its sessions, cgroup
#         dirs, veth, netns, state dir); safe when nothing is up; needs nothing but the name
# status  says what is up (exit 0 all up, 1 partly up, 3 nothing up)
# rekey   gives the host's sshd a new host key; prints fingerprint=SHA256:...
#
# State (keys, configs, pidfiles, logs, the engine's data) lives in one dir per name:
# ${COAST_TESTHOST_DIR:-/var/lib/coast-testhost}/NAME. The engine's socket and exec-root live in
# /run/coast-th-NAME (a unix socket path must stay short). Every process started here runs in the
# pids cgroup coast-th-NAME/daemons, so `down` finds each one by pid even without the state dir.
set -euo pipefail

self="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")"

die() { echo "remote-testhost: $*" >&2; exit 2; }
say() { echo "remote-testhost: $*" >&2; }

usage() { echo "usage: remote-testhost.sh up|down|status|rekey [--name NAME]" >&2; exit 2; }

# ---------- names derived from NAME (down needs nothing else) ----------
derive() {
  name="$1"
  [[ "$name" =~ ^[a-z0-9][a-z0-9-]{0,39}$ ]] \
    || die "--name must be 1-40 characters of a-z, 0-9 and '-', starting with a letter or digit (got '$name')"
  local h; h="$(printf '%s' "$name" | sha1sum | cut -c1-8)"
  hash_index=$(( (16#${h:0:4} % 250) + 1 ))
  netns="coast-th-$name"
  veth_host="cth${h}h"     # interface names are limited to 15 characters
  veth_remote="cth${h}r"
  cg="coast-th-$name"      # cgroup dir, in every hierarchy
  run_dir="/run/coast-th-$name"
  state_dir="${COAST_TESTHOST_DIR:-/var/lib/coast-testhost}/$name"
  # A state dir recorded by `up` wins, so `down` works even when COAST_TESTHOST_DIR differs.
  if [ -f "$run_dir/state-dir" ]; then state_dir="$(cat "$run_dir/state-dir")"; fi
  sock="$run_dir/docker.sock"
  user="root"
  ssh_port=22
}

# ---------- cgroups ----------
# The hierarchy used to track our processes: cgroup v1 'pids', else the v2 unified root.
track_root() {
  if [ -d /sys/fs/cgroup/pids ] && [ -f /sys/fs/cgroup/pids/cgroup.procs ]; then echo /sys/fs/cgroup/pids
  elif [ -f /sys/fs/cgroup/cgroup.procs ]; then echo /sys/fs/cgroup
  elif [ -f /sys/fs/cgroup/unified/cgroup.procs ]; then echo /sys/fs/cgroup/unified
  else die "no writable cgroup hierarchy found under /sys/fs/cgroup"; fi
}

# Every mounted cgroup hierarchy root (v1 controllers, name=systemd, v2).
cgroup_mounts() { awk '$3 == "cgroup" || $3 == "cgroup2" { print $2 }' /proc/self/mounts; }

# The mounts under /sys/fs/cgroup as "type mountpoint options" lines, replayed by the engine's launcher
# (ip netns exec gives it a fresh /sys without them).
cgroup_mount_plan() {
  awk '$2 ~ "^/sys/fs/cgroup" && ($3 == "tmpfs" || $3 == "cgroup" || $3 == "cgroup2") { print $3, $2, $4 }' /proc/self/mounts
}

# Runs "$@" (exec'd) inside our tracking cgroup, so the process and all its descendants are found by `down`.
in_tracking_cgroup() {
  local procs; procs="$(track_root)/$cg/daemons/cgroup.procs"
  echo "$BASHPID" > "$procs"
  exec "$@"
}

# ---------- checks ----------
# A process that exists and is not a zombie (an exited daemon stays a zombie until init reaps it).
running() { [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
pid_alive() { # pidfile comm
  [ -f "$1" ] || return 1
  local pid; pid="$(cat "$1" 2>/dev/null)"; [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  running "$pid" && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]
}
netns_up() { ip netns list 2>/dev/null | awk '{print $1}' | grep -qx "$netns"; }
veth_up() { ip link show "$veth_host" >/dev/null 2>&1; }
sshd_up() { pid_alive "$state_dir/sshd.pid" sshd; }
dockerd_up() { pid_alive "$state_dir/dockerd.pid" dockerd && docker -H "unix://$sock" info >/dev/null 2>&1; }
remote_addr() { ip -n "$netns" -4 -o addr show dev "$veth_remote" 2>/dev/null | awk '{print $4}' | cut -d/ -f1; }
fingerprint() { ssh-keygen -lf "$state_dir/ssh_host_ed25519_key.pub" | awk '{print $2}'; }

wait_for() { # seconds description command...
  local limit="$1" what="$2"; shift 2
  local deadline=$(( $(date +%s%N) + limit * 1000000000 ))
  until "$@"; do
    [ "$(date +%s%N)" -lt "$deadline" ] || { say "$what did not come up within ${limit} s"; return 1; }
    sleep 0.1
  done
}

# ---------- up ----------
ensure_packages() {
  local need=()
  [ -x /usr/sbin/sshd ] || need+=(openssh-server)
  command -v ssh-keygen >/dev/null 2>&1 || need+=(openssh-client)
  command -v ip >/dev/null 2>&1 || need+=(iproute2)
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  command -v flock >/dev/null 2>&1 || need+=(util-linux)
  if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  fi
}

# A subnet index whose 10.250.N.0/30 no interface or route on this host uses, starting from the name's hash.
pick_index() {
  local i n used
  used="$(ip -4 -o addr show; ip -4 route show)"
  for n in $(seq 0 249); do
    i=$(( ((hash_index - 1 + n) % 250) + 1 ))
    if ! grep -qE "10\.250\.$i\.[0-9]+" <<<"$used"; then echo "$i"; return; fi
  done
  die "no free 10.250.N.0/30 subnet left"
}

make_keys() {
  [ -f "$state_dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N "" -C "coast-testhost-$name" -f "$state_dir/id_ed25519"
  cp "$state_dir/id_ed25519.pub" "$state_dir/authorized_keys"
  [ -f "$state_dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N "" -C "coast-testhost-$name-host" -f "$state_dir/ssh_host_ed25519_key"
}

make_netns() {
  netns_up || ip netns add "$netns"
  if ! veth_up; then
    local i; i="$(pick_index)"
    ip link add "$veth_host" type veth peer name "$veth_remote" netns "$netns"
    ip addr add "10.250.$i.1/30" dev "$veth_host"
    ip link set "$veth_host" up
    ip -n "$netns" addr add "10.250.$i.2/30" dev "$veth_remote"
    ip -n "$netns" link set "$veth_remote" up
    ip -n "$netns" link set lo up
    echo "$i" > "$state_dir/index"
  fi
}

make_cgroup() { mkdir -p "$(track_root)/$cg/daemons"; }

start_sshd() {
  sshd_up && return 0
  mkdir -p /run/sshd
  cat > "$state_dir/sshd_config" <<EOF
# Written by scripts/remote-testhost.sh for test host '$name'.
Port $ssh_port
ListenAddress 0.0.0.0
HostKey $state_dir/ssh_host_ed25519_key
PidFile $state_dir/sshd.pid
AuthorizedKeysFile $state_dir/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
GatewayPorts clientspecified
SetEnv DOCKER_HOST=unix://$sock
PrintMotd no
LogLevel INFO
EOF
  rm -f "$state_dir/sshd.pid"
  # sshd daemonizes and writes its PidFile; the tracking cgroup keeps its sessions findable too.
  ( in_tracking_cgroup ip netns exec "$netns" /usr/sbin/sshd -f "$state_dir/sshd_config" -E "$state_dir/sshd.log" ) \
    </dev/null >/dev/null 2>&1 9>&- \
    || { tail -n 20 "$state_dir/sshd.log" >&2 || true; return 1; }
  wait_for 10 sshd sshd_up
}

start_dockerd() {
  dockerd_up && return 0
  if pid_alive "$state_dir/dockerd.pid" dockerd; then
    wait_for 60 dockerd dockerd_up && return 0 || return 1
  fi
  mkdir -p "$state_dir/docker" "$run_dir/exec"
  echo '{}' > "$state_dir/daemon.json"
  local i; i="$(cat "$state_dir/index")"
  local plan; plan="$(cgroup_mount_plan)"
  rm -f "$state_dir/dockerd.pid"
  # setsid + nohup: the engine outlives this script and the terminal that started it.
  COAST_TH_CGROUP_PLAN="$plan" setsid bash -c '
      echo "$$" > "$1"; shift; exec ip netns exec "$@"' _ "$(track_root)/$cg/daemons/cgroup.procs" \
      "$netns" bash "$self" __dockerd-inside \
      --config-file "$state_dir/daemon.json" \
      --data-root "$state_dir/docker" \
      --exec-root "$run_dir/exec" \
      --pidfile "$state_dir/dockerd.pid" \
      --host "unix://$sock" \
      --bip "10.251.$i.1/24" \
      --cgroup-parent "/$cg/containers" \
      </dev/null >>"$state_dir/dockerd.log" 2>&1 9>&- &
  wait_for 60 dockerd dockerd_up || { tail -n 20 "$state_dir/dockerd.log" >&2 || true; return 1; }
}

# Runs inside the namespace (a fresh /sys): replays the host's cgroup mounts, then becomes dockerd.
dockerd_inside() {
  while read -r type mountpoint options; do
    [ -n "$type" ] || continue
    mkdir -p "$mountpoint"
    mount -t "$type" -o "$options" "$type" "$mountpoint"
  done <<<"$COAST_TH_CGROUP_PLAN"
  exec dockerd "$@"
}

up() {
  [ "$(id -u)" = 0 ] || die "must run as root (it creates a network namespace)"
  ensure_packages
  mkdir -p "$state_dir" "$run_dir"
  chmod 700 "$state_dir"
  echo "$state_dir" > "$run_dir/state-dir"
  local fresh=1
  netns_up && fresh=0
  if ! { make_keys && make_netns && make_cgroup && start_sshd && start_dockerd; }; then
    if [ $fresh = 1 ]; then say "up failed; removing what it made"; down >&2 || true
    else say "up failed; run 'remote-testhost.sh down --name $name' to remove what is left"; fi
    exit 1
  fi
  echo "host=$user@$(remote_addr):$ssh_port key=$state_dir/id_ed25519 docker=unix://$sock netns=$netns"
}

# ---------- down ----------
kill_pidfile() { # pidfile comm seconds
  pid_alive "$1" "$2" || return 0
  local pid; pid="$(cat "$1")"
  kill -TERM "$pid" 2>/dev/null || true
  gone() { ! running "$pid"; }
  wait_for "$3" "$2 exit" gone || kill -KILL "$pid" 2>/dev/null || true
}

# The live pids in our tracking cgroup and every cgroup below it (zombies are already dead).
tracked_pids() {
  local root pid; root="$(track_root)/$cg"
  [ -d "$root" ] || return 0
  for pid in $(find "$root" -name cgroup.procs -exec cat {} + 2>/dev/null); do
    if running "$pid"; then echo "$pid"; fi
  done
}

kill_tracked() {
  local pids; pids="$(tracked_pids)"
  [ -n "$pids" ] || return 0
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  none_tracked() { [ -z "$(tracked_pids)" ]; }
  wait_for 10 "tracked processes exit" none_tracked \
    || { pids="$(tracked_pids)"; [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true; }
  wait_for 5 "killed processes exit" none_tracked
}

remove_cgroups() {
  local m
  for m in $(cgroup_mounts); do
    [ -d "$m/$cg" ] || continue
    # Deepest first; rmdir is the only way to remove a cgroup dir.
    find "$m/$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
    [ ! -d "$m/$cg" ] || say "warning: could not remove cgroup $m/$cg"
  done
}

down() {
  if [ -S "$sock" ] && docker -H "unix://$sock" info >/dev/null 2>&1; then
    local ids; ids="$(docker -H "unix://$sock" ps -aq)"
    # shellcheck disable=SC2086
    [ -z "$ids" ] || docker -H "unix://$sock" rm -f $ids >/dev/null
  fi
  kill_pidfile "$state_dir/dockerd.pid" dockerd 20
  kill_pidfile "$state_dir/sshd.pid" sshd 5
  kill_tracked
  remove_cgroups
  ! veth_up || ip link del "$veth_host"
  ! netns_up || ip netns del "$netns"
  # Nothing is mounted in this mount namespace by us, but a crashed engine could leave one under its dirs.
  local m
  for m in $(awk -v s="$state_dir" -v r="$run_dir" 'index($2, s) == 1 || index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r); do
    umount -l "$m" || true
  done
  rm -rf --one-file-system "$state_dir" "$run_dir"
  say "$name is down"
}

# ---------- status / rekey ----------
status() {
  local parts=0 total=4
  if netns_up; then say "netns $netns: present"; parts=$((parts+1)); else say "netns $netns: absent"; fi
  if veth_up; then say "veth $veth_host: present (remote address $(remote_addr))"; parts=$((parts+1)); else say "veth $veth_host: absent"; fi
  if sshd_up; then say "sshd: running (pid $(cat "$state_dir/sshd.pid"), host key $(fingerprint))"; parts=$((parts+1)); else say "sshd: not running"; fi
  if dockerd_up; then say "dockerd: running (pid $(cat "$state_dir/dockerd.pid"), $sock)"; parts=$((parts+1)); else say "dockerd: not running"; fi
  if [ $parts = $total ]; then
    echo "host=$user@$(remote_addr):$ssh_port key=$state_dir/id_ed25519 docker=unix://$sock netns=$netns"
    return 0
  fi
  [ $parts = 0 ] && return 3 || return 1
}

rekey() {
  sshd_up || die "$name is not up (run: remote-testhost.sh up --name $name)"
  rm -f "$state_dir/ssh_host_ed25519_key" "$state_dir/ssh_host_ed25519_key.pub"
  ssh-keygen -q -t ed25519 -N "" -C "coast-testhost-$name-host" -f "$state_dir/ssh_host_ed25519_key"
  local want; want="$(fingerprint)"
  # SIGHUP makes sshd re-exec itself and read the new key; the pid stays the same.
  kill -HUP "$(cat "$state_dir/sshd.pid")"
  local addr; addr="$(remote_addr)"
  serves_new_key() { [ "$(ssh-keyscan -T 1 -t ed25519 -p "$ssh_port" "$addr" 2>/dev/null | ssh-keygen -lf - 2>/dev/null | awk '{print $2}')" = "$want" ]; }
  wait_for 10 "sshd with the new host key" serves_new_key
  echo "fingerprint=$want"
}

# ---------- main ----------
[ $# -ge 1 ] || usage
verb="$1"; shift
if [ "$verb" = __dockerd-inside ]; then dockerd_inside "$@"; fi
name_arg="testhost"
while [ $# -gt 0 ]; do
  case "$1" in
    --name) [ $# -ge 2 ] || die "--name needs a value"; name_arg="$2"; shift 2 ;;
    --name=*) name_arg="${1#--name=}"; shift ;;
    *) die "unknown argument '$1' (usage: remote-testhost.sh up|down|status|rekey [--name NAME])" ;;
  esac
done
derive "$name_arg"
[ "$(id -u)" = 0 ] || die "must run as root (it manages a network namespace)"
mkdir -p /run/lock
# One lock for all names: two `up`s must not pick the same subnet.
exec 9>/run/lock/coast-testhost.lock
flock 9
case "$verb" in
  up) up ;;
  down) down ;;
  status) status ;;
  rekey) rekey ;;
  *) usage ;;
esac
