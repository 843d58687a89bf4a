# Sourced by scripts: stopping a process this machine's Coast scripts started, by its pid only.

# stop_pid PID SECONDS NAME: SIGTERM, wait up to SECONDS for it to exit, then SIGKILL. Silent if it is gone.
stop_pid() {
  local pid="$1" seconds="$2" name="$3"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null
  for _ in $(seq 1 $((seconds * 5))); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.2; done
  echo "$name ($pid) did not exit in $seconds s; killing it"
  kill -KILL "$pid" 2>/dev/null
  return 0
}
