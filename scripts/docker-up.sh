#!/usr/bin/env bash
# Make sure a Docker Engine (>= 24) with Compose v2 is running.
#
# On a machine that already has a recent engine (a developer laptop) this touches nothing.
# On a fresh Debian 12 machine (client only, no daemon) it installs Docker 26 + Compose v2
# from Debian 13 without upgrading libc (recipe in ../shared/ENVIRONMENT.md), then starts
# the daemon in the background and waits until it answers.
set -euo pipefail

MIN_MAJOR=24
LOG=${EVALS_DOCKERD_LOG:-/var/log/evals-dockerd.log}

say() { printf '[docker-up] %s\n' "$*" >&2; }

server_major() {
  docker version --format '{{.Server.Version}}' 2>/dev/null | cut -d. -f1
}

compose_ok() {
  local v
  v=$(docker compose version --short 2>/dev/null | sed 's/^v//') || return 1
  [ -n "$v" ] || return 1
  # Inspect needs compose >= 2.21
  python3 - "$v" <<'PY'
import sys
parts = [int(p) for p in sys.argv[1].split("-")[0].split(".")[:2]]
sys.exit(0 if parts >= [2, 21] else 1)
PY
}

engine_ok() {
  local m
  m=$(server_major) || return 1
  [ -n "$m" ] && [ "$m" -ge "$MIN_MAJOR" ]
}

if engine_ok && compose_ok; then
  say "engine $(docker version --format '{{.Server.Version}}') and compose $(docker compose version --short) already running: nothing to do"
  exit 0
fi

installed_dockerd_major() {
  command -v dockerd >/dev/null 2>&1 || return 1
  dockerd --version 2>/dev/null | sed -E 's/^Docker version ([0-9]+).*/\1/'
}

need_install=1
if m=$(installed_dockerd_major) && [ -n "$m" ] && [ "$m" -ge "$MIN_MAJOR" ] && compose_ok; then
  need_install=0
fi

if [ "$need_install" = 1 ]; then
  if [ "$(id -u)" != 0 ]; then
    say "Docker Engine >= $MIN_MAJOR with Compose v2 is needed and this script can only install it as root."
    say "Install Docker (https://docs.docker.com/engine/install/) and run 'make demo' again."
    exit 1
  fi
  if ! grep -q '^VERSION_CODENAME=bookworm' /etc/os-release 2>/dev/null; then
    say "No usable Docker Engine here, and automatic installation is only known to work on Debian 12."
    say "Install Docker Engine >= $MIN_MAJOR and Compose v2, start it, and run again."
    exit 1
  fi
  say "installing Docker Engine and Compose v2 from Debian 13 (libc stays bookworm's)..."
  printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    > /etc/apt/sources.list.d/trixie.sources
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > /etc/apt/preferences.d/trixie
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends \
    docker.io/trixie docker-cli/trixie docker-compose/trixie docker-buildx/trixie iptables >/dev/null
  say "installed: $(dockerd --version)"
fi

if ! docker info >/dev/null 2>&1; then
  say "starting dockerd (log: $LOG)"
  mkdir -p "$(dirname "$LOG")"
  # a session of its own: stopping whatever started it (a test run that restarted the engine,
  # a CI job killed with its process group) must not stop the engine with it
  setsid nohup dockerd >"$LOG" 2>&1 &
  for i in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
fi

if ! engine_ok; then
  say "the Docker daemon did not come up; last lines of $LOG:"
  tail -n 20 "$LOG" >&2 || true
  exit 1
fi
if ! compose_ok; then
  say "Docker Compose v2 (>= 2.21) is missing; install the docker-compose plugin."
  exit 1
fi
say "engine $(docker version --format '{{.Server.Version}}'), compose $(docker compose version --short): ready"
