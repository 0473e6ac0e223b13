# shellcheck shell=bash
# Sourced by scripts/test.sh: starts moto's S3-compatible server on a free loopback port for the
# S3 integration tests (path-style addressing) and exports HERALD_TEST_S3_ENDPOINT.
# moto does not verify SigV4 signatures: the signer is proven by S3Tests (AWS's test suite and
# botocore); these tests prove the protocol (put/get/head/delete/list/multipart, XML errors).
# Uses from test.sh: free_port, wait_port, $TEST_WORK_DIR, PIDS.

if ! python3 -c "import moto.server, flask, flask_cors" 2>/dev/null; then
  pip install --quiet --disable-pip-version-check "moto[server]" >/dev/null 2>&1 || pip install --quiet "moto[server]"
fi

s3_port=$(free_port)
python3 -m moto.server -H 127.0.0.1 -p "$s3_port" > "$TEST_WORK_DIR/s3.log" 2>&1 &
PIDS+=($!)
if ! wait_port "$s3_port" 60; then
  echo "s3.sh: the moto S3 server did not start; its log:" >&2
  cat "$TEST_WORK_DIR/s3.log" >&2
  return 1
fi
export HERALD_TEST_S3_ENDPOINT="http://127.0.0.1:$s3_port"
