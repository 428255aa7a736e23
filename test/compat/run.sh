#!/usr/bin/env bash
# Runs the compatibility tests: builds the Go test server, installs the
# pinned socket.io-client with npm ci, starts the server on a free port and
# runs node --test against it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT

(cd "$root" && go build -o "$bin/compat-server" ./test/compat/server)
if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "compat: socket.io-client $(node -p "require('$here/node_modules/socket.io-client/package.json').version")"
cd "$here"
"$root/scripts/with-server.sh" "$bin/compat-server" -addr 127.0.0.1:0 -- node --test --test-concurrency=1 "$@"
