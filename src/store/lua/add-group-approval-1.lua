-- Records one approval of a group rollback (store/group-store.ts): each approver once.
--
-- KEYS[1] the group                   <prefix>:group:<ulid>  (hash)
--
-- ARGV[1] the approver's user id
-- ARGV[2] when (ms)
--
-- Returns { 1 when this call added the approval (the group's version is bumped) else 0,
--           HGETALL of the group }.
local added = redis.call('HSETNX', KEYS[1], 'approval:' .. ARGV[1], ARGV[2])
if added == 1 then redis.call('HINCRBY', KEYS[1], 'version', 1) end
return {added, redis.call('HGETALL', KEYS[1])}
