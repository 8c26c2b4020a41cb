#!/usr/bin/env bash
# tests/test_ops_deploy.py runs deploy/nginx-site.conf in a real nginx (Debian's) in front of
# the app. Install it when we are root, without letting the package start the system's nginx
# on port 80 (a policy-rc.d that says no, for the duration of the install); otherwise that
# test skips (it says why).
set -u
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing nginx for the deployment test ..."
  policy=/usr/sbin/policy-rc.d
  made_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && made_policy=1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  status=$?
  [ -n "$made_policy" ] && rm -f "$policy"
  [ $status -eq 0 ] && exit 0
fi
echo "NOTE: could not install nginx (run as root: apt-get install -y nginx);" \
     "the nginx deployment test is skipped." >&2
exit 0
