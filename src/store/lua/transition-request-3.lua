-- Moves a rollback request from one of the allowed states to a new one: the state check, the
-- change, the target lock and the audit entry in one step, so two clicks move a request once.
-- When the target lock is held by another request and this one is still 'requested', it ends
-- 'blocked' (audited), so a second request for a busy target is never queued.
--
-- KEYS[1] the request hash            <prefix>:req:<id>
-- KEYS[2] the audit stream            <prefix>:audit
-- KEYS[3] the target lock             <prefix>:lock:<target>  (holds the active request's id)
--
-- ARGV[1] the allowed current states (comma list)
-- ARGV[2] the new state ('' keeps the state)
-- ARGV[3] now (ms)
-- ARGV[4] the lock mode: take | release | none
-- ARGV[5] the audit stream's approximate cap (XADD MAXLEN ~)
-- ARGV[6] fields to set (JSON object; null deletes the field)
-- ARGV[7] the audit entry's fields (JSON object; from, to and at are added)
-- ARGV[8] a field to increment by one ('' for none)
--
-- Returns { outcome, state before, lock holder, changed hash }:
--   {'ok', before, '', HGETALL of the request as changed}
--   {'wrong-state', before, ''}
--   {'locked', before, holder}
--   {'missing', '', ''}
local current = redis.call('HMGET', KEYS[1], 'state', 'id')
local state, id = current[1], current[2]
if not state then return {'missing', '', ''} end
local allowed = false
for s in string.gmatch(ARGV[1], '[^,]+') do
  if s == state then allowed = true end
end
if not allowed then return {'wrong-state', state, ''} end
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
-- One HDEL and one HSET (the state and updatedAt last): each call is a command to Redis.
local set, del = {}, {}
for k, v in pairs(cjson.decode(ARGV[6])) do
  if v == cjson.null then table.insert(del, k) else table.insert(set, k); table.insert(set, tostring(v)) end
end
if #del > 0 then redis.call('HDEL', KEYS[1], unpack(del)) end
table.insert(set, 'state'); table.insert(set, to)
table.insert(set, 'updatedAt'); table.insert(set, ARGV[3])
redis.call('HSET', KEYS[1], unpack(set))
if ARGV[8] ~= '' then redis.call('HINCRBY', KEYS[1], ARGV[8], 1) end
append(to)
return {'ok', state, '', redis.call('HGETALL', KEYS[1])}
