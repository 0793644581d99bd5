# syntax=docker/dockerfile:1
# Stand-in for nginxinc/nginx-unprivileged where Docker Hub cannot be reached
# (./vmpulse images build --bases local): Debian 12's nginx package arranged as that image
# is: the entrypoint runs /docker-entrypoint.d/*.sh, then nginx in the foreground, as
# user 101. Context: deploy/docker/local-bases.
ARG DEBIAN_IMAGE=debian:12.11-slim
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \
 && mkdir -p /docker-entrypoint.d /usr/share/nginx/html
COPY nginx-entrypoint.sh /docker-entrypoint.sh
USER 101:101
EXPOSE 8080
STOPSIGNAL SIGQUIT
ENTRYPOINT ["/docker-entrypoint.sh"]
CMD ["nginx", "-g", "daemon off;"]
