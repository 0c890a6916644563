#!/usr/bin/env bash
# Headless Chromium for the report's browser test (tests/test_report_page.py), from Debian's
# own package: Playwright's `playwright install` downloads a browser build from its CDN, which a
# machine that reaches only the package registries cannot do. Playwright (pinned in
# pyproject.toml) drives this Chromium through `executable_path`.
#
# Where a Chromium already answers, this touches nothing. Otherwise, as root on Debian 12, it
# installs the tested version (CHROMIUM_VERSION) and falls back to the archive's current one:
# Debian's security archive keeps only the latest build, so an exact pin can vanish.
set -euo pipefail

CHROMIUM_VERSION=${CHROMIUM_VERSION:-156.0.8078.114-1~deb12u1}
say() { printf '[browser] %s\n' "$*" >&2; }

if command -v chromium >/dev/null 2>&1 && chromium --headless=new --version >/dev/null 2>&1; then
  say "$(chromium --version 2>/dev/null | head -1) already installed"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "no chromium; install Debian's 'chromium' package (or set EVALS_CHROMIUM to a Chromium binary)"
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
say "installing chromium ${CHROMIUM_VERSION} from Debian"
apt-get update -qq
if ! apt-get install -y -qq --no-install-recommends "chromium=${CHROMIUM_VERSION}" fonts-dejavu-core >/dev/null; then
  say "chromium ${CHROMIUM_VERSION} is no longer in the archive: installing the current build"
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
say "$(chromium --version 2>/dev/null | head -1) installed"
