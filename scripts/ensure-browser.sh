#!/usr/bin/env bash
# What the clients need to build and to be tested in a real browser, from the OS packages only (no browser or
# Node download of its own: the machines reach the package registries and nothing else).
#   node/npm  -> `make clients` (Vite build, Vitest)
#   chromium  -> Playwright (playwright-core drives /usr/bin/chromium headless)
#   fonts-wqy-microhei -> Debian's Chromium has no CJK font: without it every Chinese character in a
#                         screenshot is an empty box (the DOM text is right, the pictures are not)
# Usage: ensure-browser.sh node | browser. Idempotent; as root on Debian/Ubuntu it installs what is missing.
set -euo pipefail
have() { command -v "$1" >/dev/null 2>&1; }
want=()
case "${1:-browser}" in
  node) have npm || want+=(nodejs npm) ;;
  browser)
    have npm || want+=(nodejs npm)
    [ -x /usr/bin/chromium ] || want+=(chromium)
    fc-list 2>/dev/null | grep -qi 'wenquanyi\|wqy\|noto sans cjk' || want+=(fonts-wqy-microhei)
    ;;
esac
[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && have apt-get; then
  echo "[clients] installing ${want[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q --no-install-recommends "${want[@]}" >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends "${want[@]}" >/dev/null; }
else
  echo "[clients] missing: ${want[*]}; install them (Debian/Ubuntu: apt-get install ${want[*]})" >&2
  exit 1
fi
