-- Signing a petition through the API: JSON with a bearer token.  Every request is a new
-- signer (a new e-mail address) from a new /24 network sent as X-Forwarded-For, after which the
-- proxies in front of the server add their own, as in sign.lua, so that the signing service's
-- limits per address count each signer apart.
--
-- wrk arguments (after --): path token consent_version run_id proxies threads
-- Success is 202 Accepted.

local path, token, consent, run_id, proxies, threads
local counter = 0

function init(args)
  path, token, consent = args[1], args[2], args[3]
  run_id, proxies, threads = args[4], tonumber(args[5]), tonumber(args[6])
end

local function visitor(n)
  return string.format("10.%d.%d.%d", math.floor(n / 256) % 256, n % 256,
                       1 + math.floor(n / 65536) % 254)
end

function request()
  local n = counter * threads + (thread_id - 1)
  counter = counter + 1
  local forwarded = visitor(n)
  for hop = 2, proxies do
    forwarded = forwarded .. string.format(", 192.0.2.%d", hop)
  end
  local body = string.format(
    '{"person": {"given_name": "Signer %d", "email_addresses": [{"address": "api-%s-%d@example.org"}], '
    .. '"postal_addresses": [{"locality": "Екатеринбург", "country": "Россия"}]}, '
    .. '"consent_given": true, "consent_version": %s}', n, run_id, n, consent)
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["X-Forwarded-For"] = forwarded,
    ["User-Agent"] = "vigil-bench-wrk",
  }, body)
end

function ok(status, headers)
  return status == 202
end
