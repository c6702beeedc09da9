#!/usr/bin/env bash
# The real peers the tests run: OpenSSH's sshd, Debian's Jupyter server and JupyterHub (its proxy comes from npm),
# gnome-keyring's Secret Service under a private D-Bus, and Slurm with munge (the tests start private daemons of their
# own); MIT Kerberos (a private KDC, kadmin.local and kinit, for the openssh transport's GSSAPI login); Environment
# Modules and python3-venv (a real `module` and real virtualenvs, for the environments a host offers); SoftHSM and
# OpenSC's pkcs11-tool (a PKCS#11 token of the test's own, for the openssh transport's PKCS11Provider); and a compiler
# for ssh2's optional native crypto binding, which `npm ci` builds when it can; GNU time, with which `npm run bench`
# reads a command's peak memory. Installs whichever are missing (as
# root, with apt), so that `npm test` alone sets a machine up.
set -euo pipefail
packages=(
  openssh-server openssh-client
  jupyter-core jupyter-server python3-notebook python3-ipykernel
  jupyterhub
  gnome-keyring libsecret-tools dbus
  procps iproute2 passwd time
  g++ make python3
  slurm-wlm munge
  krb5-kdc krb5-admin-server krb5-user
  environment-modules python3-venv
  softhsm2 opensc
  libnss-wrapper
  chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ "${#missing[@]}" -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "The tests need these Debian packages: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
echo "Installing the tests' real peers: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -q
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"
