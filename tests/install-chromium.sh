#!/usr/bin/env bash
# Installs Debian's Chromium for the report tests in a real browser (tests/it/report.rs runs
# this when no Chromium is on PATH; .ci/run runs it too), and Debian's chromedriver for the
# workbench's end-to-end test (tests/it/serve_browser.rs drives the pages through WebDriver).
# Needs root and apt-get.
set -euo pipefail
found() {
  { command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; } &&
    command -v chromedriver >/dev/null 2>&1
}
found && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: needs root and apt-get; install Chromium yourself (Debian: apt-get install -y chromium)" >&2
  exit 1
fi
echo "install-chromium: installing Debian's chromium and chromium-driver for the browser tests" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
# A package whose binary was removed by hand is "already installed": put it back.
found || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall chromium chromium-driver >/dev/null
found
