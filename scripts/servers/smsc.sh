# shellcheck shell=bash
# Sourced by scripts/test.sh: starts the third-party `smpp34` SMSC (PyPI, Rust core) on a free
# loopback port for the SMPP integration tests, and exports HERALD_TEST_SMSC_PORT.
#
# The runner accepts transceiver binds, answers every submit_sm with a message id
# ("smsc-<n>"), rejects destinations starting with 999 with ESME_RINVDSTADR (a permanent
# error), and, when registered_delivery asks for it, sends a deliver_sm delivery receipt
# (receipt text plus the receipted_message_id and message_state TLVs) back on the same bind.

if ! python3 -c "import smpp34" 2>/dev/null; then
  pip install --quiet --disable-pip-version-check smpp34 >/dev/null 2>&1 || pip install --quiet smpp34
fi

cat > "$TEST_WORK_DIR/smsc_runner.py" <<'PY'
import asyncio, sys, time
import smpp34

async def send_receipt(esme, ev, message_id):
    stamp = time.strftime("%y%m%d%H%M", time.gmtime())
    text = (f"id:{message_id} sub:001 dlvrd:001 submit date:{stamp} done date:{stamp} "
            f"stat:DELIVRD err:000 text:{ev.short_message[:20].decode('latin-1')}")
    try:
        await esme.deliver_sm(
            source_addr=ev.destination_addr, destination_addr=ev.source_addr,
            source_addr_ton=ev.dest_addr_ton, source_addr_npi=ev.dest_addr_npi,
            dest_addr_ton=ev.source_addr_ton, dest_addr_npi=ev.source_addr_npi,
            esm_class=0x04, short_message=text.encode("latin-1"),
            tlvs=[smpp34.Tlv(smpp34.TLV_RECEIPTED_MESSAGE_ID, message_id.encode() + b"\0"),
                  smpp34.Tlv(smpp34.TLV_MESSAGE_STATE, bytes([2]))])
    except Exception as error:  # the ESME may have unbound already
        print("receipt failed:", error, flush=True)

async def main(port):
    server = smpp34.Server(host="127.0.0.1", port=port, system_id="HeraldTestSMSC")
    await server.start()
    print("smpp34 SMSC listening on", port, flush=True)
    sessions, counter, tasks = {}, 0, set()
    while True:
        ev = await server.next()
        if isinstance(ev, smpp34.Esme):
            sessions[ev.session_id] = ev
        elif isinstance(ev, smpp34.Unbound):
            sessions.pop(ev.session_id, None)
        elif isinstance(ev, smpp34.SubmitSmEvent):
            if ev.destination_addr.startswith("999"):
                ev.reject(smpp34.ESME_RINVDSTADR)
                continue
            counter += 1
            message_id = f"smsc-{counter}"
            ev.accept(message_id)
            esme = sessions.get(ev.session_id)
            if esme is not None and (ev.registered_delivery & 0x03) and esme.can_receive:
                task = asyncio.ensure_future(send_receipt(esme, ev, message_id))
                tasks.add(task)
                task.add_done_callback(tasks.discard)

asyncio.run(main(int(sys.argv[1])))
PY

smsc_port=$(free_port)
python3 "$TEST_WORK_DIR/smsc_runner.py" "$smsc_port" > "$TEST_WORK_DIR/smsc.log" 2>&1 &
PIDS+=($!)
if ! wait_port "$smsc_port" 30; then
  echo "smsc.sh: the smpp34 SMSC did not start; its log:" >&2
  cat "$TEST_WORK_DIR/smsc.log" >&2
  return 1
fi
export HERALD_TEST_SMSC_PORT=$smsc_port
