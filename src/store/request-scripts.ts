// Lua scripts that make request changes atomic in Redis: a state check, the change, the
// target lock and the audit entry happen in one step, so two clicks move a request once.

/**
 * KEYS: 1 request hash, 2 audit stream, 3 env index, 4 target index.
 * ARGV: 1 id, 2 now, 3 fields JSON, 4 audit JSON, 5 audit max length.
 */
export const CREATE_REQUEST = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fields = cjson.decode(ARGV[3])
for k, v in pairs(fields) do redis.call('HSET', KEYS[1], k, v) end
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
local audit = cjson.decode(ARGV[4])
local entry = {}
for k, v in pairs(audit) do table.insert(entry, k); table.insert(entry, v) end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', unpack(entry))
return 1
`;

/**
 * KEYS: 1 request hash, 2 audit stream, 3 target lock.
 * ARGV: 1 allowed current states (comma list), 2 new state ('' keeps the state),
 *       3 now, 4 lock mode (take | release | none), 5 audit max length,
 *       6 fields JSON (null deletes), 7 audit JSON, 8 field to increment by one ('' for none).
 * Returns { outcome, state before, lock holder, and on ok the request's hash as changed (HGETALL
 * pairs) }: outcome ok | wrong-state | locked | missing.
 * When the lock is held by another request and this one is still 'requested', it ends
 * 'blocked' (audited) so a second request for a busy target is never queued.
 */
export const TRANSITION_REQUEST = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing', '', ''} end
local allowed = false
for s in string.gmatch(ARGV[1], '[^,]+') do
  if s == state then allowed = true end
end
if not allowed then return {'wrong-state', state, ''} end
local id = redis.call('HGET', KEYS[1], 'id')
local audit = cjson.decode(ARGV[7])
local function append(to)
  audit['from'] = state
  audit['to'] = to
  audit['at'] = ARGV[3]
  local entry = {}
  for k, v in pairs(audit) do
    if v ~= cjson.null then table.insert(entry, k); table.insert(entry, tostring(v)) end
  end
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', unpack(entry))
end
if ARGV[4] == 'take' then
  local holder = redis.call('GET', KEYS[3])
  if holder and holder ~= id then
    if state == 'requested' then
      local why = 'A rollback of this target is already active: request ' .. holder
      redis.call('HSET', KEYS[1], 'state', 'blocked', 'updatedAt', ARGV[3], 'endedAt', ARGV[3],
        'decision', 'duplicate', 'lastError', why, 'blockedBy', holder)
      audit['event'] = 'blocked'
      audit['decision'] = 'duplicate'
      audit['activeRequest'] = holder
      append('blocked')
    end
    return {'locked', state, holder}
  end
  redis.call('SET', KEYS[3], id)
end
if ARGV[4] == 'release' and redis.call('GET', KEYS[3]) == id then
  redis.call('DEL', KEYS[3])
end
local to = ARGV[2]
if to == '' then to = state end
local fields = cjson.decode(ARGV[6])
for k, v in pairs(fields) do
  if v == cjson.null then redis.call('HDEL', KEYS[1], k) else redis.call('HSET', KEYS[1], k, tostring(v)) end
end
if ARGV[8] ~= '' then redis.call('HINCRBY', KEYS[1], ARGV[8], 1) end
redis.call('HSET', KEYS[1], 'state', to, 'updatedAt', ARGV[3])
append(to)
return {'ok', state, '', redis.call('HGETALL', KEYS[1])}
`;
