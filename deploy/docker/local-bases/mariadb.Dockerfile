# syntax=docker/dockerfile:1
# Stand-in for compose.yaml's mysql image where Docker Hub cannot be reached
# (tests/suites/65-images.sh brings compose.yaml up with it): Debian 12's MariaDB, with
# the part of the mysql image's contract compose.yaml uses (MYSQL_DATABASE, MYSQL_USER,
# MYSQL_PASSWORD, /docker-entrypoint-initdb.d/*.sql on first start, mysql and
# mysqladmin for the migrate one-shot and the healthcheck). Runs as uid 999 as the mysql
# image does; writes only /var/lib/mysql (a volume) and /tmp (a tmpfs: the socket and
# pid file too), so the root filesystem can be read-only. Context: deploy/docker/local-bases.
ARG DEBIAN_IMAGE=debian:12.11-slim
FROM ${DEBIAN_IMAGE}
# The user first, with the mysql image's ids, so the package's files belong to 999.
RUN groupadd --system --gid 999 mysql \
 && useradd --system --uid 999 --gid 999 --home-dir /var/lib/mysql --no-create-home mysql \
 && apt-get update \
 && apt-get install -y --no-install-recommends mariadb-server mariadb-client \
 && rm -rf /var/lib/apt/lists/* /var/lib/mysql \
 && install -d -o 999 -g 999 -m 0750 /var/lib/mysql \
 && install -d -m 0755 /docker-entrypoint-initdb.d
COPY mariadb-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER 999:999
VOLUME /var/lib/mysql
EXPOSE 3306
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["mariadbd"]
