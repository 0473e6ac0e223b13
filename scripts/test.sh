#!/usr/bin/env bash
# The one test command: installs what the tests need, starts the real servers they use on
# loopback, runs `swift test`, and stops the servers by PID.
#
# Issue 2 (core, SQLite, outbox transports) needs no external server; later issues add
# PostgreSQL, SMTP, SFTP, S3 and an SMSC here, each started on loopback and stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."

PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# Python tools the tests use to check our output independently (the OpenAPI document).
if ! python3 -c "import openapi_spec_validator" 2>/dev/null; then
  pip install --quiet openapi-spec-validator
fi

swift build --build-tests
swift test --skip-build "$@"
