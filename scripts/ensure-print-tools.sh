#!/usr/bin/env bash
# The printing tests read PDFs back with poppler (pdftotext, pdftoppm) and decode printed QR
# codes with zbarimg; the font rebuild check needs the Debian sources of the shipped fonts.
# Install what is missing when we are root; otherwise those tests skip (they say why).
set -u
need=()
command -v pdftotext >/dev/null || need+=(poppler-utils)
command -v zbarimg >/dev/null || need+=(zbar-tools)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || need+=(fonts-wqy-microhei)
[ -f /usr/share/fonts/truetype/hanazono/HanaMinA.ttf ] || need+=(fonts-hanazono)
[ -f /usr/share/unicode/Unihan_OtherMappings.txt.bz2 ] || need+=(unicode-data)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${need[*]} for the printing tests ..."
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; then
    exit 0
  fi
fi
echo "NOTE: could not install ${need[*]} (run as root: apt-get install -y ${need[*]});" \
     "the printing tests that need them are skipped." >&2
exit 0
