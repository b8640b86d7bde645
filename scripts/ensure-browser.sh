#!/usr/bin/env bash
# Install what the browser test needs: Debian's chromium and CJK fonts (so the HTML text a
# manager reads can be checked as it renders). Runs as part of `make test`; it installs
# only as root with apt-get available, and otherwise leaves the browser tests to skip
# (outside CI) with a message saying what is missing.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing for the browser test: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends "${need[@]}" fontconfig >/dev/null 2>&1 \
    || echo "warning: could not install ${need[*]}; browser tests will not pass" >&2
else
  echo "note: ${need[*]} missing and not root: browser tests will be skipped" >&2
fi
exit 0
