/**
 * @module The Lua scripts behind every read-modify-write on Valkey. Each runs atomically on the
 * server (EVALSHA), and takes the time from the server's own clock (`TIME`), so instances whose
 * clocks drift still share one window. Values are JSON (Valkey's built-in cjson).
 */

/**
 * Milliseconds since the epoch: from the server clock, unless ARGV[1] carries one (an injected
 * test clock; production passes '').
 */
const NOW_MS = `local now
if ARGV[1] ~= '' then now = tonumber(ARGV[1]) else local t = redis.call('TIME'); now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end`;

/** KEYS[1] zset of admitted calls; ARGV clock, limit, windowMs, unique member → {allowed, used, retryAfterMs}. */
export const SLIDING_WINDOW_TAKE = `${NOW_MS}
local limit = tonumber(ARGV[2]); local win = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
local used = redis.call('ZCARD', KEYS[1])
if used >= limit then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  local retry = win
  if oldest[2] then retry = math.max(1, tonumber(oldest[2]) + win - now) end
  return {0, used, retry}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], win)
return {1, used + 1, 0}`;

/** KEYS[1] zset of admitted calls; ARGV clock, windowMs → calls within the window. */
export const SLIDING_WINDOW_COUNT = `${NOW_MS}
return redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[2])), '+inf')`;

/** KEYS[1] zset of failures; ARGV clock, windowSeconds, unique member → count within the window. */
export const FAILURE_RECORD = `${NOW_MS}
local win = tonumber(ARGV[2]) * 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], win)
return redis.call('ZCARD', KEYS[1])`;

/** KEYS[1] zset member→expiry(s); ARGV clock, then pairs member, exp. Keeps the later expiry; drops expired. */
export const EXPIRING_SET_ADD = `${NOW_MS}
local nowS = math.floor(now / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowS)
local maxExp = 0
for i = 2, #ARGV, 2 do
  local exp = tonumber(ARGV[i + 1])
  if exp > nowS then
    redis.call('ZADD', KEYS[1], 'GT', exp, ARGV[i])
  end
  if exp > maxExp then maxExp = exp end
end
local ttl = redis.call('TTL', KEYS[1])
if maxExp > nowS and (ttl < 0 or ttl < maxExp - nowS) then redis.call('EXPIRE', KEYS[1], maxExp - nowS + 1) end
return 1`;

/** KEYS[1] code hash; ARGV nowSeconds → {'unknown'} | {'reused', grant, issued} | {'expired'} | {'ok', grant}. */
export const CODE_REDEEM = `
local v = redis.call('HMGET', KEYS[1], 'grant', 'exp', 'redeemed', 'issued')
if not v[1] then return {'unknown'} end
if v[3] == '1' then return {'reused', v[1], v[4] or ''} end
redis.call('HSET', KEYS[1], 'redeemed', '1')
if tonumber(v[2]) <= tonumber(ARGV[1]) then return {'expired'} end
return {'ok', v[1]}`;

/**
 * KEYS[1] token key, KEYS[2] key of the successor token; ARGV family-key prefix, client id, now (s),
 * token lifetime (s) → {'unknown'} | {'wrong_client'} | {'revoked', id, family} | {'reused', id, family}
 * | {'expired'} | {'ok', id, family}.
 */
export const REFRESH_ROTATE = `
local t = redis.call('GET', KEYS[1])
if not t then return {'unknown'} end
local tok = cjson.decode(t)
local fkey = ARGV[1] .. tok.family
local f = redis.call('GET', fkey)
if not f then return {'unknown'} end
local fam = cjson.decode(f)
local now = tonumber(ARGV[3])
if fam.client ~= ARGV[2] then return {'wrong_client'} end
if fam.revoked then return {'revoked', tok.family, f} end
if tok.used then
  fam.revoked = true
  local enc = cjson.encode(fam)
  redis.call('SET', fkey, enc, 'KEEPTTL')
  return {'reused', tok.family, enc}
end
if tok.exp <= now then return {'expired'} end
tok.used = true
redis.call('SET', KEYS[1], cjson.encode(tok), 'KEEPTTL')
local exp = math.min(now + tonumber(ARGV[4]), fam.exp)
redis.call('SET', KEYS[2], cjson.encode({family = tok.family, used = false, exp = exp}), 'EX', math.max(1, exp - now))
return {'ok', tok.family, f}`;

/** KEYS[1] family key; → the family JSON after marking it revoked, or false. */
export const REFRESH_REVOKE_FAMILY = `
local f = redis.call('GET', KEYS[1])
if not f then return false end
local fam = cjson.decode(f)
local was = fam.revoked
fam.revoked = true
redis.call('SET', KEYS[1], cjson.encode(fam), 'KEEPTTL')
if was then return {'already', f} end
return {'revoked', f}`;

/** KEYS[1] lease key; ARGV holder, ttlMs → 1 when this holder has the lease now. */
export const LEASE_ACQUIRE = `
local cur = redis.call('GET', KEYS[1])
if cur == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]); return 1 end
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]); return 1 end
return 0`;

/** KEYS[1] lease key; ARGV holder: delete only our own lease. */
export const LEASE_RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1`;

/**
 * KEYS[1] the SSE stream of a session, KEYS[2] "this notice was stored" marker; ARGV max length,
 * message JSON, ttl seconds → the stream entry id (the existing one when the notice is already there).
 */
export const EVENT_APPEND_ONCE = `local prev = redis.call('GET', KEYS[2])
if prev then return prev end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'm', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('SET', KEYS[2], id, 'EX', ARGV[3])
return id`;
