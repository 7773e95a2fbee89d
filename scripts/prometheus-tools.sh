#!/usr/bin/env bash
# Prints the folder that holds Debian's `promtool` and `prometheus` binaries, fetching them once.
#
#   bin=$(bash scripts/prometheus-tools.sh) && "$bin/promtool" check rules deploy/prometheus/rules/*.yml
#
# They come from the OS package `prometheus` (apt-get download + dpkg -x: nothing is installed, no service is
# started) and are cached under var/tools/prometheus/, so only the first call of a machine pays the ~2 s.
# The tests (tests/deploy, tests/integration/test_prometheus_scrape.py) call this; so can a person.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DEST="${IC_PROMETHEUS_TOOLS_DIR:-$ROOT/var/tools/prometheus}"

if [ -x "$DEST/promtool" ] && [ -x "$DEST/prometheus" ]; then
  echo "$DEST"
  exit 0
fi

for tool in apt-get dpkg; do
  command -v "$tool" >/dev/null 2>&1 || { echo "needs $tool (Debian/Ubuntu) to fetch the prometheus package" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/ic-prometheus.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"  # apt's sandbox user writes the download here
fetch() { (cd "$work" && apt-get download -q prometheus) >"$work/apt.log" 2>&1; }
if ! fetch; then
  # A machine whose package lists were never read knows no `prometheus` yet.
  apt-get update -q >"$work/update.log" 2>&1 || true
  fetch || { cat "$work/apt.log" >&2; echo "apt-get download prometheus failed" >&2; exit 1; }
fi
dpkg -x "$work"/prometheus_*.deb "$work/pkg"

# Into place with a rename, so a concurrent caller sees either nothing or both binaries.
mkdir -p "$(dirname "$DEST")"
staged=$(mktemp -d "$(dirname "$DEST")/.prometheus.XXXXXX")
cp "$work/pkg/usr/bin/promtool" "$work/pkg/usr/bin/prometheus" "$staged/"
"$staged/promtool" --version 2>&1 | head -n 1 >"$staged/VERSION"
rm -rf "$DEST"
mv "$staged" "$DEST"
echo "$DEST"
