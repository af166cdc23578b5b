#!/usr/bin/env bash
# Installs ejabberd 24.12 from Debian bookworm-backports for the ejabberd end-to-end tests, and keeps
# its packaged service from starting: the tests start private instances on loopback. Quick and
# idempotent when ejabberd 24 is already there. Adds the backports suite the way install-prosody.sh does.
set -euo pipefail

have_ejabberd24() {
  command -v ejabberdctl >/dev/null 2>&1 &&
    dpkg-query -W -f='${Version}' ejabberd 2>/dev/null | grep -q '^24\.'
}

disable_service() {
  # The instance folders the tests make must not collide with a running packaged ejabberd or epmd.
  if command -v systemctl >/dev/null 2>&1; then
    systemctl disable ejabberd.service epmd.service epmd.socket >/dev/null 2>&1 || true
  fi
  update-rc.d ejabberd disable >/dev/null 2>&1 || true
}

if have_ejabberd24; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "xmgr's ejabberd tests need ejabberd 24 from Debian bookworm-backports; run 'sudo bash scripts/install-ejabberd.sh' once." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "xmgr's ejabberd tests need ejabberd 24; this machine has no apt-get. Install ejabberd 24.12 by hand." >&2
  exit 1
fi

sources=/etc/apt/sources.list.d/debian.sources
target=/etc/apt/sources.list.d/backports.sources
if [ ! -f "$target" ] && [ -f "$sources" ]; then
  # Copy the machine's own first stanza with another suite, so no mirror is named here.
  sed -e 's/^Suites:.*/Suites: bookworm-backports/' "$sources" |
    awk 'BEGIN{RS="";ORS="\n\n"} NR==1' >"$target"
fi

export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=900 update -qq
apt-get -o DPkg::Lock::Timeout=900 install -y -qq -t bookworm-backports ejabberd >/dev/null
disable_service
have_ejabberd24 || { echo "ejabberd 24 did not install; see the apt-get output above." >&2; exit 1; }
