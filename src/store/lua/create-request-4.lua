-- Creates a rollback request: its hash, both indexes and its first audit entry, in one step.
--
-- KEYS[1] the request hash            <prefix>:req:<id>
-- KEYS[2] the audit stream            <prefix>:audit
-- KEYS[3] the environment's index     <prefix>:env:<env>     (sorted set, by creation time)
-- KEYS[4] the target's index          <prefix>:tgt:<target>  (sorted set, by creation time)
--
-- ARGV[1] the request id
-- ARGV[2] now (ms), the index score
-- ARGV[3] the request's fields (JSON object of strings)
-- ARGV[4] the audit entry (JSON object of strings)
-- ARGV[5] the audit stream's approximate cap (XADD MAXLEN ~)
--
-- Returns 1 when created, 0 when the id is taken (nothing written).
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
-- One HSET for every field: each call inside a script is a command of its own to Redis.
local fields = {}
for k, v in pairs(cjson.decode(ARGV[3])) do table.insert(fields, k); table.insert(fields, v) end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
local audit = cjson.decode(ARGV[4])
local entry = {}
for k, v in pairs(audit) do table.insert(entry, k); table.insert(entry, v) end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[5], '*', unpack(entry))
return 1
