# syntax=docker/dockerfile:1
# Stand-in for node:20.x-bookworm-slim where Docker Hub cannot be reached
# (./vmpulse images build --bases local): the local Debian base plus the Node.js package
# installed on the building machine (Debian 12's own nodejs is 18, older than node-api
# and the dashboard's build need). Context: a folder holding nodejs.tar.
ARG DEBIAN_IMAGE=debian:12.11-slim
FROM ${DEBIAN_IMAGE}
ADD nodejs.tar /
RUN node --version && npm --version
CMD ["node"]
