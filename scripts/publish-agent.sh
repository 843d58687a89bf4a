#!/usr/bin/env bash
# Publishes the remote agent for `coast remote setup`: self-contained for linux-x64 as one file (the remote
# needs no .NET), into OUT_DIR (default $COAST_AGENT_DIST, then $COAST_HOME/agent/linux-x64, then
# ~/.coast/agent/linux-x64), the directory the controller installs it from. Works offline once the
# linux-x64 runtime packs are in the NuGet cache.
#   scripts/publish-agent.sh [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-${COAST_AGENT_DIST:-${COAST_HOME:-$HOME/.coast}/agent/linux-x64}}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
dotnet publish "$here/remote-agent" -c Release -r linux-x64 --self-contained \
  -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:EnableCompressionInSingleFile=true \
  -p:DebugType=none --disable-build-servers -o "$tmp" --nologo -v quiet -clp:ErrorsOnly >&2
mkdir -p "$out"
# Replace atomically: a controller reading the old file never sees a half-written one.
cp "$tmp/coast-agent" "$out/coast-agent.part"
chmod 755 "$out/coast-agent.part"
mv -f "$out/coast-agent.part" "$out/coast-agent"
echo "$out/coast-agent"
