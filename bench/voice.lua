-- wrk script: signed voice webhooks read from a file written by the generator
-- (one "signature<TAB>expected verb<TAB>form body" a line). Each thread sends its own slice, each
-- request once, and checks every answer: status 200 and the verb the data says it must be.
local path = os.getenv("BENCH_REQUESTS")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  sigs, bodies, expected = {}, {}, {}
  local n, line_no = 0, 0
  for line in io.lines(path) do
    if line_no % counter_total() == id then
      local sig, verb, body = line:match("^([^\t]+)\t([^\t]+)\t(.+)$")
      n = n + 1
      sigs[n], expected[n], bodies[n] = sig, verb, body
    end
    line_no = line_no + 1
  end
  count, next_index = n, 0
  dial, reject, wrong, errors, wrapped, expected_dial = 0, 0, 0, 0, 0, 0
end

function counter_total()
  return tonumber(os.getenv("BENCH_THREADS") or "2")
end

function request()
  next_index = next_index + 1
  if next_index > count then
    next_index = 1
    wrapped = wrapped + 1
  end
  if expected[next_index] == "Dial" then
    expected_dial = expected_dial + 1
  end
  return wrk.format("POST", "/webhooks/twilio/voice",
    { ["Content-Type"] = "application/x-www-form-urlencoded", ["X-Twilio-Signature"] = sigs[next_index] },
    bodies[next_index])
end

function response(status, headers, body)
  -- Answers cannot be matched to requests across connections: so check the verb of each answer is one
  -- of the two expected ones here, and at the end that as many rang an agent as the data says should
  -- (up to the requests still in flight when wrk stopped).
  if status ~= 200 then
    errors = errors + 1
  elseif body:find("<Dial", 1, true) then
    dial = dial + 1
  elseif body:find("<Reject", 1, true) then
    reject = reject + 1
  else
    wrong = wrong + 1
  end
end

function done(summary, latency, requests)
  local d, r, w, e, x, ed = 0, 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    d = d + t:get("dial"); r = r + t:get("reject"); w = w + t:get("wrong"); e = e + t:get("errors"); x = x + t:get("wrapped")
    ed = ed + t:get("expected_dial")
  end
  io.write(string.format(
    'BENCH {"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"dial":%d,"expected_dial":%d,"reject":%d,"wrong_verb":%d,"non_200":%d,"socket_errors":%d,"reused_requests":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    d, ed, r, w, e, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, x))
end
