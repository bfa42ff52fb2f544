#!/usr/bin/env bash
# Installs what gi-analytics needs on a fresh Debian/Ubuntu machine.
#   bash scripts/setup.sh          the app: Chromium and a CJK font (chart export), the Python package
#   bash scripts/setup.sh --test   the same plus the test tools (pytest, hypothesis, Playwright, ruff)
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing+=(fonts-noto-cjk)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

extra=""; [ "${1:-}" = "--test" ] && extra="[test]"
python3 -m pip install -q --disable-pip-version-check -e ".${extra}"
