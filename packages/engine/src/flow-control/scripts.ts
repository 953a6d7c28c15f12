/**
 * The Lua scripts of flow control (SPEC §12). Each runs atomically in Redis, so
 * every worker sees one state per destination; time is Redis's own clock
 * (`TIME`), one clock for all workers.
 *
 * Keys of a destination D (under the deployment's prefix):
 * - `fc:dest:D` hash — `hold_until`, `hold_reason` (a learned hold); the bucket:
 *   `b_lim` (requests per window), `b_sent` (reserved in this window), `b_end` (when
 *   it resets; 0 while not told), `b_gen` (which window: answers of an older one
 *   are ignored).
 * - `fc:dest:D:leases` zset — requests in flight, lease id → expiry. A worker that
 *   dies leaves its leases to expire (they live no longer than a job lock).
 * - `fc:dest:D:sent` zset — send times, for a configured rate per window.
 * - `fc:dest:D:waiting` zset — runs put off by this destination, job id → until when.
 * - `fc:dest:D:429s` zset — when 429s came (the last hour).
 * Shared: `fc:all:leases` (the cluster-wide cap) and `fc:discord` (Discord's global hold).
 */

/**
 * Admit one request or say how long to wait, in one round trip.
 * KEYS: dest, leases, sent, waiting, all leases, discord hold.
 * ARGV: lease id, lease ttl ms, max concurrency, rate max (0: none), rate window ms,
 * cluster cap (0: none), is Discord (0/1), job id, recheck ms.
 * Returns {1, generation} or {0, wait ms, reason, held until (0: not known)}.
 */
export const ADMIT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = ARGV[1]
local ttl = tonumber(ARGV[2])
local maxConc = tonumber(ARGV[3])
local rateMax = tonumber(ARGV[4])
local ratePer = tonumber(ARGV[5])
local cap = tonumber(ARGV[6])
local discord = ARGV[7] == '1'
local job = ARGV[8]
local recheck = tonumber(ARGV[9])

local function wait(ms, reason, untilMs)
  if ms < 1 then ms = 1 end
  redis.call('ZADD', KEYS[4], now + ms + 5000, job)
  redis.call('PEXPIRE', KEYS[4], ms + 60000)
  return {0, ms, reason, untilMs}
end

local st = redis.call('HMGET', KEYS[1], 'hold_until', 'hold_reason', 'b_lim', 'b_sent', 'b_end', 'b_gen')
local holdUntil = tonumber(st[1]) or 0
if holdUntil > now then return wait(holdUntil - now, st[2] or 'held', holdUntil) end
if discord then
  local g = redis.call('HMGET', KEYS[6], 'hold_until', 'hold_reason')
  local gu = tonumber(g[1]) or 0
  if gu > now then return wait(gu - now, g[2] or 'Discord global rate limit', gu) end
end

redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local inFlight = redis.call('ZCARD', KEYS[2])
if inFlight >= maxConc then return wait(recheck, 'max_concurrency', 0) end

local lim = tonumber(st[3])
local sent = tonumber(st[4]) or 0
local bend = tonumber(st[5]) or 0
local gen = tonumber(st[6]) or 0
if lim then
  if bend > 0 and now >= bend then
    -- The window is over: a new one begins with this request; its end is told by its first answer.
    gen = gen + 1; sent = 0; bend = 0
  end
  if sent >= lim then
    if bend > 0 then return wait(bend - now, 'bucket exhausted (X-RateLimit-Remaining: 0)', bend) end
    -- Nothing sent in this window told its end: once every request of it has come back
    -- (or its lease lapsed), no answer will, and a new window starts.
    if inFlight > 0 then return wait(recheck, 'bucket exhausted, waiting for its reset', 0) end
    gen = gen + 1; sent = 0
  end
elseif discord and inFlight > 0 then
  return wait(recheck, 'bucket not known yet: one request at a time', 0)
end

if rateMax > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - ratePer)
  if redis.call('ZCARD', KEYS[3]) >= rateMax then
    local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
    local untilMs = tonumber(oldest[2]) + ratePer
    return wait(untilMs - now, 'rate limit', untilMs)
  end
end
if cap > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
  if redis.call('ZCARD', KEYS[5]) >= cap then return wait(recheck, 'MAX_CONCURRENT_DELIVERIES', 0) end
  redis.call('ZADD', KEYS[5], now + ttl, lease)
  redis.call('PEXPIRE', KEYS[5], ttl * 2)
end
if rateMax > 0 then
  redis.call('ZADD', KEYS[3], now, lease)
  redis.call('PEXPIRE', KEYS[3], ratePer + 1000)
end
redis.call('ZADD', KEYS[2], now + ttl, lease)
redis.call('PEXPIRE', KEYS[2], ttl * 2)
if lim then
  redis.call('HSET', KEYS[1], 'b_sent', sent + 1, 'b_end', bend, 'b_gen', gen)
  redis.call('PEXPIRE', KEYS[1], 3600000)
end
redis.call('ZREM', KEYS[4], job)
return {1, gen}
`;

/**
 * A request came back (or failed): give back its slot and learn from the answer.
 * KEYS: dest, leases, all leases, discord hold, 429s, sent.
 * ARGV: lease id, generation, http status (0: none), hold ms (-1: none), hold is global
 * (0/1), hold reason, bucket limit (-1: none), remaining, reset-after ms (-1: not told),
 * ms from admission to sending (-1: not sent).
 * Returns {new hold (0/1), held until, bucket exhausted until (0: not)}.
 */
export const SETTLE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local lease = ARGV[1]
local gen = tonumber(ARGV[2])
local status = tonumber(ARGV[3])
local holdMs = tonumber(ARGV[4])
local global = ARGV[5] == '1'
local reason = ARGV[6]
local lim = tonumber(ARGV[7])
local remaining = tonumber(ARGV[8])
local resetAfter = tonumber(ARGV[9])
local sentAfter = tonumber(ARGV[10])

-- A rate per window: the request's place moves from its admission to when it was sent.
if sentAfter > 0 then
  local admitted = redis.call('ZSCORE', KEYS[6], lease)
  if admitted then redis.call('ZADD', KEYS[6], 'XX', tonumber(admitted) + sentAfter, lease) end
end

redis.call('ZREM', KEYS[2], lease)
redis.call('ZREM', KEYS[3], lease)
if status == 429 then
  redis.call('ZADD', KEYS[5], now, lease)
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - 3600000)
  redis.call('PEXPIRE', KEYS[5], 3600000)
end

local newHold = 0
local heldUntil = 0
if holdMs >= 0 then
  local key = KEYS[1]
  if global then key = KEYS[4] end
  local untilMs = now + holdMs
  local current = tonumber(redis.call('HGET', key, 'hold_until')) or 0
  if untilMs > current then
    if current <= now then newHold = 1 end
    redis.call('HSET', key, 'hold_until', untilMs, 'hold_reason', reason)
    redis.call('PEXPIRE', key, holdMs + 3600000)
  end
  heldUntil = math.max(untilMs, current)
end

local exhausted = 0
if lim >= 1 then
  local st = redis.call('HMGET', KEYS[1], 'b_lim', 'b_sent', 'b_end', 'b_gen')
  local curGen = tonumber(st[4]) or 0
  -- Only an answer of the current window speaks for it; one of an older window is stale.
  if curGen == gen then
    local sent = tonumber(st[2]) or 0
    local bend = tonumber(st[3]) or 0
    if not tonumber(st[1]) then
      -- The first answer that tells the bucket: what is in flight counts as sent in this window.
      sent = redis.call('ZCARD', KEYS[2]) + 1
    end
    sent = math.max(sent, lim - remaining)
    if resetAfter >= 0 then bend = math.max(bend, now + resetAfter) end
    redis.call('HSET', KEYS[1], 'b_lim', lim, 'b_sent', sent, 'b_end', bend, 'b_gen', curGen)
    redis.call('PEXPIRE', KEYS[1], math.max(3600000, bend - now + 60000))
    if sent >= lim and bend > now then exhausted = bend end
  end
end
return {newHold, heldUntil, exhausted}
`;

/** Extends the leases of requests still in flight (a long delivery keeps its slot). KEYS: lease sets; ARGV: ttl ms, lease ids (one per key). */
export const RENEW_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now + ttl, ARGV[i + 1])
end
return #KEYS
`;
