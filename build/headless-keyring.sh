#!/usr/bin/env bash
# A Secret Service for hubtray on a machine without a desktop session: gnome-keyring with an unlocked login
# keyring, on a D-Bus session. Prints the lines that point a shell at it, so use it through eval:
#
#   eval "$(build/headless-keyring.sh)"            # asks for the login keyring's password on the terminal
#   eval "$(build/headless-keyring.sh < FILE)"     # or reads it from standard input (trailing newlines dropped)
#
# What it does, in order:
#   1. uses the D-Bus session in DBUS_SESSION_BUS_ADDRESS when one answers there, else starts one (dbus-daemon);
#   2. when a Secret Service already answers on that session, starts nothing: an unlocked one is used as it is, a
#      locked one is reported (a second gnome-keyring-daemon on the same session would not unlock it; it would
#      quietly take the bus name from the first, or fail);
#   3. else starts gnome-keyring-daemon --unlock with the password: it unlocks the login keyring
#      (~/.local/share/keyrings/login.keyring), or creates it with that password the first time;
#   4. checks that the login keyring answers unlocked, and prints
#        export DBUS_SESSION_BUS_ADDRESS='…'   export DBUS_SESSION_BUS_PID=…   export GNOME_KEYRING_PID=…
#      (the PIDs of what it started; `kill "$GNOME_KEYRING_PID" "$DBUS_SESSION_BUS_PID"` stops them).
# Messages go to standard error; exit status 1 when no usable keyring could be set up, having stopped whatever it
# started. Needs: sudo apt-get install --no-install-recommends gnome-keyring dbus
set -euo pipefail

INSTALL='sudo apt-get install --no-install-recommends gnome-keyring dbus'
SECRETS=org.freedesktop.secrets
started_bus_pid=''
started_keyring_pid=''

say() { printf 'headless-keyring: %s\n' "$*" >&2; }

# Stops a process this run started, by PID, and waits (up to 5 s) until it is gone, so that nothing of this run
# still holds the bus name when the caller tries again.
stop_started() {
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
}

# Stops what this run started, then exits 1 with the reason.
fail() {
  say "$*"
  if [ -n "$started_keyring_pid" ]; then stop_started "$started_keyring_pid"; fi
  if [ -n "$started_bus_pid" ]; then stop_started "$started_bus_pid"; fi
  exit 1
}

for tool in dbus-daemon dbus-send gnome-keyring-daemon; do
  command -v "$tool" >/dev/null || fail "$tool is not installed; install it with: $INSTALL"
done

# dbus-send on the session in DBUS_SESSION_BUS_ADDRESS; prints the reply's values, fails when there is none.
bus() { dbus-send --session --reply-timeout=3000 --print-reply=literal "$@" 2>/dev/null; }
bus_answers() { [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && bus --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetId >/dev/null; }
# NameHasOwner and GetConnectionUnixProcessID never start a service; a call to the name itself may (D-Bus
# activation would start a second, locked gnome-keyring), so the keyring is only asked once it owns its name.
secrets_owned() { bus --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner "string:$SECRETS" | grep -q true; }
secrets_pid() { bus --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.GetConnectionUnixProcessID "string:$SECRETS" | awk '{ print $NF }'; }
# "false" when the default (login) keyring is unlocked, "true" when locked, nothing when there is none.
default_locked() {
  bus --dest="$SECRETS" /org/freedesktop/secrets/aliases/default org.freedesktop.DBus.Properties.Get \
    string:org.freedesktop.Secret.Collection string:Locked | awk '{ print $NF }'
}

print_exports() {
  printf "export DBUS_SESSION_BUS_ADDRESS='%s'\n" "$DBUS_SESSION_BUS_ADDRESS"
  if [ -n "$started_bus_pid" ]; then printf 'export DBUS_SESSION_BUS_PID=%s\n' "$started_bus_pid"; fi
  printf 'export GNOME_KEYRING_PID=%s\n' "$1"
}

# 1. A D-Bus session.
if bus_answers; then
  say "using the D-Bus session at $DBUS_SESSION_BUS_ADDRESS"
else
  if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then say "no D-Bus session answers at $DBUS_SESSION_BUS_ADDRESS; starting one"; fi
  out=$(mktemp)
  # Into a file, not a pipe: the forked daemon must not hold the caller's $(…) open.
  if ! dbus-daemon --session --fork --print-address=1 --print-pid=1 </dev/null >"$out" 2>/dev/null; then
    rm -f "$out"
    fail 'dbus-daemon --session could not start a D-Bus session'
  fi
  DBUS_SESSION_BUS_ADDRESS=$(sed -n 1p "$out")
  started_bus_pid=$(sed -n 2p "$out")
  rm -f "$out"
  export DBUS_SESSION_BUS_ADDRESS
  bus_answers || fail "the D-Bus session started (pid $started_bus_pid) does not answer at $DBUS_SESSION_BUS_ADDRESS"
  say "started a D-Bus session (dbus-daemon, pid $started_bus_pid)"
fi

# 2. One Secret Service per session: never a second.
if secrets_owned; then
  owner=$(secrets_pid)
  case "$(default_locked)" in
    false)
      say "a Secret Service (pid $owner) already answers on this D-Bus session, its login keyring unlocked: started nothing"
      print_exports "$owner"
      exit 0
      ;;
    true) fail "a Secret Service (pid $owner) already answers on this D-Bus session, but its login keyring is locked. A second gnome-keyring-daemon would not unlock it; stop this one (kill $owner) and run this script again" ;;
    *) fail "a Secret Service (pid $owner) already answers on this D-Bus session, but it has no login (default) keyring. Stop it (kill $owner) and run this script again" ;;
  esac
fi

# 3. The password, never from argv (every user's `ps` can read argv).
keyring_file="${XDG_DATA_HOME:-$HOME/.local/share}/keyrings/login.keyring"
if [ -t 0 ]; then
  if [ -e "$keyring_file" ]; then prompt='Password of the login keyring: '; else prompt='Password for a new login keyring: '; fi
  IFS= read -rsp "$prompt" password || true
  printf '\n' >&2
  if [ ! -e "$keyring_file" ]; then
    IFS= read -rsp 'The same password again: ' again || true
    printf '\n' >&2
    [ "$password" = "$again" ] || fail 'the two passwords differ'
  fi
else
  password=$(cat)
fi
[ -n "$password" ] || fail 'the password is empty: gnome-keyring would keep the secrets unencrypted'

log=$(mktemp)
# --foreground in its own session (setsid): this PID is the daemon's, and it outlives the shell that ran this.
# Its input is the password to its end: a trailing newline would become part of it.
setsid gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>"$log" < <(printf %s "$password") &
started_keyring_pid=$!
unset password

# 4. Until it owns its name on the bus and its login keyring answers unlocked (a wrong password leaves it locked).
state=''
for _ in $(seq 100); do
  kill -0 "$started_keyring_pid" 2>/dev/null || { started_keyring_pid=''; fail "gnome-keyring-daemon exited: $(cat "$log")"; }
  if secrets_owned; then
    state=$(default_locked)
    if [ "$state" = false ] || [ "$state" = true ]; then break; fi
  fi
  sleep 0.1
done
rm -f "$log"
owner=$(secrets_pid || true)
[ "$owner" = "$started_keyring_pid" ] || fail "another process (pid ${owner:-none}) took the Secret Service's name on this D-Bus session"
case "$state" in
  false) ;;
  true) fail "the password does not unlock the login keyring in $keyring_file" ;;
  *) fail 'gnome-keyring-daemon did not offer an unlocked login keyring within 10 s' ;;
esac
say "started gnome-keyring-daemon (pid $started_keyring_pid); the login keyring ($keyring_file) is unlocked"
print_exports "$started_keyring_pid"
