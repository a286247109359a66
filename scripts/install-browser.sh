#!/usr/bin/env bash
# Installs Debian's Chromium, ChromeDriver and a CJK font for the browser end-to-end test when
# missing.
set -euo pipefail
# A CJK font too, so that screenshots show the Chinese text rather than empty boxes.
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -d /usr/share/fonts/truetype/wqy ]; then
    exit 0
fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "install chromium and chromium-driver (Debian packages) as root" >&2; exit 1; }
    SUDO=sudo
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null
