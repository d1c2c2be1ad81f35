-- wrk script of bench/writes.ts: POSTs one JSON body over and over, with "@@N@@" in it replaced
-- by an integer unique to the thread and request (a session's number, so that no two collide).
--
-- Environment: BENCH_PATH (e.g. /sessions), BENCH_BODY (JSON), BENCH_TOKEN, BENCH_OUT (the JSON
-- summary done() writes: requests, errors and latency percentiles in microseconds).
local path = os.getenv("BENCH_PATH")
local body = os.getenv("BENCH_BODY")
local token = os.getenv("BENCH_TOKEN")
local outfile = os.getenv("BENCH_OUT")
local base = tonumber(os.getenv("BENCH_BASE") or "0")

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local seq = 0
local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json", ["Authorization"] = "Token " .. token }

function request()
  seq = seq + 1
  local n = base + tid * 1000000 + seq
  return wrk.format("POST", path, headers, (body:gsub("@@N@@", tostring(n))))
end

function done(summary, latency, requests)
  local e = summary.errors
  local f = assert(io.open(outfile, "w"))
  f:write(string.format(
    '{"requests": %d, "duration_us": %d, "non2xx": %d, "socket_errors": %d, ' ..
    '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d}}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99)))
  f:close()
end
