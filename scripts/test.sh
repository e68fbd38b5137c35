#!/usr/bin/env bash
# Install everything, lint, then run the test suite layer by layer, printing
# each layer's name, count and time, and one summary line per layer at the end:
#   unit         small page trees per app, no catalog (seconds)
#   integration  the whole demo catalog on SQLite, restored from a cached database
#   browser      the real portal in headless Chromium (Playwright, Debian's chromium)
#   postgresql   the tests marked `engine` (what depends on the database) on PostgreSQL
# Each pytest run spreads its test files over TEST_WORKERS processes
# (pytest-xdist, default 2: the CI machine's cores); TEST_WORKERS=0 runs them
# in this process. Extra arguments go to every pytest run (e.g. -x, -k name).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

summaries=()
passed_total=0
failed_total=0
skipped_total=0
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

count() {  # count WORD LOGFILE: the number before WORD in pytest's closing line ("3 passed, 1 skipped in 2.1s")
  local closing
  closing=$(grep -E '[0-9]+ (passed|failed|errors?|skipped|deselected|xfailed|xpassed)\b.* in [0-9.]+s' "$2" | tail -1)
  [[ $closing =~ ([0-9]+)\ $1 ]] && echo "${BASH_REMATCH[1]}" || echo 0
}

layer() {  # layer NAME COMMAND...: run one layer and record its counts and time
  local name=$1; shift
  local log="$logs/$name.log" started status=0
  echo
  echo "== layer: $name"
  started=$(date +%s)
  "$@" 2>&1 | tee "$log" || status=${PIPESTATUS[0]}
  local seconds=$(( $(date +%s) - started ))
  if [[ $status -eq 5 ]]; then status=0; fi  # pytest: no test selected in this layer
  local p f s
  p=$(count passed "$log"); f=$(( $(count failed "$log") + $(count error "$log") )); s=$(count skipped "$log")
  passed_total=$((passed_total + p)); failed_total=$((failed_total + f)); skipped_total=$((skipped_total + s))
  summaries+=("$(printf '%-12s %4d passed %3d failed %3d skipped %5ds' "$name" "$p" "$f" "$s" "$seconds")")
  echo "== layer $name: $p passed, $f failed, $s skipped in ${seconds}s"
  return "$status"
}

# Whole files go to one worker, so a module's page tree is built once.
parallel=(-n "${TEST_WORKERS:-2}" --dist loadfile)

started_all=$(date +%s)
failed_layers=()
layer lint bash -c '.venv/bin/ruff check . && .venv/bin/ruff format --check .' || failed_layers+=(lint)
# (lint has no test count: its line reads 0 passed, 0 failed; a failure is listed under "failed layers")
layer unit .venv/bin/pytest -q "${parallel[@]}" tests/unit "$@" || failed_layers+=(unit)
layer integration .venv/bin/pytest -q "${parallel[@]}" tests/integration "$@" || failed_layers+=(integration)
layer browser .venv/bin/pytest -q "${parallel[@]}" tests/browser "$@" || failed_layers+=(browser)
layer postgresql scripts/with-postgres.sh .venv/bin/pytest -q "${parallel[@]}" -m engine tests/integration "$@" \
  || failed_layers+=(postgresql)

echo
echo "== summary (whole run $(( $(date +%s) - started_all ))s)"
printf '%s\n' "${summaries[@]}"
echo "total: $passed_total passed, $failed_total failed, $skipped_total skipped"
if ((${#failed_layers[@]})); then
  echo "failed layers: ${failed_layers[*]}" >&2
  exit 1
fi
