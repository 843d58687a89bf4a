#!/usr/bin/env bash
# Gives the machine back after scripts/setup.sh: removes every Coast instance of the default database
# (the demo dev-1 among them, with its containers and volumes) and the projects' shared services (the
# CRM demo's Postgres and Redis; data volumes kept unless --purge), releases the checked-out ports,
# stops the controller and the embedded database, and stops the Docker engine if setup.sh started it.
#   scripts/teardown.sh [--purge]   --purge also deletes the Coast home (the database's data), Coast's
#                                   images (runtime images and builds) and the /usr/local/bin/coast link.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
coast="$here/coast"
# shellcheck source=lib/processes.sh
source "$here/scripts/lib/processes.sh"
state="${COAST_SETUP_STATE:-/var/lib/coast-setup}"
purge=""; [ "${1:-}" = "--purge" ] && purge=1

if docker info >/dev/null 2>&1; then
  echo "== instances"
  # Checkouts first (their canonical ports), then every instance of every project.
  for project in $("$coast" get projects -A -o json 2>/dev/null | grep -o '"namespace": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' | sort -u); do
    "$coast" checkout --none -p "$project" >/dev/null 2>&1 || true
  done
  "$coast" rm --all -A || echo "warning: some instances could not be removed; see \`coast ls\`"
  # Then the projects' shared services (the CRM demo's Postgres and Redis); their data volumes stay unless --purge.
  for project in $("$coast" get projects -A -o json 2>/dev/null | grep -o '"namespace": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/' | sort -u); do
    "$coast" shared-services rm -p "$project" ${purge:+--volumes} >/dev/null 2>&1 || true
  done
fi
echo "== controller"
"$coast" daemon stop || true
if [ -n "$purge" ] && docker info >/dev/null 2>&1; then
  echo "== images"
  ids=$(docker images -q --filter label=coast.managed=true; docker images -q --filter label=coast.dev/image-recipe)
  [ -n "$ids" ] && docker rmi -f $(echo "$ids" | sort -u) >/dev/null
fi
echo "== database"
"$coast" db stop || true
if [ -f "$state/engine.pid" ]; then
  pid=$(cat "$state/engine.pid")
  kill -0 "$pid" 2>/dev/null && echo "== docker engine (pid $pid, started by setup.sh)"
  stop_pid "$pid" 30 dockerd
  rm -f "$state/engine.pid"
fi
if [ -n "$purge" ]; then
  echo "== files"
  home="${COAST_HOME:-}"; [ -z "$home" ] && { [ "$(id -u)" = 0 ] && home=/var/lib/coast || home="$HOME/.coast"; }
  rm -rf --one-file-system "$home" "$state"
  case "$(readlink /usr/local/bin/coast 2>/dev/null)" in "$here/coast"|"$here/artifacts/cli/coast") rm -f /usr/local/bin/coast ;; esac
fi
echo "teardown done"
