#!/usr/bin/env bash
# Installs every build, run and test dependency from Debian 12 packages (apt-get only).
# Usage: scripts/install-deps.sh   (as root, or with sudo available)
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format ccache
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
  libgtest-dev libgmock-dev libbenchmark-dev
  # run and test tools
  python3 curl openssl ca-certificates procps
  golang-go                          # Go text/template: the oracle of the template conformance suite
  prometheus-alertmanager prometheus # real peers in the integration tests
  python3-aiosmtpd                   # a real SMTP server (STARTTLS, AUTH) for the email tests
)

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
