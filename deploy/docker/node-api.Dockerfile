# syntax=docker/dockerfile:1
# vmpulse-node-api: ingest route 2 (Node.js + Express), the same contract as the C++ route.
# Build context: the repository root (docker build -f deploy/docker/node-api.Dockerfile .).
ARG NODE_IMAGE=node:20.19.2-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app/node-api
COPY node-api/package.json node-api/package-lock.json ./
# Production dependencies only, exactly as locked; npm's download cache is a build cache
# mount (kept between builds on one machine, never in the image).
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# node-api reads the record contract and the defaults from their one place in the
# repository, so the image keeps the repository's layout.
COPY config/defaults.env config/defaults.env
COPY contract/ contract/
COPY --from=deps /app/node-api/node_modules node-api/node_modules
COPY node-api/package.json node-api/
COPY node-api/src/ node-api/src/
WORKDIR /app/node-api
# The image's files stay root-owned and read-only to the process; a numeric user lets
# Kubernetes verify runAsNonRoot.
USER 10001:10001
ENV PORT=3000
# One JSON object a line for the log pipeline (docs/observability.md, "Logs").
ENV VMPULSE_LOG_FORMAT=json
EXPOSE 3000
# node directly (no npm wrapper) so SIGTERM reaches the server and it can drain.
CMD ["node", "src/server.js"]
