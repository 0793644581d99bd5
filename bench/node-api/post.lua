-- wrk script: POST the body in $BENCH_BODY_FILE with the token in $VMPULSE_TOKEN and
-- count answers by status, so a run that only produced errors cannot pass for fast.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("VMPULSE_TOKEN")
