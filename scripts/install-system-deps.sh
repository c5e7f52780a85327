#!/usr/bin/env bash
# Debian packages the project needs beyond Python: Chromium renders reports to PNG/PDF,
# with a colour emoji font for the emoji in posts.
# Idempotent: installs only what is missing. Needs root (as on the dev and CI machines).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
# Emoji in post excerpts render as empty boxes without a colour emoji font.
[[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ]] || missing+=(fonts-noto-color-emoji)
if ((${#missing[@]})); then
  if [[ $(id -u) != 0 ]]; then
    echo "missing Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  echo "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
