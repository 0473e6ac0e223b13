# Sourced by scripts/test.sh: starts aiosmtpd on loopback with STARTTLS (a CA made here) and
# AUTH (a fixed test user), saving every received message's raw bytes into a maildir-like
# folder. Exports HERALD_TEST_SMTP_{PORT,CA_FILE,USER,PASSWORD,MAILDIR} for SMTPTests.
# Uses from test.sh: free_port, wait_port, $TEST_WORK_DIR, PIDS.

if ! python3 -c "import aiosmtpd, dkim, nacl" 2>/dev/null; then
  pip install --quiet --disable-pip-version-check aiosmtpd "dkimpy[ed25519]" pynacl
fi

smtp_dir="$TEST_WORK_DIR/smtp"
mkdir -p "$smtp_dir/maildir/new" "$smtp_dir/maildir/tmp" "$smtp_dir/maildir/cur"

# A private CA and a server certificate for 127.0.0.1 / localhost, signed by it.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Herald Test SMTP CA" \
  -keyout "$smtp_dir/ca.key" -out "$smtp_dir/ca.pem" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
  -keyout "$smtp_dir/server.key" -out "$smtp_dir/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$smtp_dir/server.ext"
openssl x509 -req -in "$smtp_dir/server.csr" -CA "$smtp_dir/ca.pem" -CAkey "$smtp_dir/ca.key" -CAcreateserial \
  -days 2 -extfile "$smtp_dir/server.ext" -out "$smtp_dir/server.pem" 2>/dev/null

cat > "$smtp_dir/server.py" <<'PY'
import asyncio, os, ssl, sys, time, uuid
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

host, port, cert, key, maildir, user, password = sys.argv[1:8]

class SaveToMaildir:
    async def handle_DATA(self, server, session, envelope):
        name = "%d.%s.eml" % (time.time() * 1000, uuid.uuid4().hex[:12])
        tmp = os.path.join(maildir, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(envelope.original_content)
        with open(tmp + ".rcpt", "w") as f:
            f.write("\n".join([envelope.mail_from] + list(envelope.rcpt_tos)))
        os.rename(tmp + ".rcpt", os.path.join(maildir, "new", name + ".rcpt"))
        os.rename(tmp, os.path.join(maildir, "new", name))
        return "250 2.0.0 Ok: queued as %s" % name

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login.decode() == user and auth_data.password.decode() == password
    # handled=False: aiosmtpd itself answers a failure with 535.
    return AuthResult(success=ok, handled=False)

context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(
    SaveToMaildir(), hostname=host, port=int(port), tls_context=context,
    authenticator=authenticator, auth_require_tls=True, require_starttls=True,
    enable_SMTPUTF8=True, data_size_limit=1_000_000)
controller.start()
print("aiosmtpd listening on %s:%s" % (host, port), flush=True)
try:
    asyncio.new_event_loop().run_forever()
finally:
    controller.stop()
PY

HERALD_TEST_SMTP_PORT=$(free_port)
HERALD_TEST_SMTP_USER="herald"
HERALD_TEST_SMTP_PASSWORD="test-secret-$$"
python3 "$smtp_dir/server.py" 127.0.0.1 "$HERALD_TEST_SMTP_PORT" "$smtp_dir/server.pem" "$smtp_dir/server.key" \
  "$smtp_dir/maildir" "$HERALD_TEST_SMTP_USER" "$HERALD_TEST_SMTP_PASSWORD" > "$smtp_dir/server.log" 2>&1 &
PIDS+=($!)
wait_port "$HERALD_TEST_SMTP_PORT" 30 || { cat "$smtp_dir/server.log" >&2; exit 1; }

export HERALD_TEST_SMTP_PORT HERALD_TEST_SMTP_USER HERALD_TEST_SMTP_PASSWORD
export HERALD_TEST_SMTP_CA_FILE="$smtp_dir/ca.pem"
export HERALD_TEST_SMTP_MAILDIR="$smtp_dir/maildir"
