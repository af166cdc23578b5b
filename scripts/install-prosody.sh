#!/usr/bin/env bash
# Installs Prosody 13 and the community modules from Debian bookworm-backports, plus the
# other Debian tools the tests need. Quick and idempotent when everything is already there.
set -euo pipefail

have_prosody13() {
  command -v prosody >/dev/null 2>&1 &&
    dpkg-query -W -f='${Version}' prosody 2>/dev/null | grep -q '^13\.' &&
    dpkg-query -W prosody-modules >/dev/null 2>&1 &&
    command -v luacheck >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 &&
    command -v curl >/dev/null 2>&1 && command -v tmux >/dev/null 2>&1 &&
    command -v zsh >/dev/null 2>&1 && command -v fish >/dev/null 2>&1 &&
    command -v man >/dev/null 2>&1 && command -v strace >/dev/null 2>&1
}

if have_prosody13; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "xmgr tests need Prosody 13 from Debian bookworm-backports; run 'sudo bash scripts/install-prosody.sh' once." >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "xmgr tests need Prosody 13; this machine has no apt-get. Install Prosody 13 and prosody-modules by hand." >&2
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
apt-get update -qq
apt-get install -y -qq -t bookworm-backports prosody prosody-modules >/dev/null
# luacheck for the Lua modules, curl for the benchmark, tmux for the shell's terminal tests,
# zsh and fish to load xmgr's completion scripts, man for the packaging test (man -w xmgr), strace
# for the test that counts which CA files a run reads.
apt-get install -y -qq lua-check openssl curl tmux zsh fish man-db strace >/dev/null
have_prosody13 || { echo "Prosody 13 did not install; see the apt-get output above." >&2; exit 1; }
