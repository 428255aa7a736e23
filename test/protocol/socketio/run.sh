#!/usr/bin/env bash
# Runs the protocol suites against cmd/conformance-server: builds it,
# starts it on a free loopback port, installs the pinned test dependencies
# with npm ci and runs `npm test` (Engine.IO and Socket.IO suites), or the
# npm script given as first argument (e.g. test:socketio).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
proto="$(cd "$here/.." && pwd)"
root="$(cd "$proto/../.." && pwd)"
script="${1:-test}"
tmp="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$root" && go build -o "$tmp/conformance-server" ./cmd/conformance-server)
(cd "$proto" && npm ci --no-audit --no-fund --loglevel=error)

"$tmp/conformance-server" -addr 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^listening on //p' "$tmp/out")"
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "protocol: the conformance server did not start" >&2
  cat "$tmp/err" >&2
  exit 1
fi
echo "protocol: npm run $script against $url"
cd "$proto"
SERVER_URL="$url" npm run --silent "$script"
