-- wrk script for the ingest benchmark: every request POSTs the same valid body (one
-- record, or an array of BATCH records) with the bearer token from TOKEN, and the run
-- ends with one machine-readable RESULT line that run.sh turns into a table row.
-- RECORD=v2 sends version 2 records (every new field, procesos_top with 10 processes in
-- the compact form the agent writes) instead of version 1 ones (bench/ingest/record_v2.sh);
-- RECORD=v2-objects the same with procesos_top's entries as objects. LABELS=N adds N labels.
local batch = tonumber(os.getenv("BATCH") or "1")
local token = os.getenv("TOKEN") or ""

local record = '{"vm":"bench-vm","total_ram":16000,"ram_libre":4000,"uso_ram":12000,' ..
  '"porcentaje_ram":75,"porcentaje_cpu_uso":20.5,"porcentaje_cpu_libre":79.5,' ..
  '"procesos_corriendo":3,"procesos_durmiendo":200,"procesos_zombie":0,"procesos_parados":1,' ..
  '"total_procesos":300,"hora":"2026-11-26 10:00:00"}'

local kind = os.getenv("RECORD") or "v1"
if kind == "v2" or kind == "v2-objects" then
  local names = { "postgres", "java", "node", "systemd-journal", "nginx", "containerd",
    "kworker/0:1", "sshd", "python3", "dockerd" }
  local processes = {}
  local entry = kind == "v2" and '[%d,"%s","%s",%.2f,%.2f]'
    or '{"pid":%d,"nombre":"%s","estado":"%s","porcentaje_cpu":%.2f,"ram_mib":%.2f}'
  for k = 1, 10 do
    processes[k] = string.format(entry, 1000 + k * 37, names[k], k == 1 and "R" or "S",
      40 / k + 0.25, 2048 / k + 0.5)
  end
  record = record:sub(1, -2) .. ',"carga_1":1.25,"carga_5":0.98,"carga_15":0.75,' ..
    '"porcentaje_cpu_robado":0.5,"porcentaje_cpu_espera":2.25,"swap_total":4096,"swap_libre":3900,' ..
    '"disco_total":102400,"disco_libre":51200,"disco_lectura_kib_s":120.5,' ..
    '"disco_escritura_kib_s":340.25,"red_rx_kib_s":1500.75,"red_tx_kib_s":200.5,' ..
    '"tiempo_activo":864000,"procesos_top":[' .. table.concat(processes, ",") .. ']}'
end

-- LABELS=4: every record carries 4 labels (etiquetas, issue 15; bench/ingest/labels.sh).
local labels = tonumber(os.getenv("LABELS") or "0")
if labels > 0 then
  local pairs_ = {}
  local sample = { { "env", "production" }, { "role", "database-primary" }, { "zona", "europe-west1-b" },
    { "equipo", "plataforma" } }
  for k = 1, labels do
    local pair = sample[(k - 1) % #sample + 1]
    pairs_[k] = string.format('"%s%s":"%s"', pair[1], k > #sample and tostring(k) or "", pair[2])
  end
  record = record:sub(1, -2) .. ',"etiquetas":{' .. table.concat(pairs_, ",") .. '}}'
end

local body = record
if batch > 1 then
  local parts = {}
  for i = 1, batch do parts[i] = record end
  body = "[" .. table.concat(parts, ",") .. "]"
end

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

-- wrk counts responses with status >= 400 in errors.status; everything else answered
-- (here only 201) is a success.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d bad_status=%d socket_errors=%d duration_us=%d p50_ms=%.2f p99_ms=%.2f batch=%d\n",
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, batch))
end
