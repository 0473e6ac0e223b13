#!/usr/bin/env bash
# The one test command: installs what the tests need, starts the real servers they use on
# loopback, runs `swift test`, and stops the servers by PID.
#
# Each real server has a script in scripts/servers/NAME.sh, sourced here in name order: it
# installs what it needs, starts its server on a free loopback port in the background, adds
# the PID to PIDS and exports the env vars its tests read (HERALD_TEST_*). A server that
# cannot start makes this script fail loudly; its tests never skip silently.
set -euo pipefail
cd "$(dirname "$0")/.."

PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  rm -rf "${TEST_WORK_DIR:-/nonexistent}"
}
trap cleanup EXIT

# A free TCP port on loopback.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
# Waits until something listens on 127.0.0.1:$1 (at most $2 seconds).
wait_port() {
  local port=$1 deadline=$((SECONDS + ${2:-30}))
  until python3 -c "import socket,sys; s=socket.socket(); s.settimeout(0.5); sys.exit(s.connect_ex(('127.0.0.1', $port)))" 2>/dev/null; do
    if (( SECONDS >= deadline )); then echo "test.sh: nothing listens on 127.0.0.1:$port" >&2; return 1; fi
    sleep 0.2
  done
}
export TEST_WORK_DIR="${TMPDIR:-/tmp}/herald-test-servers.$$"
mkdir -p "$TEST_WORK_DIR"

for server in scripts/servers/*.sh; do
  [ -e "$server" ] || continue
  echo "test.sh: starting $(basename "$server" .sh)"
  # shellcheck source=/dev/null
  source "$server"
done

# Python tools the tests use to check our output independently: the OpenAPI document; fonts
# (fontTools reads our subsets) and images (Pillow writes the PNG/JPEG test files); zxing-cpp
# decodes (and encodes) the Data Matrix symbols; standardwebhooks cross-checks the webhook signer;
# jsonschema (with rfc3339-validator for date-time) checks the CMP External Trigger examples.
if ! python3 -c "import openapi_spec_validator, fontTools, PIL, zxingcpp, standardwebhooks, jsonschema, rfc3339_validator" 2>/dev/null; then
  pip install --quiet openapi-spec-validator fonttools pillow zxing-cpp standardwebhooks jsonschema rfc3339-validator
fi
# PyJWT verifies the JWTs the push clients sign (APNs ES256 provider tokens, FCM RS256 assertions).
if ! python3 -c "import jwt, cryptography" 2>/dev/null; then
  pip install --quiet 'pyjwt[crypto]'
fi
# openssl makes the throw-away CA of the in-process HTTP/2 push servers.
if ! command -v openssl >/dev/null; then
  echo "test.sh: installing openssl"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssl >/dev/null 2>&1 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssl >/dev/null; }
fi
# PDF checkers for the letter renderer's tests: qpdf --check, pdftotext/pdftoppm/pdffonts/pdfinfo.
if ! command -v qpdf >/dev/null || ! command -v pdftotext >/dev/null; then
  echo "test.sh: installing qpdf and poppler-utils"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q qpdf poppler-utils >/dev/null 2>&1 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q qpdf poppler-utils >/dev/null; }
fi
# libdmtx's dmtxread, the second decoder of the Data Matrix tests.
if ! command -v dmtxread >/dev/null; then
  echo "test.sh: installing dmtx-utils"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q dmtx-utils >/dev/null 2>&1 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q dmtx-utils >/dev/null; }
fi
# libxml2's xmllint validates the print manifest's XML against docs/print-manifest.xsd.
if ! command -v xmllint >/dev/null; then
  echo "test.sh: installing libxml2-utils"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q libxml2-utils >/dev/null 2>&1 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q libxml2-utils >/dev/null; }
fi
# Headless Chromium and its driver, Selenium and axe-core (selenium-axe-python) for AgentView's
# browser tests (BrowserTests), which fail loudly when Chromium cannot start.
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "test.sh: installing chromium and chromium-driver"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver >/dev/null; }
fi
if ! python3 -c "import selenium, selenium_axe_python" 2>/dev/null; then
  pip install --quiet --disable-pip-version-check selenium selenium-axe-python
fi

swift build --build-tests
# A hung test must fail the run, not eat CI's whole time limit.
run_tests() { timeout --kill-after=30 "${HERALD_TEST_TIMEOUT:-1500}" swift test --skip-build "$@"; }
if [ $# -gt 0 ]; then
  run_tests "$@"
else
  # Three phases: the letter renderer's suites are pure CPU work (fonts, images, layout, fuzzing)
  # and would hold both cooperative threads of a 2-core machine for seconds, starving the
  # timing-sensitive server and pipeline tests of the second phase.
  renderer='^(OpenTypeTests|RasterImagesTests|PDFTests|StyledHTMLTests|LetterpressTests)\.'
  # The browser test (headless Chromium, herald serve) runs alone last: beside the others it
  # would take the CPU their timing needs.
  browser='\.AgentBrowserTests'
  run_tests --filter "$renderer"
  run_tests --skip "$renderer|$browser"
  run_tests --filter "$browser"
fi
