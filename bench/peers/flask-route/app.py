"""The specification's route 1, as written there: Flask, `request.json`, `api` set to
"Python", saved to MySQL, `{"status": "saved"}` back. PyMySQL with one connection per
worker process (gunicorn forks the workers; each opens its own on first use) and one
INSERT and COMMIT per request. A benchmark peer only: no validation beyond what the
specification does, no auth.

Run: VMPULSE_DB_URL=mysql://u:p@127.0.0.1:3307/db gunicorn -w 4 -b 127.0.0.1:5001 app:app
"""
import os
import urllib.parse

import pymysql
from flask import Flask, jsonify, request

app = Flask(__name__)
_conn = None

COLUMNS = ("vm", "total_ram", "ram_libre", "uso_ram", "porcentaje_ram", "porcentaje_cpu_uso",
           "porcentaje_cpu_libre", "procesos_corriendo", "total_procesos", "procesos_durmiendo",
           "procesos_zombie", "procesos_parados", "hora", "api")
INSERT = f"INSERT INTO metricas ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * len(COLUMNS))})"


def connection():
    global _conn
    if _conn is None:
        url = urllib.parse.urlsplit(os.environ["VMPULSE_DB_URL"])
        _conn = pymysql.connect(host=url.hostname, port=url.port or 3306, user=url.username,
                                password=urllib.parse.unquote(url.password or ""),
                                database=url.path.lstrip("/"), autocommit=False)
    return _conn


@app.route("/metrics", methods=["POST"])
def save_metrics():
    global _conn
    data = request.json
    data["api"] = "Python"
    # Guardar en Cloud SQL
    try:
        conn = connection()
        with conn.cursor() as cursor:
            cursor.execute(INSERT, [data.get(c) for c in COLUMNS])
            cursor.execute("INSERT INTO metricas_por_api (api, total) VALUES ('Python', 1) "
                           "ON DUPLICATE KEY UPDATE total = total + 1")
        conn.commit()
    except pymysql.MySQLError as e:
        if _conn is not None:
            _conn.close()
        _conn = None
        return jsonify({"error": "database_unavailable", "detail": str(e)}), 503
    return jsonify({"status": "saved"})
