-- vmpulse schema, version 4: alerts (docs/alerts.md). Runs unchanged on MySQL 8.0
-- (Cloud SQL) and MariaDB 10.11; idempotent like 001-003.
--
-- The hub that holds the database lock 'vmpulse_alerts' evaluates the rules and is the
-- only writer of alertas and alertas_historial; the hub that holds
-- 'vmpulse_alert_delivery' sends notifications. State and history live here, so a
-- restart or a takeover by another hub continues where the last one stopped.

-- The alerts now pending or firing: one row per rule and VM. A resolved alert is
-- deleted here (its history stays in alertas_historial).
CREATE TABLE IF NOT EXISTS alertas (
  regla VARCHAR(64) NOT NULL,            -- the rule's name (alertname); vm_down for VM down
  vm VARCHAR(64) NOT NULL,
  severidad ENUM('warning','critical') NOT NULL,
  estado ENUM('pending','firing') NOT NULL,
  valor DOUBLE NULL,                     -- the value of the latest change; NULL for vm_down
  umbral DOUBLE NULL,
  desde DATETIME(3) NOT NULL,            -- UTC: the condition began (startsAt)
  cambio DATETIME(3) NOT NULL,           -- UTC: the current state began
  huella CHAR(16) CHARACTER SET ascii NOT NULL,  -- the fingerprint (rule and VM)
  resumen VARCHAR(255) NOT NULL DEFAULT '',
  silenciada BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (regla, vm)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Every state change, in order; also the notifications' outbox: a destination has
-- received every row with notificar = TRUE and id <= its cursor in alertas_envios.
CREATE TABLE IF NOT EXISTS alertas_historial (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  regla VARCHAR(64) NOT NULL,
  vm VARCHAR(64) NOT NULL,
  severidad ENUM('warning','critical') NOT NULL,
  estado ENUM('pending','firing','resolved') NOT NULL,  -- the new state
  anterior ENUM('pending','firing') NULL,               -- the state before; NULL: new
  valor DOUBLE NULL,
  umbral DOUBLE NULL,
  desde DATETIME(3) NOT NULL,            -- UTC: startsAt of the alert
  hora DATETIME(3) NOT NULL,             -- UTC: the change (endsAt of a resolved alert)
  huella CHAR(16) CHARACTER SET ascii NOT NULL,
  resumen VARCHAR(255) NOT NULL DEFAULT '',
  silenciada BOOLEAN NOT NULL DEFAULT FALSE,  -- silenced when it happened
  -- Sent to the destinations: a change to firing, or from firing to resolved, that was
  -- not silenced. Pending and pending-to-resolved are history only.
  notificar BOOLEAN NOT NULL DEFAULT FALSE,
  PRIMARY KEY (id),
  KEY alertas_historial_hora (hora),
  KEY alertas_historial_vm_hora (vm, hora)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- How far each notification destination has received alertas_historial. The
-- destination is the SHA-256 (hex) of its URL: a webhook URL may hold a secret.
CREATE TABLE IF NOT EXISTS alertas_envios (
  destino CHAR(64) CHARACTER SET ascii NOT NULL,
  ultimo_id BIGINT UNSIGNED NOT NULL,
  hora DATETIME(3) NOT NULL,             -- UTC: the last delivery
  PRIMARY KEY (destino)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Maintenance windows: the alerts of a VM whose name matches patron (a name, or a
-- pattern with * and ?) are silenced until hasta: they still show, but do not notify.
CREATE TABLE IF NOT EXISTS silencios (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  patron VARCHAR(64) NOT NULL,
  hasta DATETIME NOT NULL,               -- UTC
  comentario VARCHAR(255) NOT NULL DEFAULT '',
  creado DATETIME NOT NULL,              -- UTC
  PRIMARY KEY (id),
  KEY silencios_hasta (hasta)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
