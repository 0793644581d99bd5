-- Run once by the mysql image as root when compose.yaml's database is first created
-- (/docker-entrypoint-initdb.d), after it has made MYSQL_USER: lets that user — the
-- migrate user, used only by the migrate one-shot — create the ingest and hub users and
-- grant them db/grants.sql, as Cloud SQL's gcloud-made user does in the cloud.
GRANT CREATE USER ON *.* TO 'vmpulse'@'%';
GRANT ALL ON `sistema_monitoreo_fase2`.* TO 'vmpulse'@'%' WITH GRANT OPTION;
