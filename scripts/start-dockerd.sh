#!/usr/bin/env bash
# Starts the Docker engine in the background when none answers (no systemd on these machines). Idempotent.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
command -v dockerd >/dev/null || { echo "error: dockerd not installed (scripts/install-deps.sh installs docker.io)" >&2; exit 1; }
echo "coast: starting dockerd (log: /var/log/coast-dockerd.log)"
# setsid: the engine must outlive this script and the terminal that started it.
setsid dockerd >/var/log/coast-dockerd.log 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then exit 0; fi
  sleep 0.5
done
echo "error: dockerd did not answer within 30 s; see /var/log/coast-dockerd.log" >&2
tail -n 20 /var/log/coast-dockerd.log >&2 || true
exit 1
