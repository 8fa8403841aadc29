#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need when missing, builds, tests,
# and ends with one plain line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Playwright must use Debian's chromium, never download a browser of its own.
export PLAYWRIGHT_BROWSERS_PATH="${PLAYWRIGHT_BROWSERS_PATH:-/nonexistent-playwright-browsers}"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "test.sh: the .NET SDK 10 is required (dotnet not on PATH)" >&2
  exit 2
fi

if [ -d tests/Bullion.EndToEnd.Tests ] && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing Debian's chromium for the browser tests"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "test.sh: /usr/bin/chromium is missing; install it: sudo apt-get install -y chromium" >&2
    exit 2
  fi
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

dotnet restore Bullion.slnx
dotnet build Bullion.slnx --no-restore -c Release -warnaserror
status=0
dotnet test Bullion.slnx --no-build -c Release --logger "trx" --results-directory "$results" "$@" || status=$?

# Sum the outcome counters of every test project's TRX report.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); passed=$((passed + ${p:-0}))
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters"); failed=$((failed + ${f:-0}))
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters"); skipped=$((skipped + ${n:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1 # the runner failed without a counted test failure (crash, build error): never report green
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit "$status"
