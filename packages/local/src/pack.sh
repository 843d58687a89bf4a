#!/usr/bin/env bash
# Rebuilds ../patched.distributedlock.postgres.1.3.3.nupkg from the nuspec beside this script.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp Patched.DistributedLock.Postgres.nuspec "$tmp/"
(cd "$tmp" && python3 -c "import zipfile;z=zipfile.ZipFile('out.nupkg','w',zipfile.ZIP_DEFLATED);z.write('Patched.DistributedLock.Postgres.nuspec');z.close()")
mv "$tmp/out.nupkg" ../patched.distributedlock.postgres.1.3.3.nupkg
