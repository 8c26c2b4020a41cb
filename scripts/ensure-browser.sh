#!/usr/bin/env bash
# Browser tests drive Debian's Chromium (never a downloaded browser) and need a CJK font
# for readable screenshots. Install both when we are root and they are missing.
set -u
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
if command -v fc-list >/dev/null && [ -z "$(fc-list :lang=zh 2>/dev/null | head -1)" ]; then
  need+=(fonts-wqy-zenhei)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${need[*]} for the browser tests ..."
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; then
    exit 0
  fi
fi
cat >&2 <<MSG

################################################################################
#  COULD NOT INSTALL: ${need[*]}
#  The browser tests need Debian's chromium at /usr/bin/chromium and a CJK font.
#  Run as root:  apt-get install -y chromium fonts-wqy-zenhei
#  Without them the browser tests are skipped (and fail under CI=true).
################################################################################

MSG
exit 0
