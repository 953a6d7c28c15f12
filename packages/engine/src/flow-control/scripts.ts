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
 * - `fc:dest:D:waiting` zset — runs put off by this destination, job id → until when;
 *   beside it `fc:dest:D:waiting:prio`, job id → the run's rank: its priority (1–10), then
 *   due order (see rankOf in flow-control.ts; higher goes first).
 * - `fc:dest:D:429s` zset — when 429s came (the last hour).
 * Shared: `fc:all:leases` (the cluster-wide cap) and `fc:discord` (Discord's global hold).
 */

/** Redis's clock in ms, as `now`: one clock for all workers. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * A script that applies `fn` (defined by `body`) to each request of a batch in turn, and
 * returns their answers in order. KEYS: all leases, discord hold (as `allLeases`,
 * `discordKey`); then four per request, passed to `fn` with the offset of its `argsEach`
 * arguments in ARGV.
 */
function perRequest(fn: string, argsEach: number, body: string): string {
  return `${NOW}local allLeases = KEYS[1]
local discordKey = KEYS[2]
${body}
local out = {}
for i = 0, (#KEYS - 2) / 4 - 1 do
  local k = 2 + i * 4
  out[i + 1] = ${fn}(KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4], i * ${argsEach})
end
return out
`;
}

/**
 * Lua for both scripts: the first of `ids` (job ids from a destination's `waiting:prio`, best
 * first) other than `except` whose run still waits there; those whose wait lapsed unseen
 * (their run went elsewhere, or was cancelled) leave the set.
 */
const FIRST_WAITING = `
local function firstWaiting(waiting, priorities, ids, except)
  for _, other in ipairs(ids) do
    if other ~= except then
      if (tonumber(redis.call('ZSCORE', waiting, other)) or 0) > now then return other end
      redis.call('ZREM', priorities, other)
    end
  end
  return nil
end
`;

/** Arguments per request of ADMIT_SCRIPT and SETTLE_SCRIPT. */
export const ADMIT_ARGS = 10;
export const SETTLE_ARGS = 10;

/**
 * Admit requests or say how long each waits, in one round trip for a batch: each
 * request in turn, as if each came alone (what one takes, the next sees).
 * KEYS: all leases, discord hold; then per request: dest, leases, sent, waiting.
 * ARGV, per request: lease id, lease ttl ms, max concurrency, rate max (0: none), rate
 * window ms, cluster cap (0: none), is Discord (0/1), job id, recheck ms, rank (priority, then due order).
 * Returns per request {1, generation} or {0, wait ms, reason, held until (0: not known)}.
 */
export const ADMIT_SCRIPT = perRequest(
  'admit',
  ADMIT_ARGS,
  `${FIRST_WAITING}
local function admit(dest, leases, sentKey, waiting, a)
  local lease = ARGV[a + 1]
  local ttl = tonumber(ARGV[a + 2])
  local maxConc = tonumber(ARGV[a + 3])
  local rateMax = tonumber(ARGV[a + 4])
  local ratePer = tonumber(ARGV[a + 5])
  local cap = tonumber(ARGV[a + 6])
  local discord = ARGV[a + 7] == '1'
  local job = ARGV[a + 8]
  local recheck = tonumber(ARGV[a + 9])
  local rank = tonumber(ARGV[a + 10])
  local priorities = waiting .. ':prio'

  local function wait(ms, reason, untilMs)
    if ms < 1 then ms = 1 end
    redis.call('ZADD', waiting, now + ms + 5000, job)
    redis.call('PEXPIRE', waiting, ms + 60000)
    redis.call('ZADD', priorities, rank, job)
    redis.call('PEXPIRE', priorities, ms + 60000)
    return {0, ms, reason, untilMs}
  end

  local st = redis.call('HMGET', dest, 'hold_until', 'hold_reason', 'b_lim', 'b_sent', 'b_end', 'b_gen')
  local holdUntil = tonumber(st[1]) or 0
  if holdUntil > now then return wait(holdUntil - now, st[2] or 'held', holdUntil) end
  if discord then
    local g = redis.call('HMGET', discordKey, 'hold_until', 'hold_reason')
    local gu = tonumber(g[1]) or 0
    if gu > now then return wait(gu - now, g[2] or 'Discord global rate limit', gu) end
  end

  redis.call('ZREMRANGEBYSCORE', leases, '-inf', now)
  local inFlight = redis.call('ZCARD', leases)
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
    redis.call('ZREMRANGEBYSCORE', sentKey, '-inf', now - ratePer)
    if redis.call('ZCARD', sentKey) >= rateMax then
      local oldest = redis.call('ZRANGE', sentKey, 0, 0, 'WITHSCORES')
      local untilMs = tonumber(oldest[2]) + ratePer
      return wait(untilMs - now, 'rate limit', untilMs)
    end
  end
  -- Whenever runs wait, higher priority goes first, and due order within a priority (SPEC
  -- §12): a slot free now goes to a run ranked above this one still waiting for this
  -- destination (its settle wakes it), not to this one.
  local above = redis.call('ZREVRANGEBYSCORE', priorities, '+inf', '(' .. rank, 'LIMIT', 0, 8)
  if firstWaiting(waiting, priorities, above, job) then
    return wait(recheck, 'a run ranked above it (priority, then due order) waits for it', 0)
  end
  if cap > 0 then
    redis.call('ZREMRANGEBYSCORE', allLeases, '-inf', now)
    if redis.call('ZCARD', allLeases) >= cap then return wait(recheck, 'MAX_CONCURRENT_DELIVERIES', 0) end
    redis.call('ZADD', allLeases, now + ttl, lease)
    redis.call('PEXPIRE', allLeases, ttl * 2)
  end
  if rateMax > 0 then
    redis.call('ZADD', sentKey, now, lease)
    redis.call('PEXPIRE', sentKey, ratePer + 1000)
  end
  redis.call('ZADD', leases, now + ttl, lease)
  redis.call('PEXPIRE', leases, ttl * 2)
  if lim then
    redis.call('HSET', dest, 'b_sent', sent + 1, 'b_end', bend, 'b_gen', gen)
    redis.call('PEXPIRE', dest, 3600000)
  end
  redis.call('ZREM', waiting, job)
  redis.call('ZREM', priorities, job)
  return {1, gen}
end
`,
);

/**
 * Requests came back (or failed): give back their slots and learn from the answers, in
 * one round trip for a batch, each in turn.
 * KEYS: all leases, discord hold; then per request: dest, leases, 429s, sent.
 * ARGV, per request: lease id, generation, http status (0: none), hold ms (-1: none), hold
 * is global (0/1), hold reason, bucket limit (-1: none), remaining, reset-after ms (-1: not
 * told), ms from admission to sending (-1: not sent).
 * Returns per request {new hold (0/1), held until, bucket exhausted until (0: not), the job
 * to wake: the run ranked first among those waiting for the slot given back ('' when none,
 * or when the destination is held or its bucket used up: those wake at its end)}.
 */
export const SETTLE_SCRIPT = perRequest(
  'settle',
  SETTLE_ARGS,
  `${FIRST_WAITING}
local function settle(dest, leases, recent429s, sentKey, a)
  local lease = ARGV[a + 1]
  local gen = tonumber(ARGV[a + 2])
  local status = tonumber(ARGV[a + 3])
  local holdMs = tonumber(ARGV[a + 4])
  local global = ARGV[a + 5] == '1'
  local reason = ARGV[a + 6]
  local lim = tonumber(ARGV[a + 7])
  local remaining = tonumber(ARGV[a + 8])
  local resetAfter = tonumber(ARGV[a + 9])
  local sentAfter = tonumber(ARGV[a + 10])

  -- A rate per window: the request's place moves from its admission to when it was sent.
  if sentAfter > 0 then
    local admitted = redis.call('ZSCORE', sentKey, lease)
    if admitted then redis.call('ZADD', sentKey, 'XX', tonumber(admitted) + sentAfter, lease) end
  end

  redis.call('ZREM', leases, lease)
  redis.call('ZREM', allLeases, lease)
  if status == 429 then
    redis.call('ZADD', recent429s, now, lease)
    redis.call('ZREMRANGEBYSCORE', recent429s, '-inf', now - 3600000)
    redis.call('PEXPIRE', recent429s, 3600000)
  end

  local newHold = 0
  local heldUntil = 0
  if holdMs >= 0 then
    local key = dest
    if global then key = discordKey end
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
    local st = redis.call('HMGET', dest, 'b_lim', 'b_sent', 'b_end', 'b_gen')
    local curGen = tonumber(st[4]) or 0
    -- Only an answer of the current window speaks for it; one of an older window is stale.
    if curGen == gen then
      local sent = tonumber(st[2]) or 0
      local bend = tonumber(st[3]) or 0
      if not tonumber(st[1]) then
        -- The first answer that tells the bucket: what is in flight counts as sent in this window.
        sent = redis.call('ZCARD', leases) + 1
      end
      sent = math.max(sent, lim - remaining)
      if resetAfter >= 0 then bend = math.max(bend, now + resetAfter) end
      redis.call('HSET', dest, 'b_lim', lim, 'b_sent', sent, 'b_end', bend, 'b_gen', curGen)
      redis.call('PEXPIRE', dest, math.max(3600000, bend - now + 60000))
      if sent >= lim and bend > now then exhausted = bend end
    end
  end
  -- The slot is free: the run ranked first among those waiting for it looks now, not at its
  -- next recheck (which backs off to a second), so the destination does not sit idle.
  local wake = ''
  local held = tonumber(redis.call('HGET', dest, 'hold_until')) or 0
  if exhausted == 0 and heldUntil <= now and held <= now then
    local waiting = dest .. ':waiting'
    local priorities = waiting .. ':prio'
    wake = firstWaiting(waiting, priorities, redis.call('ZREVRANGE', priorities, 0, 7), '') or ''
  end
  return {newHold, heldUntil, exhausted, wake}
end
`,
);

/** Extends the leases of requests still in flight (a long delivery keeps its slot). KEYS: lease sets; ARGV: ttl ms, lease ids (one per key). */
export const RENEW_SCRIPT = `
${NOW}local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, 'XX', now + ttl, ARGV[i + 1])
end
return #KEYS
`;
