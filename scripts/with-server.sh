#!/usr/bin/env bash
# with-server.sh SERVER [ARGS...] -- COMMAND [ARGS...]
#
# Starts SERVER (which must print "listening on http://HOST:PORT" on stdout,
# e.g. with -addr 127.0.0.1:0), exports its URL as SERVER_URL, runs COMMAND,
# then stops the server. Exits with COMMAND's status; the server's stderr is
# shown when COMMAND fails.
set -euo pipefail
server=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do server+=("$1"); shift; done
[ $# -gt 0 ] || { echo "usage: $0 SERVER [ARGS...] -- COMMAND [ARGS...]" >&2; exit 2; }
shift
tmp="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT
"${server[@]}" >"$tmp/out" 2>"$tmp/err" &
pid=$!
url=""
for _ in $(seq 1 150); do
  url="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/Ip' "$tmp/out" | head -n 1)"
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "with-server: ${server[0]} did not start" >&2
  cat "$tmp/err" >&2
  exit 1
fi
status=0
SERVER_URL="$url" "$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "with-server: the command failed ($status); server stderr follows" >&2
  tail -n 50 "$tmp/err" >&2
fi
exit "$status"
