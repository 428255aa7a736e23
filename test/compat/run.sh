#!/usr/bin/env bash
# Runs the compatibility tests: builds the Go test server, installs the
# pinned socket.io-client with npm ci, starts the server on a free port and
# runs node --test against it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$root" && go build -o "$tmp/compat-server" ./test/compat/server)
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)

"$tmp/compat-server" -addr 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^listening on //p' "$tmp/out")"
  [ -n "$url" ] && break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "compat: the test server did not start" >&2
  cat "$tmp/err" >&2
  exit 1
fi
echo "compat: socket.io-client $(node -p "require('$here/node_modules/socket.io-client/package.json').version") against $url"
cd "$here"
SERVER_URL="$url" node --test --test-concurrency=1 "$@"
