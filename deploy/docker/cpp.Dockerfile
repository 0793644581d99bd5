# syntax=docker/dockerfile:1
# The three C++ images from one compile: a shared build stage, then one small final
# stage per component (build one with --target agent, api or hub).
# Build context: the repository root (docker build -f deploy/docker/cpp.Dockerfile --target api .).
#
#   agent  the static binary of the `static` CMake preset alone on an empty base (the
#          host's /proc is mounted at /host/proc; the agent reads nothing else)
#   api    ingest route 1; hub  the dashboards' hub. Each on an empty base holding the
#          binary, the shared libraries it loads and the database client's auth plugins,
#          copied from the build stage (deploy/docker/collect-runtime.sh): no shell, no
#          package manager, nothing the service does not run.
ARG DEBIAN_IMAGE=debian:12.11-slim
# BINARIES=source (the default, what users and the workflow build) compiles everything
# here. BINARIES=prebuilt takes the three root filesystems from PREBUILT_IMAGE instead,
# laid out by the same collect-runtime.sh from binaries this machine's own build of the
# release and static presets made (./vmpulse images build --prebuilt, the test run).
ARG BINARIES=source
ARG PREBUILT_IMAGE=scratch

FROM ${DEBIAN_IMAGE} AS build-source
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
COPY agent/ agent/
COPY api/ api/
COPY hub/ hub/
# Warnings are CI's gate (same compiler, -Werror); an image build does not stop on one.
# ccache keeps its cache in a build cache mount: a rebuild after a small change compiles
# only what changed.
ENV CCACHE_DIR=/root/.cache/ccache CCACHE_BASEDIR=/src
RUN --mount=type=cache,target=/root/.cache/ccache \
    cmake --preset release -DVMPULSE_COMPONENTS="core;api;hub" -DVMPULSE_BENCH=OFF -DVMPULSE_WERROR=OFF \
 && nice cmake --build --preset release --target vmpulse-api vmpulse-hub -j"$(nproc)" \
 && cmake --preset static -DVMPULSE_WERROR=OFF \
 && nice cmake --build --preset static --target vmpulse-agent -j"$(nproc)"
COPY deploy/docker/collect-runtime.sh /usr/local/bin/collect-runtime
RUN collect-runtime /rootfs build/static/bin/vmpulse-agent build/bin/vmpulse-api build/bin/vmpulse-hub \
      config/alerts.yaml

FROM ${PREBUILT_IMAGE} AS build-prebuilt

FROM build-${BINARIES} AS build

# A numeric, unprivileged user that exists in no passwd file: Kubernetes can check
# runAsNonRoot against it, and nothing in the image belongs to it, so a read-only root
# filesystem costs nothing. Logs: one JSON object a line (docs/observability.md, "Logs").
FROM scratch AS agent
COPY --from=build /rootfs/agent/ /
USER 10001:10001
EXPOSE 8080
ENV VMPULSE_LOG_FORMAT=json
ENTRYPOINT ["/usr/local/bin/vmpulse-agent"]
CMD ["--procfs", "/host/proc", "--listen", "0.0.0.0:8080"]

FROM scratch AS api
COPY --from=build /rootfs/api/ /
USER 10001:10001
EXPOSE 5000
ENV VMPULSE_LOG_FORMAT=json
ENTRYPOINT ["/usr/local/bin/vmpulse-api"]
CMD ["--listen", "0.0.0.0:5000"]

FROM scratch AS hub
COPY --from=build /rootfs/hub/ /
USER 10001:10001
EXPOSE 8081
# The shipped alert rules (docs/alerts.md); mount another file over it, or set
# VMPULSE_ALERTS_FILE=off.
ENV VMPULSE_LOG_FORMAT=json VMPULSE_ALERTS_FILE=/etc/vmpulse/alerts.yaml
ENTRYPOINT ["/usr/local/bin/vmpulse-hub"]
CMD ["--listen", "0.0.0.0:8081"]
