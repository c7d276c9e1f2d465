-- Signing a petition, as a browser posts the form: urlencoded, with the CSRF cookie and the
-- form's token (read once by bench/wrk.py from the petition page).  Every request is a new
-- signer: a new e-mail address, and a new address in a new /24 network sent as
-- X-Forwarded-For, after which the proxies in front of the server add their own, so that
-- with VIGIL_PROXY_COUNT=N the server reads the visitor's address exactly as behind N real
-- proxies and its rate limits count each visitor apart.
--
-- wrk arguments (after --): page token cookie consent_version run_id proxies threads [record]
--   page     the petition's path, such as /petitions/free-them/ (the form posts to page.."sign/")
--   record   a path prefix: each thread appends "<e-mail>" to record.issued.<n> before each
--            POST and "<status> <e-mail>" to record.answered.<n> for each answer.  This pairs
--            answers with e-mails only with one connection per thread (-c equal to -t).
-- Success is a 302 back to the petition page ("stored, check your mail").

local page, action, token, cookie, consent, run_id, proxies, threads, record
local counter, last_email, issued_log, answered_log = 0, nil, nil, nil
-- wrk builds one request of the first thread before the run to check the script
-- (script_verify_request in wrk 4): it is never sent, so it is not written down.
local checked = false

local function urlencode(text)
  return (tostring(text):gsub("[^%w%-%._~ ]", function(c)
    return string.format("%%%02X", c:byte())
  end):gsub(" ", "+"))
end

function init(args)
  page, token, cookie, consent = args[1], args[2], args[3], args[4]
  run_id, proxies, threads, record = args[5], tonumber(args[6]), tonumber(args[7]), args[8]
  action = page .. "sign/"
  if record and record ~= "" then
    issued_log = assert(io.open(record .. ".issued." .. thread_id, "a"))
    answered_log = assert(io.open(record .. ".answered." .. thread_id, "a"))
    issued_log:setvbuf("line")
    answered_log:setvbuf("line")
  end
end

local function visitor(n)
  -- The n-th signer's address: a new /24 for each of 65,536 signatures in a row.
  return string.format("10.%d.%d.%d", math.floor(n / 256) % 256, n % 256,
                       1 + math.floor(n / 65536) % 254)
end

function request()
  local n = counter * threads + (thread_id - 1)
  counter = counter + 1
  last_email = string.format("wrk-%s-%d@example.org", run_id, n)
  local forwarded = visitor(n)
  for hop = 2, proxies do
    forwarded = forwarded .. string.format(", 192.0.2.%d", hop)
  end
  local body = table.concat({
    "csrfmiddlewaretoken=" .. urlencode(token),
    "name=" .. urlencode("Signer " .. n),
    "email=" .. urlencode(last_email),
    "country=" .. urlencode("Россия"),
    "city=" .. urlencode("Екатеринбург"),
    "phone=",
    "consent=on",
    "consent_version=" .. urlencode(consent),
    "website=",
  }, "&")
  if issued_log and (checked or thread_id ~= 1) then issued_log:write(last_email, "\n") end
  checked = true
  return wrk.format("POST", action, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["X-Forwarded-For"] = forwarded,
    ["User-Agent"] = "vigil-bench-wrk",
  }, body)
end

function ok(status, headers)
  local location = headers["Location"] or headers["location"] or ""
  return status == 302 and location:sub(-#page) == page
end

function answered(status, headers, good)
  if answered_log and last_email then
    answered_log:write(string.format("%d %s\n", good and 200 or status, last_email))
  end
  last_email = nil
end
