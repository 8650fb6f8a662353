#!/usr/bin/env bash
# The one test command: checks what the tests need is on the machine (installing
# PostgreSQL's server binaries and Chromium with apt-get when they are missing), then builds and runs
# every test. The tests start their own throwaway PostgreSQL cluster; nothing else is needed.
set -euo pipefail
cd "$(dirname "$0")"

find_pg() {
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
if ! find_pg; then
  echo "PostgreSQL server binaries not found; installing them with apt-get..."
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
# The webchat widget is tested in a real headless browser: Debian's Chromium.
if [ ! -x /usr/bin/chromium ]; then
  echo "Chromium not found; installing it with apt-get (for the browser tests)..."
  if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then
  useradd --system --home /var/lib/postgresql --shell /bin/bash postgres
fi

dotnet build Clientele.slnx -c Release -nologo -clp:ErrorsOnly
set +e
dotnet test tests/Clientele.Tests -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee /tmp/clientele-test-output.txt
code=${PIPESTATUS[0]}
set -e
# A plain summary line for CI readers: "N passed, N failed".
passed=$(grep -E "^\s*Passed: *[0-9]+" /tmp/clientele-test-output.txt | tail -1 | grep -oE "[0-9]+" || true)
failed=$(grep -E "^\s*Failed: *[0-9]+" /tmp/clientele-test-output.txt | tail -1 | grep -oE "[0-9]+" || true)
failed=${failed:-0}
echo "tests: ${passed:-0} passed, ${failed:-0} failed"
[ "$code" = "0" ] && [ "${failed:-1}" = "0" ] && [ "${passed:-0}" != "0" ]
