# shellcheck shell=bash
# Sourced by scripts/test.sh: starts a private Apache ActiveMQ broker (Debian `activemq`) with
# one STOMP connector on a free loopback port for the STOMP integration tests, and exports
#   HERALD_TEST_STOMP_PORT      the STOMP port (stomp://127.0.0.1:PORT)
#   HERALD_TEST_STOMP_LOGIN     admin (the default configuration accepts any login)
#   HERALD_TEST_STOMP_PASSCODE  admin
#   HERALD_TEST_STOMP_START     a script `start-broker DIR PORT` that prepares a private broker
#                               in DIR (config, KahaDB store) listening on PORT and runs it in
#                               the foreground (exec java: its PID is the broker's); the restart
#                               tests start, kill and start again their own instance with it.
# stomp.py (PyPI `stomp-py`) is the independent consumer the tests read messages back with.
# Uses from test.sh: free_port, wait_port, $TEST_WORK_DIR, PIDS.

if [ ! -f /usr/share/activemq/bin/activemq.jar ]; then
  echo "activemq.sh: installing activemq"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q activemq >/dev/null 2>&1 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q activemq >/dev/null; }
fi
if ! python3 -c "import stomp" 2>/dev/null; then
  pip install --quiet --disable-pip-version-check stomp-py >/dev/null 2>&1 || pip install --quiet stomp-py
fi

cat > "$TEST_WORK_DIR/start-activemq.sh" <<'SH'
#!/usr/bin/env bash
# start-activemq.sh DIR PORT: a private ActiveMQ in DIR with only a STOMP connector on
# 127.0.0.1:PORT, in the foreground. Keeps DIR/data (the persistent store) when run again.
set -euo pipefail
dir=$1 port=$2
mkdir -p "$dir/conf" "$dir/data" "$dir/tmp"
cp /etc/activemq/instances-available/main/* "$dir/conf/"
python3 - "$dir/conf/activemq.xml" "$port" <<'PY'
import re, sys
path, port = sys.argv[1], sys.argv[2]
xml = open(path).read()
connectors = f'<transportConnectors>\n            <transportConnector name="stomp" uri="stomp://127.0.0.1:{port}"/>\n        </transportConnectors>'
xml, n = re.subn(r"<transportConnectors>.*?</transportConnectors>", connectors, xml, flags=re.S)
if n != 1:
    sys.exit("start-activemq.sh: no <transportConnectors> in " + path)
open(path, "w").write(xml)
PY
exec java -Xms64M -Xmx256M -Dactivemq.home=/usr/share/activemq -Dactivemq.base="$dir" \
  -Dactivemq.conf="$dir/conf" -Dactivemq.data="$dir/data" -Djava.io.tmpdir="$dir/tmp" \
  -jar /usr/share/activemq/bin/activemq.jar start "xbean:file:$dir/conf/activemq.xml"
SH
chmod +x "$TEST_WORK_DIR/start-activemq.sh"

stomp_port=$(free_port)
"$TEST_WORK_DIR/start-activemq.sh" "$TEST_WORK_DIR/activemq" "$stomp_port" > "$TEST_WORK_DIR/activemq.log" 2>&1 &
PIDS+=($!)
if ! wait_port "$stomp_port" 90; then
  echo "activemq.sh: ActiveMQ did not start; its log:" >&2
  cat "$TEST_WORK_DIR/activemq.log" >&2
  return 1
fi
export HERALD_TEST_STOMP_PORT=$stomp_port
export HERALD_TEST_STOMP_LOGIN=admin
export HERALD_TEST_STOMP_PASSCODE=admin
export HERALD_TEST_STOMP_START="$TEST_WORK_DIR/start-activemq.sh"
