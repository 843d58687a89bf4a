#!/usr/bin/env bash
# The main job on a fresh Debian machine: installs what Coast needs, builds the native CLI and coastd (the
# controller), puts `coast` on PATH, starts the embedded database and the controller, and brings up the demo project.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

bash scripts/install-deps.sh
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK (dotnet) is required and was not found" >&2; exit 1; }
# Remember an engine this script starts, so scripts/teardown.sh stops that one and no other.
state="${COAST_SETUP_STATE:-/var/lib/coast-setup}"
if ! docker info >/dev/null 2>&1; then
  bash scripts/start-dockerd.sh
  mkdir -p "$state" && cat /var/run/docker.pid > "$state/engine.pid"
fi

./coast --help >/dev/null            # publishes artifacts/cli/coast (native) and coastd on first use
# The native binary itself, not the ./coast launcher: no shell and no source check per command (./coast
# rebuilds in place when the sources change).
ln -sf "$here/artifacts/cli/coast" /usr/local/bin/coast 2>/dev/null || echo "note: could not link /usr/local/bin/coast; use $here/coast"

echo "== remote agent (for coast remote setup)"
agent_dist="${COAST_AGENT_DIST:-${COAST_HOME:-$HOME/.coast}/agent/linux-x64}"
[ -x "$agent_dist/coast-agent" ] || bash scripts/publish-agent.sh "$agent_dist" \
  || echo "note: could not publish the remote agent; run scripts/publish-agent.sh before coast remote setup" >&2
echo "== database"
./coast db start
echo "== controller"
./coast daemon start
echo "== demo project (examples/crm-demo)"
if [ -f examples/crm-demo/Coastfile ] && ./coast build --help >/dev/null 2>&1; then
  # Safe to run again: an existing dev-1 is started rather than created. The first run builds Coast's Postgres
  # and Redis images and the project's images (a few minutes) and installs the frontend's npm packages.
  (cd examples/crm-demo && ../../coast build \
    && { if ../../coast get instance dev-1 >/dev/null 2>&1; then ../../coast start dev-1; else ../../coast run dev-1; fi; } \
    && ../../coast checkout dev-1)
  echo "== integration suite against dev-1 (localhost:4000)"
  node examples/crm-demo/test/integration.mjs http://localhost:4000 --expect-database dev_1 --wait 120
  echo "CRM demo: frontend http://localhost:3000, API http://localhost:4000/api/health (examples/hello-stack is the small example)"
else
  ./coast apply -f manifests/examples/demo.yaml
  ./coast wait checkout demo -p demo --for condition=Ready --timeout 60s
  ./coast get projects -A
  ./coast get checkouts -A
fi
