-- wrk script: one query shape, a different request each time (see bench/workload.py).
--   wrk -t THREADS ... -s bench/wrk/shapes.lua http://host:port -- SPEC.lua METHOD MODE PATH OFFSET THREADS
-- SPEC.lua (written by workload.write_lua) holds the template pieces, the parameter pools and the walk:
-- request k uses combination (k*a + b) mod n; in mode "repeated", k runs modulo spec.repeated.
-- METHOD: get (?query=), post (application/sparql-query body) or form (form-encoded body).
-- Thread t builds k = OFFSET + t, OFFSET + t + threads, ...; done() prints the figures as one JSON line.

local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

local spec, method, mode, path, offset, total_threads

local function encode(s)
  return (string.gsub(s, "[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  spec = dofile(args[1])
  method, mode, path, offset = args[2], args[3], args[4], tonumber(args[5])
  total_threads = tonumber(args[6])
  counter = 0  -- a global: done() reads it through thread:get
end

local function query(k)
  if mode == "repeated" then k = k % spec.repeated end
  -- exact in doubles: k*a stays far below 2^53
  local j = (k * spec.a + spec.b) % spec.n
  local values = {}
  for i, p in ipairs(spec.params) do
    local size = p.values and #p.values or p.span
    local d = j % size
    j = (j - d) / size
    values[i] = p.values and p.values[d + 1] or tostring(p.lo + d)
  end
  local out = {spec.pieces[1]}
  for i, slot in ipairs(spec.slots) do
    out[#out + 1] = values[slot]
    out[#out + 1] = spec.pieces[i + 1]
  end
  return table.concat(out)
end

function request()
  local k = offset + counter * total_threads + tid
  counter = counter + 1
  local q = query(k)
  local headers = {Accept = spec.accept}
  if method == "get" then
    return wrk.format("GET", path .. "?query=" .. encode(q), headers, nil)
  elseif method == "post" then
    headers["Content-Type"] = "application/sparql-query"
    return wrk.format("POST", path, headers, q)
  else
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", path, headers, "query=" .. encode(q))
  end
end

function done(summary, latency, requests)
  local counts = {}
  for i, t in ipairs(threads) do counts[i] = tostring(t:get("counter")) end
  local e = summary.errors
  io.write(string.format(
    '{"bench": {"requests": %d, "duration_s": %.6f, "bytes": %d, "errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d}, "p50_ms": %.4f, "p90_ms": %.4f, "p99_ms": %.4f, ' ..
    '"max_ms": %.4f, "mean_ms": %.4f, "counts": [%s]}}\n',
    summary.requests, summary.duration / 1e6, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, latency.mean / 1000, table.concat(counts, ",")))
end
