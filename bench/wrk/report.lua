-- Appended by bench/wrk.py to every scenario script: counts the answers of each thread by
-- status, and prints every figure as one JSON line when the run ends.
--
-- A scenario may define:
--   ok(status, headers)      true when an answer is the scenario's success (default: 2xx, 3xx)
--   answered(status, headers) called for every answer, after it is counted
-- and read the thread's number as `thread_id` (1, 2, ...) in its init().

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

statuses = {}
successes = 0

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  local good
  if ok then good = ok(status, headers) else good = status >= 200 and status < 400 end
  if good then successes = successes + 1 end
  if answered then answered(status, headers, good) end
end

function done(summary, latency, requests)
  local by_status, ok_count = {}, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + count
    end
    ok_count = ok_count + thread:get("successes")
  end
  local parts = {}
  for status, count in pairs(by_status) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local e = summary.errors
  local pct = {}
  for _, p in ipairs({50, 75, 90, 95, 99}) do
    table.insert(pct, string.format('"p%d_ms": %.3f', p, latency:percentile(p) / 1000))
  end
  io.write(string.format(
    'VIGIL-WRK %s\n',
    "{" .. table.concat({
      string.format('"requests": %d', summary.requests),
      string.format('"ok": %d', ok_count),
      string.format('"seconds": %.6f', summary.duration / 1e6),
      string.format('"bytes": %d', summary.bytes),
      string.format(
        '"errors": {"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}',
        e.connect, e.read, e.write, e.timeout, e.status),
      '"statuses": {' .. table.concat(parts, ", ") .. "}",
      string.format('"mean_ms": %.3f', latency.mean / 1000),
      string.format('"max_ms": %.3f', latency.max / 1000),
      table.concat(pct, ", "),
    }, ", ") .. "}"))
end
