# shellcheck shell=bash
# Sourced by scripts/test.sh: starts a private OpenSSH sshd with `internal-sftp` on a free
# loopback port for the SFTP integration tests, with its own ed25519 host key and a test user
# (heraldsftp) who may log in with an ed25519 key, an ECDSA key or a password. Exports
# HERALD_TEST_SFTP_HOST, _PORT, _USER, _PASSWORD, _KEY_FILE (ed25519), _ECDSA_KEY_FILE,
# _KNOWN_HOSTS, _ROOT (a directory the user may write, as the server sees it) and
# _READONLY_DIR (a root-owned directory inside it the user may not write).
# Uses from test.sh: free_port, wait_port, $TEST_WORK_DIR, PIDS.

if [ ! -x /usr/sbin/sshd ]; then
  echo "sshd.sh: installing openssh-server"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssh-server >/dev/null 2>&1 \
    || { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssh-server >/dev/null; }
fi
# The Debian package starts its own service on port 22; ours is private, so that one is not needed.
mkdir -p /run/sshd && chmod 0755 /run/sshd

sftp_dir="$TEST_WORK_DIR/sftp"
mkdir -p "$sftp_dir"
chmod 0755 "$TEST_WORK_DIR" "$sftp_dir"
ssh-keygen -q -t ed25519 -N '' -C herald-test-host -f "$sftp_dir/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -C heraldsftp-ed25519 -f "$sftp_dir/user_ed25519"
ssh-keygen -q -t ecdsa -b 256 -N '' -C heraldsftp-ecdsa -f "$sftp_dir/user_ecdsa"
cat "$sftp_dir/user_ed25519.pub" "$sftp_dir/user_ecdsa.pub" > "$sftp_dir/authorized_keys"
chmod 0644 "$sftp_dir/authorized_keys"

# The test user: `useradd` leaves the account locked, which sshd refuses with UsePAM no; a
# real password hash unlocks it (and serves the password tests).
sftp_user=heraldsftp
id "$sftp_user" >/dev/null 2>&1 || useradd -M -d /nonexistent -s /bin/sh "$sftp_user"
# One password per machine, kept root-only beside the user: two test.sh runs at once (or a bench
# sshd left running) then agree, instead of each resetting the other's password.
sftp_password_file=/var/lib/herald-test-sftp-password
if [ ! -s "$sftp_password_file" ]; then
  (umask 077; python3 -c 'import secrets; print(secrets.token_hex(12))' > "$sftp_password_file")
  usermod -p "$(openssl passwd -6 "$(cat "$sftp_password_file")")" "$sftp_user"
fi
sftp_password=$(cat "$sftp_password_file")
# A user made by an earlier machine image without the file: set it now.
if ! grep -q "^$sftp_user:\$6\$" /etc/shadow 2>/dev/null; then
  usermod -p "$(openssl passwd -6 "$sftp_password")" "$sftp_user"
fi

sftp_root="$sftp_dir/root"
mkdir -p "$sftp_root/readonly"
chown "$sftp_user" "$sftp_root"
chown root:root "$sftp_root/readonly"
chmod 0755 "$sftp_root" "$sftp_root/readonly"

sftp_port=$(free_port)
cat > "$sftp_dir/sshd_config" <<CONFIG
Port $sftp_port
ListenAddress 127.0.0.1
HostKey $sftp_dir/host_ed25519
PidFile $sftp_dir/sshd.pid
UsePAM no
StrictModes no
PermitRootLogin no
AllowUsers $sftp_user
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
AuthorizedKeysFile $sftp_dir/authorized_keys
Subsystem sftp internal-sftp
MaxStartups 200
MaxSessions 50
LogLevel VERBOSE
CONFIG

if ! /usr/sbin/sshd -t -f "$sftp_dir/sshd_config"; then
  echo "sshd.sh: sshd refuses its configuration" >&2
  return 1
fi
/usr/sbin/sshd -D -f "$sftp_dir/sshd_config" -E "$sftp_dir/sshd.log" &
PIDS+=($!)
if ! wait_port "$sftp_port" 30; then
  echo "sshd.sh: sshd did not start; its log:" >&2
  cat "$sftp_dir/sshd.log" >&2
  return 1
fi
echo "[127.0.0.1]:$sftp_port $(cut -d' ' -f1-2 "$sftp_dir/host_ed25519.pub")" > "$sftp_dir/known_hosts"

export HERALD_TEST_SFTP_HOST=127.0.0.1
export HERALD_TEST_SFTP_PORT="$sftp_port"
export HERALD_TEST_SFTP_USER="$sftp_user"
export HERALD_TEST_SFTP_PASSWORD="$sftp_password"
export HERALD_TEST_SFTP_KEY_FILE="$sftp_dir/user_ed25519"
export HERALD_TEST_SFTP_ECDSA_KEY_FILE="$sftp_dir/user_ecdsa"
export HERALD_TEST_SFTP_KNOWN_HOSTS="$sftp_dir/known_hosts"
export HERALD_TEST_SFTP_ROOT="$sftp_root"
export HERALD_TEST_SFTP_READONLY_DIR="$sftp_root/readonly"
