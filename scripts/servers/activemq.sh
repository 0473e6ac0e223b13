# shellcheck shell=bash
# Sourced by scripts/test.sh: starts a private Apache ActiveMQ broker (Debian `activemq`) with
# one STOMP connector on a free loopback port for the STOMP integration tests, and exports
#   HERALD_TEST_STOMP_PORT      the STOMP port (stomp://127.0.0.1:PORT)
#   HERALD_TEST_STOMP_LOGIN     admin (the default configuration accepts any login)
#   HERALD_TEST_STOMP_PASSCODE  admin
#   HERALD_TEST_STOMP_TLS_PORT  the same broker's stomp+ssl connector (a certificate for
#                               127.0.0.1 and localhost issued by a throw-away CA)
#   HERALD_TEST_STOMP_CA_FILE   that CA's certificate (PEM)
#   HERALD_TEST_STOMP_START     a script `start-activemq.sh DIR PORT` that prepares a private
#                               broker in DIR (config, KahaDB store) listening on PORT and runs
#                               it in the foreground (exec java: its PID is the broker's); the
#                               restart tests start, kill and start again their own instance.
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
# start-activemq.sh DIR PORT [TLS_PORT KEYSTORE.p12 PASSWORD]: a private ActiveMQ in DIR with
# only a STOMP connector on 127.0.0.1:PORT (and stomp+ssl on TLS_PORT with the PKCS#12 key
# store), in the foreground. Keeps DIR/data (the persistent store) when run again.
set -euo pipefail
dir=$1 port=$2 tls_port=${3:-} keystore=${4:-} password=${5:-}
mkdir -p "$dir/conf" "$dir/data" "$dir/tmp"
cp /etc/activemq/instances-available/main/* "$dir/conf/"
python3 - "$dir/conf/activemq.xml" "$port" "$tls_port" "$keystore" "$password" <<'PY'
import re, sys
from xml.sax.saxutils import quoteattr
path, port, tls_port, keystore, password = sys.argv[1:6]
xml = open(path).read()
connectors = f'<transportConnector name="stomp" uri="stomp://127.0.0.1:{port}"/>'
if tls_port:
    connectors += f'\n            <transportConnector name="stomp+ssl" uri="stomp+ssl://127.0.0.1:{tls_port}"/>'
    connectors = (f'<sslContext><sslContext keyStore={quoteattr("file:" + keystore)} keyStorePassword={quoteattr(password)} '
                  f'keyStoreType="pkcs12"/></sslContext>\n        <transportConnectors>\n            {connectors}')
else:
    connectors = f'<transportConnectors>\n            {connectors}'
xml, n = re.subn(r"<transportConnectors>.*?</transportConnectors>", lambda _: connectors + "\n        </transportConnectors>", xml, flags=re.S)
if n != 1:
    sys.exit("start-activemq.sh: no <transportConnectors> in " + path)
open(path, "w").write(xml)
PY
exec java -Xms64M -Xmx256M -Dactivemq.home=/usr/share/activemq -Dactivemq.base="$dir" \
  -Dactivemq.conf="$dir/conf" -Dactivemq.data="$dir/data" -Djava.io.tmpdir="$dir/tmp" \
  -jar /usr/share/activemq/bin/activemq.jar start "xbean:file:$dir/conf/activemq.xml"
SH
chmod +x "$TEST_WORK_DIR/start-activemq.sh"

# A throw-away CA and the broker's certificate (127.0.0.1, localhost) for the stomp+ssl connector.
stomp_tls="$TEST_WORK_DIR/activemq-tls"
mkdir -p "$stomp_tls"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$stomp_tls/ca.key" -out "$stomp_tls/ca.pem" -days 2 \
  -subj "/CN=Herald test STOMP CA" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -keyout "$stomp_tls/broker.key" -out "$stomp_tls/broker.csr" -subj "/CN=localhost" >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$stomp_tls/ext"
openssl x509 -req -in "$stomp_tls/broker.csr" -CA "$stomp_tls/ca.pem" -CAkey "$stomp_tls/ca.key" -CAcreateserial \
  -out "$stomp_tls/broker.pem" -days 2 -extfile "$stomp_tls/ext" >/dev/null 2>&1
openssl pkcs12 -export -in "$stomp_tls/broker.pem" -inkey "$stomp_tls/broker.key" -certfile "$stomp_tls/ca.pem" \
  -name broker -out "$stomp_tls/broker.p12" -passout pass:herald-test

stomp_port=$(free_port)
stomp_tls_port=$(free_port)
"$TEST_WORK_DIR/start-activemq.sh" "$TEST_WORK_DIR/activemq" "$stomp_port" "$stomp_tls_port" "$stomp_tls/broker.p12" herald-test \
  > "$TEST_WORK_DIR/activemq.log" 2>&1 &
PIDS+=($!)
if ! wait_port "$stomp_port" 90 || ! wait_port "$stomp_tls_port" 30; then
  echo "activemq.sh: ActiveMQ did not start; its log:" >&2
  cat "$TEST_WORK_DIR/activemq.log" >&2
  return 1
fi
export HERALD_TEST_STOMP_PORT=$stomp_port
export HERALD_TEST_STOMP_TLS_PORT=$stomp_tls_port
export HERALD_TEST_STOMP_CA_FILE="$stomp_tls/ca.pem"
export HERALD_TEST_STOMP_LOGIN=admin
export HERALD_TEST_STOMP_PASSCODE=admin
export HERALD_TEST_STOMP_START="$TEST_WORK_DIR/start-activemq.sh"
