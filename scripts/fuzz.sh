#!/usr/bin/env bash
# fuzz.sh [DURATION] [PACKAGE...]
#
# Runs every Go fuzz target of the repository (or of the given packages),
# one after the other, each for DURATION (default 60s; any `go test
# -fuzztime` value). Targets are found with `go test -list '^Fuzz'`, so a new
# one is picked up without editing this script. Inputs that fail are written
# by `go test` to the package's testdata/fuzz/<Target>/, ready to commit as
# regression seeds. A summary (target, executions, result) is printed at the
# end and written to ${FUZZ_SUMMARY:-bin/fuzz-summary.txt}; the exit status is
# non-zero when any target failed.
set -uo pipefail
cd "$(dirname "$0")/.."

duration="${1:-60s}"
shift || true
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
  mapfile -t pkgs < <(go list ./... | grep -v '/node_modules/')
fi
summary="${FUZZ_SUMMARY:-bin/fuzz-summary.txt}"
mkdir -p "$(dirname "$summary")"
: >"$summary"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

failed=0
for pkg in "${pkgs[@]}"; do
  # -list runs nothing; packages without fuzz targets print nothing.
  targets=$(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true)
  for target in $targets; do
    echo "=== fuzz $pkg $target for $duration"
    start=$(date +%s)
    # -run='^$' skips the unit tests; the seed corpus still runs first.
    if go test -run='^$' -fuzz="^${target}\$" -fuzztime="$duration" "$pkg" 2>&1 | tee "$log"; then
      result=ok
    else
      result=FAIL
      failed=1
    fi
    execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | awk '{print $2}')
    printf '%-55s %-20s %6ss %12s execs  %s\n' "$pkg" "$target" "$(($(date +%s) - start))" "${execs:-0}" "$result" | tee -a "$summary"
  done
done
echo
echo "=== fuzz summary ($duration per target)"
cat "$summary"
exit $failed
