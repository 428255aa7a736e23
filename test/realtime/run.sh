#!/usr/bin/env bash
# Runs the acceptance tests of the real-time event system (issue 5): builds
# livedesk, installs the pinned socket.io-client with npm ci when needed and
# runs node --test. Each test file starts its own `livedesk serve` processes
# on free ports and temporary databases, and stops them.
#
#   test/realtime/run.sh                     # every file
#   test/realtime/run.sh latency.test.mjs    # one file
#   test/realtime/run.sh --test-name-pattern=expir auth.test.mjs
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
tmp="$(mktemp -d)"
node_pid=""
cleanup() {
  # The test runner and every server it started share one process group.
  if [ -n "$node_pid" ]; then kill -KILL -- "-$node_pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

(cd "$root" && go build -o "$tmp/livedesk" ./cmd/livedesk)
if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

cd "$here"
# Arguments go to node --test; without a test file among them, every file runs.
args=("$@")
case " $* " in *.mjs\ *) ;; *) args+=(*.test.mjs) ;; esac
echo "realtime: $("$tmp/livedesk" version 2>/dev/null | head -1), socket.io-client $(node -p "require('./node_modules/socket.io-client/package.json').version")"
# Files run one at a time (the latency figures are not disturbed); every
# test has its own timeout and the whole run is bounded.
mkdir -p "$tmp/logs"
LIVEDESK_DEBUG_LOG_DIR="$tmp/logs" LIVEDESK_BIN="$tmp/livedesk" setsid timeout --kill-after=10s 300s \
  node --test --test-concurrency=1 --test-timeout=120000 "${args[@]}" &
node_pid=$!
status=0
wait "$node_pid" || status=$?
# The servers logged at debug level: no token (a JWT, a token or
# refreshToken parameter) and no whole Engine.IO or Socket.IO session id or
# private session id (20 characters; logs carry 6 and an ellipsis).
lines=$(cat "$tmp"/logs/*.log 2>/dev/null | wc -l)
if leaks=$(grep -hoE 'eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}|(token|refreshToken)=[^&" ]{8,}|(sid|pid)=[A-Za-z0-9_-]{20}' "$tmp"/logs/*.log 2>/dev/null | head -5) && [ -n "$leaks" ]; then
  echo "realtime: the servers' debug log holds secrets:"; echo "$leaks"; exit 1
fi
echo "realtime: searched $lines lines of debug log: no token, no whole session id"
exit "$status"
