-- Tailguard GCRA for one key; see docs/rate-limiting.md and RedisRateLimiterStore.
--
-- KEYS[1]  the key; its value is the theoretical arrival time (TAT) as "seconds:nanoseconds"
-- ARGV     cost s, cost ns, burst s, burst ns, max wait s, max wait ns, op ("a" take, "r" give
--          back), then, in tests only, the time as s, ns (instead of Redis TIME)
--
-- Times are (seconds, nanoseconds) pairs: Lua numbers are doubles, exact only below 2^53, so
-- nanoseconds since the epoch do not fit in one. Every pair is kept with 0 <= ns < 1e9.
--
-- Returns {1, ahead s, ahead ns} when permitted (how far the new TAT runs ahead of now), or
-- {0, excess s, excess ns} when refused (how long until the request would fit). The give-back
-- op returns {1, 0, 0}.
local E = 1000000000

local function norm(s, n)
  if n >= E then return s + 1, n - E end
  if n < 0 then return s - 1, n + E end
  return s, n
end

local function less(as, an, bs, bn)
  return as < bs or (as == bs and an < bn)
end

local cs, cn = tonumber(ARGV[1]), tonumber(ARGV[2])
local bs, bn = tonumber(ARGV[3]), tonumber(ARGV[4])
local ws, wn = tonumber(ARGV[5]), tonumber(ARGV[6])
local op = ARGV[7]
-- slack: extra TTL in ms. A test's clock does not move with Redis's, so its keys must not expire
-- by Redis's clock before their TAT by the test's.
local ns, nn, slack
if ARGV[8] then
  ns, nn, slack = tonumber(ARGV[8]), tonumber(ARGV[9]), 3600000
else
  local t = redis.call('TIME')
  ns, nn, slack = tonumber(t[1]), tonumber(t[2]) * 1000, 0
end

local has = false
local ts, tn = ns, nn
local v = redis.call('GET', KEYS[1])
if v then
  local s, n = string.match(v, '^(%-?%d+):(%d+)$')
  if s then
    has = true
    ts, tn = tonumber(s), tonumber(n)
  end
end

-- Stores a TAT that is ahead of now by (as, an), expiring when it falls behind now.
local function store(s, n, as, an)
  local ttl = as * 1000 + math.ceil(an / 1000000) + slack
  if ttl < 1 then ttl = 1 end
  redis.call('SET', KEYS[1], string.format('%d:%d', s, n), 'PX', string.format('%d', ttl))
end

if op == 'r' then
  if has then
    local s, n = norm(ts - cs, tn - cn)
    local as, an = norm(s - ns, n - nn)
    if as < 0 or (as == 0 and an == 0) then
      redis.call('DEL', KEYS[1])
    else
      store(s, n, as, an)
    end
  end
  return {1, 0, 0}
end

-- base = max(TAT, now)
if less(ts, tn, ns, nn) then ts, tn = ns, nn end
local as, an = norm(ts - ns + cs, tn - nn + cn)
local es, en = norm(as - bs, an - bn)
if less(ws, wn, es, en) then
  return {0, es, en}
end
local s, n = norm(ts + cs, tn + cn)
store(s, n, as, an)
return {1, as, an}
