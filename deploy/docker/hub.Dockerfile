# syntax=docker/dockerfile:1
# vmpulse-hub: the hub: pushes new rows to dashboards over WebSocket, serves history and split counts.
# Build context: the repository root (docker build -f deploy/docker/hub.Dockerfile .).
#
# Builder and runtime share one pinned Debian point release, so the shared libraries the
# binary was linked against are exactly the ones the runtime stage installs.
ARG DEBIAN_IMAGE=debian:12.11-slim

FROM ${DEBIAN_IMAGE} AS build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# The build dependencies are the project's own list (scripts/packages/build.apt), so the
# image and a developer's machine never drift apart.
COPY scripts/packages/build.apt /tmp/build.apt
RUN apt-get update \
 && grep -Ev '^[[:space:]]*(#|$)' /tmp/build.apt \
    | xargs apt-get install -y --no-install-recommends \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY CMakeLists.txt CMakePresets.json ./
COPY config/ config/
COPY contract/ contract/
COPY core/ core/
COPY hub/ hub/
# Warnings are CI's gate (same compiler, -Werror); an image build does not stop on one.
RUN cmake --preset release -DVMPULSE_COMPONENTS="core;hub" -DVMPULSE_BENCH=OFF \
      -DVMPULSE_WERROR=OFF -DCMAKE_CXX_COMPILER_LAUNCHER= -DCMAKE_C_COMPILER_LAUNCHER= \
 && cmake --build --preset release --target vmpulse-hub -j"$(nproc)" \
 && strip build/bin/vmpulse-hub
# The Debian packages that own the shared libraries the binary needs: the runtime stage
# installs exactly these and nothing else.
# (dpkg knows some libraries by their /lib path and others by /usr/lib: try both.)
RUN ldd build/bin/vmpulse-hub | awk '/=> \//{print $3}' \
    | while read -r lib; do dpkg -S "$lib" 2>/dev/null || dpkg -S "$(realpath "$lib")"; done \
    | cut -d: -f1 | sort -u > /src/runtime-packages \
 && cat /src/runtime-packages

FROM ${DEBIAN_IMAGE}
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
COPY --from=build /src/runtime-packages /tmp/runtime-packages
RUN apt-get update \
 && xargs -r apt-get install -y --no-install-recommends < /tmp/runtime-packages \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages
COPY --from=build /src/build/bin/vmpulse-hub /usr/local/bin/vmpulse-hub
# The shipped alert rules (docs/alerts.md); mount another file over it, or set
# VMPULSE_ALERTS_FILE=off.
COPY --from=build /src/config/alerts.yaml /etc/vmpulse/alerts.yaml
# A numeric, unprivileged user that exists in no passwd file: Kubernetes can check
# runAsNonRoot against it, and nothing in the image belongs to it, so a read-only root
# filesystem costs nothing.
USER 10001:10001
EXPOSE 8081
# One JSON object a line for the log pipeline (docs/observability.md, "Logs").
ENV VMPULSE_LOG_FORMAT=json
ENV VMPULSE_ALERTS_FILE=/etc/vmpulse/alerts.yaml
ENTRYPOINT ["/usr/local/bin/vmpulse-hub"]
CMD ["--listen", "0.0.0.0:8081"]
