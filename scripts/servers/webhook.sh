# Sourced by scripts/test.sh: starts a webhook receiver on loopback (Python's http.server) that
# verifies every request's Standard Webhooks signature with the `standardwebhooks` package.
# Exports HERALD_TEST_WEBHOOK_URL (base URL) and HERALD_TEST_WEBHOOK_SECRET (whsec_…) for the
# webhook transmitter's tests. Uses from test.sh: free_port, wait_port, $TEST_WORK_DIR, PIDS.
#
# Each test uses its own channel (a path part), so tests running at once do not meet:
#   POST /hook/<channel>      a webhook: verified, recorded, answered by the channel's script
#   POST /script/<channel>    a JSON list of answers for the next webhooks: "ok" (200 with
#                             {"id": "rcv-<n>"}), "slow" (200 after 0.5 s), "slower" (200
#                             after 2 s), "fail" (500),
#                             "hang" (no answer for 5 s, then 200), "redirect" (307 to
#                             /hook/<channel>), or a status number; once used up, "ok"
#   GET  /received/<channel>  the webhooks received: [{"id", "timestamp", "verified", "error",
#                             "answer", "body"}]
#   GET  /peak/<channel>      {"peak": n}: the most webhooks of the channel in flight at once

if ! python3 -c "import standardwebhooks" 2>/dev/null; then
  pip install --quiet --disable-pip-version-check standardwebhooks
fi

webhook_dir="$TEST_WORK_DIR/webhook"
mkdir -p "$webhook_dir"
HERALD_TEST_WEBHOOK_SECRET="whsec_$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')"

cat > "$webhook_dir/receiver.py" <<'PY'
import json, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from standardwebhooks.webhooks import Webhook

port, secret = int(sys.argv[1]), sys.argv[2]
hook = Webhook(secret)
lock = threading.Lock()
scripts, received, inflight, peak = {}, {}, {}, {}

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def leave(self):
        # The webhook stops counting as in flight before its answer is sent, so the client's
        # next webhook (sent once this answer arrives) never meets it.
        channel, self.counting = getattr(self, "counting", None), None
        if channel is not None:
            with lock:
                inflight[channel] -= 1

    def answer(self, status, body=b"", headers=()):
        self.leave()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        parts = self.path.strip("/").split("/")
        if len(parts) == 2 and parts[0] == "received":
            with lock:
                body = json.dumps(received.get(parts[1], [])).encode()
            return self.answer(200, body)
        if len(parts) == 2 and parts[0] == "peak":
            with lock:
                body = json.dumps({"peak": peak.get(parts[1], 0)}).encode()
            return self.answer(200, body)
        self.answer(404, b'{"error": "not found"}')

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        data = self.rfile.read(length)
        parts = self.path.strip("/").split("/")
        if len(parts) != 2:
            return self.answer(404, b'{"error": "not found"}')
        kind, channel = parts
        if kind == "script":
            with lock:
                scripts[channel] = list(json.loads(data))
            return self.answer(204)
        if kind != "hook":
            return self.answer(404, b'{"error": "not found"}')
        with lock:
            inflight[channel] = inflight.get(channel, 0) + 1
            peak[channel] = max(peak.get(channel, 0), inflight[channel])
        self.counting = channel
        try:
            self.hook(channel, data)
        finally:
            self.leave()

    def hook(self, channel, data):
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            hook.verify(data, headers, json_parse=False)
            verified, error = True, None
        except Exception as e:
            verified, error = False, repr(e)
        with lock:
            queue = scripts.get(channel, [])
            action = queue.pop(0) if queue else "ok"
            record = {"id": headers.get("webhook-id"), "timestamp": headers.get("webhook-timestamp"),
                      "verified": verified, "error": error, "answer": action,
                      "body": json.loads(data) if verified else data.decode("utf-8", "replace")}
            received.setdefault(channel, []).append(record)
            number = len(received[channel])
        if not verified:
            return self.answer(401, json.dumps({"error": error}).encode())
        if action == "ok":
            return self.answer(200, json.dumps({"id": "rcv-%d" % number}).encode())
        if action in ("slow", "slower"):
            time.sleep(0.5 if action == "slow" else 2)
            return self.answer(200, json.dumps({"id": "rcv-%d" % number}).encode())
        if action == "fail":
            return self.answer(500, b'{"error": "scripted failure"}')
        if action == "hang":
            time.sleep(5)
            return self.answer(200, json.dumps({"id": "late-%d" % number}).encode())
        if action == "redirect":
            return self.answer(307, b"", [("Location", "/hook/" + channel)])
        return self.answer(int(action), json.dumps({"error": "scripted status %s" % action}).encode())

ThreadingHTTPServer.daemon_threads = True
# Many tests connect at once: a short accept queue would drop SYNs (a 1 s retransmit each).
ThreadingHTTPServer.request_queue_size = 256
server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print("webhook receiver listening on 127.0.0.1:%d" % port, flush=True)
server.serve_forever()
PY

webhook_port=$(free_port)
python3 "$webhook_dir/receiver.py" "$webhook_port" "$HERALD_TEST_WEBHOOK_SECRET" >"$webhook_dir/receiver.log" 2>&1 &
PIDS+=($!)
wait_port "$webhook_port" 30 || { cat "$webhook_dir/receiver.log" >&2; exit 1; }
export HERALD_TEST_WEBHOOK_URL="http://127.0.0.1:$webhook_port"
export HERALD_TEST_WEBHOOK_SECRET
