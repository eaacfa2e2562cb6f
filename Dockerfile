# The daemon's image: a Release build on Debian 12 (build stage), then only the binary and its
# runtime libraries on debian:12-slim, running as a non-root numeric user.
#   docker build -t notification-manager:latest .

FROM debian:12 AS build
WORKDIR /src
# Only the build dependencies (scripts/install-deps.sh --run: toolchain and -dev libraries).
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh --run && rm -rf /var/lib/apt/lists/*
COPY . .
# Release, warnings as errors (the project's default); the daemon only: no tests, no benchmarks.
RUN scripts/build.sh build -DCMAKE_BUILD_TYPE=Release -DNM_TESTS=OFF -DNM_BENCH=OFF \
      -- notification-manager \
 && strip build/notification-manager \
 && build/notification-manager --version

FROM debian:12-slim
# The shared libraries the binary links (ldd), time zones for cron/TZ, CA roots for HTTPS/SMTPS.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libstdc++6 libcurl4 libssl3 libre2-9 libyaml-cpp0.7 libsimdjson14 libspdlog1.10 libfmt9 \
      libcctz2 libsqlite3-0 libhiredis0.14 \
      tzdata ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/build/notification-manager /usr/local/bin/notification-manager
# Numeric, so Kubernetes' runAsNonRoot can verify it without an /etc/passwd entry.
USER 65532:65532
EXPOSE 19093
# In a pod (KUBERNETES_SERVICE_HOST set) with no flags it reads the cluster; elsewhere pass
# --config.dir DIR or --kubeconfig FILE.
ENTRYPOINT ["/usr/local/bin/notification-manager"]
