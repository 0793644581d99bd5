-- wrk script for the ingest benchmark: every request POSTs the same valid body (one
-- record, or an array of BATCH records) with the bearer token from TOKEN, and the run
-- ends with one machine-readable RESULT line that run.sh turns into a table row.
local batch = tonumber(os.getenv("BATCH") or "1")
local token = os.getenv("TOKEN") or ""

local record = '{"vm":"bench-vm","total_ram":16000,"ram_libre":4000,"uso_ram":12000,' ..
  '"porcentaje_ram":75,"porcentaje_cpu_uso":20.5,"porcentaje_cpu_libre":79.5,' ..
  '"procesos_corriendo":3,"procesos_durmiendo":200,"procesos_zombie":0,"procesos_parados":1,' ..
  '"total_procesos":300,"hora":"2026-11-26 10:00:00"}'

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
