#!/usr/bin/env bash
# Installs the build, run and test dependencies from Debian 12 packages (apt-get only).
# Usage: scripts/install-deps.sh [--run]   (as root, or with sudo available)
#   --run: only what building and running the daemon needs (the README's first command);
#   default: everything, tests included (the README's second command).
set -euo pipefail

RUN_PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config ccache
  # libraries, each for its field
  libboost-dev libboost-system-dev   # Asio/Beast: the HTTP server
  libcurl4-openssl-dev               # HTTP(S)/SMTP client with TLS and proxies
  libre2-dev                         # Go's regexp is RE2
  libyaml-cpp-dev                    # resources on disk
  libsimdjson-dev                    # JSON: alert bodies in (ingest)
  rapidjson-dev                      # JSON: everything else in and out
  nlohmann-json3-dev                 # JSON: tests only
  libssl-dev                         # HMAC, SHA-256, TLS
  libspdlog-dev libfmt-dev           # logging
  libcli11-dev                       # flags
  libcctz-dev tzdata                 # time zones (TZif with POSIX rules) for tz, cron and TZ
  libsqlite3-dev                     # the embedded state database (--storage.path)
  libhiredis-dev                     # Redis client: --store.type redis (issue #12)
  libnats-dev                        # NATS client (cnats): --store.type nats (issue #12)
  libjemalloc-dev                    # the daemon's allocator (per-thread caches, no arena locks)
  curl ca-certificates               # the example posts alerts with curl
)
TEST_PACKAGES=(
  clang libclang-rt-14-dev clang-format  # fuzzing (libFuzzer), the format check
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 openssl procps
  libc-bin                           # zic: the time zone tests compile a slim zone file
  golang-go                          # Go text/template: the oracle of the template conformance suite
  prometheus-alertmanager prometheus # real peers in the integration tests
  python3-aiosmtpd                   # a real SMTP server (STARTTLS, AUTH) for the email tests
  redis-server                       # the real Redis the --store.type redis tests start
  nats-server                        # the real NATS (JetStream) the --store.type nats tests start
  python3-yaml                       # the fake Kubernetes API server reads deploy/crds; test_kustomize parses kubectl kustomize
  # kubectl (the real client the Kubernetes tests drive) is preinstalled on these machines: no
  # Debian package ships it; those tests skip without it.
)

PACKAGES=("${RUN_PACKAGES[@]}")
if [ "${1:-}" != "--run" ]; then PACKAGES+=("${TEST_PACKAGES[@]}"); fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
