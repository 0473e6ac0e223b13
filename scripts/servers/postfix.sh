# shellcheck shell=bash
# Sourced by scripts/test.sh: runs a PRIVATE Postfix instance (a production MTA) on a free
# loopback port, delivering every address at herald.test into one maildir under
# $TEST_WORK_DIR, plus Postfix's `smtp-sink` on another free port. Exports
# HERALD_TEST_POSTFIX_PORT, HERALD_TEST_POSTFIX_MAILDIR and HERALD_TEST_SMTP_SINK_PORT.
# Uses from test.sh: free_port, wait_port, $TEST_WORK_DIR, PIDS.
#
# The instance has its own config_directory, queue_directory and data_directory under
# $TEST_WORK_DIR (the system's /etc/postfix instance is neither changed nor started); no DNS,
# no chroot, no TLS, logs to $TEST_WORK_DIR/postfix/maillog. `postfix stop` is a SIGTERM to
# the master process, so its PID goes into PIDS and test.sh's cleanup stops the instance.

if ! command -v postfix >/dev/null 2>&1 || ! command -v smtp-sink >/dev/null 2>&1; then
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q postfix >"$TEST_WORK_DIR/postfix-install.log" 2>&1; then
    apt-get update -q >>"$TEST_WORK_DIR/postfix-install.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postfix >>"$TEST_WORK_DIR/postfix-install.log" 2>&1 \
      || { echo "postfix.sh: cannot install postfix:" >&2; tail -20 "$TEST_WORK_DIR/postfix-install.log" >&2; return 1; }
  fi
fi

pf_dir="$TEST_WORK_DIR/postfix"
pf_conf="$pf_dir/etc"
mkdir -p "$pf_conf" "$pf_dir/spool" "$pf_dir/data" "$pf_dir/mail"
cp /etc/postfix/main.cf /etc/postfix/master.cf "$pf_conf/"
# The virtual delivery agent writes the maildir as nobody.
chown nobody:nogroup "$pf_dir/mail"
chown postfix "$pf_dir/data"

HERALD_TEST_POSTFIX_PORT=$(free_port)
postconf -c "$pf_conf" -e \
  "config_directory = $pf_conf" \
  "queue_directory = $pf_dir/spool" \
  "data_directory = $pf_dir/data" \
  "maillog_file_prefixes = $pf_dir" \
  "maillog_file = $pf_dir/maillog" \
  "compatibility_level = 3.6" \
  "myhostname = postfix.herald.test" \
  "mydomain = herald.test" \
  "myorigin = \$mydomain" \
  "inet_interfaces = loopback-only" \
  "inet_protocols = ipv4" \
  "mynetworks = 127.0.0.0/8" \
  "mydestination = localhost" \
  "virtual_mailbox_domains = herald.test" \
  "virtual_mailbox_base = $pf_dir/mail" \
  "virtual_mailbox_maps = static:inbox/" \
  "virtual_minimum_uid = 1" \
  "virtual_uid_maps = static:$(id -u nobody)" \
  "virtual_gid_maps = static:$(id -g nobody)" \
  "alias_maps =" \
  "alias_database =" \
  "relayhost =" \
  "disable_dns_lookups = yes" \
  "smtp_host_lookup = native" \
  "smtpd_peername_lookup = no" \
  "smtpd_tls_security_level = none" \
  "smtp_tls_security_level = none" \
  "message_size_limit = 10240000"
# No chroot (the queue is not a chroot jail), and smtpd on the free loopback port only.
postconf -c "$pf_conf" -F '*/*/chroot = n'
postconf -c "$pf_conf" -MX smtp/inet
postconf -c "$pf_conf" -M "127.0.0.1:$HERALD_TEST_POSTFIX_PORT/inet = 127.0.0.1:$HERALD_TEST_POSTFIX_PORT inet n - n - - smtpd"

if ! postfix -c "$pf_conf" start >"$pf_dir/start.log" 2>&1; then
  echo "postfix.sh: the private Postfix did not start:" >&2
  cat "$pf_dir/start.log" >&2; cat "$pf_dir/maillog" >&2 || true
  return 1
fi
# `postfix start` returns once the master has daemonised; its PID file may lag a moment.
for _ in $(seq 50); do [ -s "$pf_dir/spool/pid/master.pid" ] && break; sleep 0.1; done
PIDS+=("$(tr -d ' \n' < "$pf_dir/spool/pid/master.pid")")
if ! wait_port "$HERALD_TEST_POSTFIX_PORT" 20; then
  echo "postfix.sh: the private Postfix does not listen; its log:" >&2
  cat "$pf_dir/start.log" >&2; cat "$pf_dir/maillog" >&2 || true
  return 1
fi
export HERALD_TEST_POSTFIX_PORT
export HERALD_TEST_POSTFIX_MAILDIR="$pf_dir/mail/inbox"

# Postfix's smtp-sink: accepts and discards everything (the email benchmark's sink).
HERALD_TEST_SMTP_SINK_PORT=$(free_port)
smtp-sink -u root "127.0.0.1:$HERALD_TEST_SMTP_SINK_PORT" 1000 >"$pf_dir/smtp-sink.log" 2>&1 &
PIDS+=($!)
wait_port "$HERALD_TEST_SMTP_SINK_PORT" 20 || { cat "$pf_dir/smtp-sink.log" >&2; return 1; }
export HERALD_TEST_SMTP_SINK_PORT
