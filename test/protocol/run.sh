#!/usr/bin/env bash
# Runs our port of the official Engine.IO v4 and Socket.IO v5 protocol test
# suites against cmd/conformance-server on a free port: `npm test` (both
# suites), or the npm script given as argument (test:engineio, test:socketio).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="$(mktemp -d)"
trap 'rm -rf "$bin"' EXIT
(cd "$root" && go build -o "$bin/conformance-server" ./cmd/conformance-server)
if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
cd "$here"
"$root/scripts/with-server.sh" "$bin/conformance-server" -addr 127.0.0.1:0 -- npm run --silent "${1:-test}"
