# syntax=docker/dockerfile:1
# vmpulse-dashboard: the React dashboard as static files behind an unprivileged nginx.
# Build context: the repository root (docker build -f deploy/docker/dashboard.Dockerfile .).
# The hub's address is not baked in: at start the container writes config.js from
# HUB_URL, so one image serves every environment (Cloud Run, compose, a laptop).
ARG NODE_IMAGE=node:20.19.2-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.28.0-alpine3.21

FROM ${NODE_IMAGE} AS build
WORKDIR /app/dashboard
COPY dashboard/package.json dashboard/package-lock.json ./
# npm's download cache is a build cache mount (kept between builds on one machine).
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY dashboard/ ./
# The VM name rule is read from the contract (src/lib/urlState.js).
COPY contract/record.schema.json /app/contract/record.schema.json
RUN npm run build

FROM ${NGINX_IMAGE}
COPY deploy/docker/dashboard/nginx.conf /etc/nginx/nginx.conf
COPY deploy/docker/dashboard/headers.conf /etc/nginx/vmpulse-headers.conf
COPY deploy/docker/dashboard/write-config.sh /docker-entrypoint.d/40-vmpulse-config.sh
COPY --from=build /app/dashboard/dist/ /usr/share/nginx/html/
# The base image's nginx user, by number; it owns nothing but /tmp, where nginx keeps
# its pid, temp files and the generated config.js (so the root filesystem can be
# read-only).
USER 101:101
ENV PORT=8080 HUB_URL=""
EXPOSE 8080
