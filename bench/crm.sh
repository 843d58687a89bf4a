#!/usr/bin/env bash
# CRM demo benchmark (issue 9): cold and warm `coast run` of examples/crm-demo until its integration suite passes
# (and the frontend answers), next to floors measured in the same run: the same images started with plain
# `docker run` on the host engine. Uses the embedded database and a copy of the example under a unique name.
# Needs a running Docker engine and node on the host. Runs its own controller (`coast daemon start`) on its own
# embedded database in a throwaway COAST_HOME, stopped and removed afterwards, also on failure.
#   COAST=/path/to/coast   the CLI to use (default: this checkout's ./coast, the native build)
#   COAST=dll              this checkout's Debug build (after `dotnet build`), copied first so a rebuild during the run
#                          does not change it
set -euo pipefail
{ # read whole before it runs: an edit of this file during a run does not change the run
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/coast-crm-bench-XXXX)"
chmod 755 "$work"   # the embedded database runs as the postgres user, which must reach COAST_HOME
export COAST_HOME="$work/home" COAST_NO_AUTOSTART=1
coast="${COAST:-$here/coast}"
if [ "$coast" = dll ]; then
  cp -r "$here/cli/bin/Debug/net10.0" "$work/cli"; cp -r "$here/controller/Daemon/bin/Debug/net10.0" "$work/coastd"
  export COAST_COASTD="$work/coastd/coastd.dll"
  coast="$work/coast"; printf '#!/bin/sh\nexec dotnet %q "$@"\n' "$work/cli/coast.dll" > "$coast"; chmod +x "$coast"
fi
project="crmbench$RANDOM"
floor=crmfloor$RANDOM
cleanup() {
  (cd "$work/p" 2>/dev/null && "$coast" rm --all --timeout 5m >/dev/null 2>&1; "$coast" shared-services rm --force --volumes >/dev/null 2>&1) || true
  "$coast" daemon stop >/dev/null 2>&1 || true
  "$coast" db stop >/dev/null 2>&1 || true
  docker rm -f "$floor-pg" "$floor-redis" "$floor-backend" "$floor-web" >/dev/null 2>&1 || true
  docker network rm "$floor" "coast-shared-$project" >/dev/null 2>&1 || true
  # Whatever the controller could not remove (it carries the project's label): containers, then volumes and networks.
  ids=$(docker ps -aq --filter "label=coast.project=$project"); [ -n "$ids" ] && docker rm -f $ids >/dev/null 2>&1 || true
  ids=$(docker volume ls -q --filter "label=coast.project=$project"); [ -n "$ids" ] && docker volume rm -f $ids >/dev/null 2>&1 || true
  for v in npm-cache crm-pgdata crm-redisdata; do docker volume rm -f "coast-shared--$project--$v" >/dev/null 2>&1 || true; done
  ids=$(docker images -q --filter "reference=coast-$project/*"); [ -n "$ids" ] && docker rmi -f $ids >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc; }
suite() { # PORT: the integration suite against that backend; its last lines on stderr when it fails
  local out; out=$(node "$here/examples/crm-demo/test/integration.mjs" "http://127.0.0.1:$1" --wait 180 2>&1) || { echo "$out" | tail -5 >&2; return 1; }
}
answers() { # PORT: until the frontend serves its page, 180 s at most
  local end=$((SECONDS + 180))
  until curl -sf -m 5 "http://127.0.0.1:$1/" 2>/dev/null | grep -q "CRM demo"; do
    [ $SECONDS -lt $end ] || { echo "error: port $1 did not serve the CRM demo page within 180 s" >&2; return 1; }
    sleep 0.2
  done
}
port_of() { echo "$1" | awk -v s="$2" '$1 == s && $3 ~ /^[0-9]+$/ {print $3}'; }

cp -r "$here/examples/crm-demo" "$work/p"
rm -rf "$work/p/frontend/node_modules" "$work/p/frontend/.next"
sed -i "s/name = \"crm-demo\"/name = \"$project\"/" "$work/p/Coastfile"
# On assign the dev server restarts (its private .next is emptied at each switch); the backend follows `default`.
printf '\n[assign.services]\nweb = "restart"\n' >> "$work/p/Coastfile"
cd "$work/p"
# A git repository with a second worktree for the assign lines: `feature` differs in one backend file.
git init -q -b main . && git add -A && git -c user.email=bench@coast -c user.name=bench commit -qm bench
git worktree add -q .worktrees/feature -b feature
echo "// feature branch" >> .worktrees/feature/backend/src/routes.js
"$coast" db start >/dev/null
"$coast" daemon start >/dev/null
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
t0=$(now); "$coast" build >/dev/null; build=$(secs "$t0" "$(now)")

# First run: the shared services are created and the frontend's npm packages are downloaded and installed.
t0=$(now); out=$("$coast" run b1 --timeout 10m); suite "$(port_of "$out" backend)"; answers "$(port_of "$out" web)"; first=$(secs "$t0" "$(now)")

# Cold: a new instance (new DinD, empty inner engine: its images are loaded), shared services already running.
t0=$(now); out=$("$coast" run b2 --timeout 10m); suite "$(port_of "$out" backend)"; answers "$(port_of "$out" web)"; cold=$(secs "$t0" "$(now)")
b2_backend=$(port_of "$out" backend); b2_web=$(port_of "$out" web)

# Warm: stop and start b2 (same container, inner containers only started again), median of 3.
warms=()
for _ in 1 2 3; do
  "$coast" stop b2 >/dev/null
  t0=$(now); "$coast" start b2 >/dev/null; suite "$b2_backend"; answers "$b2_web"; warms+=("$(secs "$t0" "$(now)")")
done

# Assign: b2 to the feature worktree and back, until the command returns and the suite passes against the backend.
# `restart` is the Coastfile's default (the backend container restarts); for `hot` the default becomes hot (the
# backend is left running) and the Project is applied again. The web dev server restarts in both (the page is
# checked after each, untimed). The worktree gets the root's node_modules (hard links), as `npm install` there would.
cp -al frontend/node_modules .worktrees/feature/frontend/
assign_to() { # worktree ("-" = unassign)
  local t0 took; t0=$(now)
  if [ "$1" = - ]; then "$coast" unassign b2 >/dev/null; else "$coast" assign b2 -w "$1" >/dev/null; fi
  suite "$b2_backend"; took=$(secs "$t0" "$(now)"); answers "$b2_web"; echo "$took"
}
assign_restart=$(assign_to feature); assign_restart_back=$(assign_to -)
sed -i 's/^default = "restart"/default = "hot"/' Coastfile
"$coast" apply -f Coastfile >/dev/null
assign_hot=$(assign_to feature); assign_hot_back=$(assign_to -)

# Floors: the same images with plain docker on the host engine. Postgres and Redis are started beforehand (as the
# shared services were for b2); timed is the backend container and `next dev` in the instance image, with the
# project mounted (node_modules already installed), until the same suite passes and the page answers.
backend_image=$(docker images --filter "label=coast.project=$project" --format '{{.Repository}}:{{.Tag}}' | grep -i backend | head -1)
instance_image=$(docker inspect -f '{{.Config.Image}}' "$project-coasts-b2")
docker network create "$floor" >/dev/null
docker run -d --name "$floor-pg" --network "$floor" --network-alias postgres -e POSTGRES_PASSWORD=postgres coast/postgres:15 >/dev/null
docker run -d --name "$floor-redis" --network "$floor" --network-alias redis coast/redis:7 >/dev/null
until docker exec "$floor-pg" psql -U postgres -tAc "create database crm" >/dev/null 2>&1; do sleep 0.2; done
t0=$(now)
docker run -d --name "$floor-backend" --network "$floor" --network-alias backend -p 127.0.0.1::4000 -e DATABASE_URL=postgres://postgres:postgres@postgres:5432/crm \
  -e REDIS_URL=redis://redis:6379 -v "$work/p/backend/src:/app/src:ro" "$backend_image" >/dev/null
docker run -d --name "$floor-web" --network "$floor" -p 127.0.0.1::3000 -e BACKEND_URL=http://backend:4000 -e NEXT_TELEMETRY_DISABLED=1 \
  -v "$work/p:/workspace" --tmpfs /workspace/frontend/.next -w /workspace/frontend --entrypoint node "$instance_image" \
  node_modules/next/dist/bin/next dev -H 0.0.0.0 -p 3000 >/dev/null
fb=$(docker port "$floor-backend" 4000/tcp | head -1 | sed 's/.*://'); fw=$(docker port "$floor-web" 3000/tcp | head -1 | sed 's/.*://')
suite "$fb" || { docker logs --tail 5 "$floor-backend" >&2; exit 1; }; answers "$fw"; cold_floor=$(secs "$t0" "$(now)")
warm_floors=()
for _ in 1 2 3; do
  docker stop -t 10 "$floor-backend" "$floor-web" >/dev/null
  t0=$(now); docker start "$floor-backend" "$floor-web" >/dev/null
  fb=$(docker port "$floor-backend" 4000/tcp | head -1 | sed 's/.*://'); fw=$(docker port "$floor-web" 3000/tcp | head -1 | sed 's/.*://')
  suite "$fb"; answers "$fw"; warm_floors+=("$(secs "$t0" "$(now)")")
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
warm=$(median "${warms[@]}"); warm_floor=$(median "${warm_floors[@]}")
printf 'CRM demo benchmark (until the integration suite passes and the frontend serves its page)\n'
printf '  coast build (backend and instance images; Postgres/Redis images if missing)  %7.2f s\n' "$build"
printf '  first coast run (shared services created, npm install of the frontend)       %7.2f s\n' "$first"
printf '  cold floor: docker run backend + next dev (same images, db and redis up)     %7.2f s\n' "$cold_floor"
printf '  cold coast run (new instance: DinD, image load, compose, bare service)       %7.2f s   %.2fx floor (Coasts: 20+ s)\n' "$cold" "$(echo "$cold / $cold_floor" | bc -l)"
printf '  warm floor: docker start of the same two containers (median of 3)            %7.2f s\n' "$warm_floor"
printf '  warm coast start after coast stop (median of 3)                              %7.2f s   %.2fx floor (Coasts: under 10 s)\n' "$warm" "$(echo "$warm / $warm_floor" | bc -l)"
printf '  coast assign, backend restart: to feature, back (until the suite passes)    %7.2f s  %7.2f s\n' "$assign_restart" "$assign_restart_back"
printf '  coast assign, backend hot: to feature, back (until the suite passes)        %7.2f s  %7.2f s\n' "$assign_hot" "$assign_hot_back"
printf '  load average (1, 5, 15 min) before: %s  after: %s  (%s cores)\n' "$load_before" "$load_after" "$(nproc)"
printf "controller's phase lines (instance ready after ...):\n"
"$coast" daemon logs -n 2000 2>/dev/null | grep -E "instance Instance/$project/b[12] .* after" | sed 's/^/  /' || true
exit
}
