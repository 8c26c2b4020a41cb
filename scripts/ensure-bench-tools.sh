#!/usr/bin/env bash
# bench/checkin.py drives the scan API with wrk (Debian's). Install it when we are root;
# otherwise say so loudly: the check-in benchmark cannot run without it.
set -u
command -v wrk >/dev/null && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing wrk for the check-in benchmark ..."
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; then
    exit 0
  fi
fi
echo "************************************************************************" >&2
echo "ERROR: wrk is missing and could not be installed (as root: apt-get install -y wrk)." >&2
echo "       bench/checkin.py (the check-in benchmark) cannot run without it." >&2
echo "************************************************************************" >&2
exit 1
