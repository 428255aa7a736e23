#!/usr/bin/env bash
# Runs the multi-instance tests (issue 7): builds livedesk, installs the
# pinned socket.io-client with npm ci when needed, and runs node --test.
# Each test file starts its own private redis-server on a free port, a
# fresh uniquely named PostgreSQL database (dropped afterwards) and three
# `livedesk serve` on free ports; nginx.test.mjs runs the example proxy
# config from deploy/nginx as a child process.
#
#   test/cluster/run.sh                      # every file
#   test/cluster/run.sh failover.test.mjs    # one file
#
# Needs redis-server, psql and PostgreSQL at 127.0.0.1:5432 (user postgres,
# trust); nginx for nginx.test.mjs; for browser.test.mjs also Chromium, the
# web package's node_modules and the built UI (make ui). When one is
# missing, what needs it is skipped LOUDLY, or fails with
# LIVEDESK_REQUIRE_SERVICES=1 (CI).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

missing=""
command -v redis-server >/dev/null || missing="$missing redis-server"
command -v psql >/dev/null || missing="$missing psql"
if command -v psql >/dev/null && ! psql -h 127.0.0.1 -U postgres -d test -qAtc 'select 1' >/dev/null 2>&1; then
  missing="$missing PostgreSQL(127.0.0.1:5432/test)"
fi
if [ -n "$missing" ]; then
  echo "*** CLUSTER TESTS NOT RUN: missing$missing" >&2
  if [ "${LIVEDESK_REQUIRE_SERVICES:-}" = 1 ]; then exit 1; fi
  echo "*** (set LIVEDESK_REQUIRE_SERVICES=1 to make this fatal)" >&2
  exit 0
fi

tmp="$(mktemp -d)"
node_pid=""
cleanup() {
  # The test runner and every process it started share one process group.
  if [ -n "$node_pid" ]; then kill -KILL -- "-$node_pid" 2>/dev/null || true; fi
  # Databases a killed test could not drop (the list names only this run's).
  if [ -f "$tmp/dbs" ]; then
    while read -r db; do
      psql -h 127.0.0.1 -U postgres -d test -qAtc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
    done <"$tmp/dbs"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# With the UI built (make ui), the binary embeds it for browser.test.mjs.
ui=0
if [ -f "$root/web/dist/index.html" ]; then ui=1; fi
(cd "$root" && go build $([ "$ui" = 1 ] && echo -tags ui) -o "$tmp/livedesk" ./cmd/livedesk)
if [ ! -f "$here/node_modules/.package-lock.json" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

cd "$here"
files=("$@")
if [ ${#files[@]} -eq 0 ]; then files=(*.test.mjs); fi
echo "cluster: $("$tmp/livedesk" version 2>/dev/null | head -1), socket.io-client $(node -p "require('./node_modules/socket.io-client/package.json').version"), $(redis-server --version | cut -d' ' -f1-3)"
LIVEDESK_BIN="$tmp/livedesk" LIVEDESK_UI="$ui" LIVEDESK_REPO="$root" LIVEDESK_CLUSTER_DBS="$tmp/dbs" setsid timeout --kill-after=10s 480s \
  node --test --test-concurrency=1 --test-timeout=180000 "${files[@]}" &
node_pid=$!
wait "$node_pid"
