-- Moves the state of a group rollback, or of one of its members, from one of the given states to
-- a new one (store/group-store.ts): compare-and-set, so a double click or two workers move it once.
--
-- KEYS[1] the group                   <prefix>:group:<ulid>  (hash)
--
-- ARGV[1] whose state: 'group', or a member's index
-- ARGV[2] the new state
-- ARGV[3..n] the states it may move from
--
-- Returns 1 when it moved (the group's version is bumped), 0 when it was in none of them.
local cur = redis.call('HGET', KEYS[1], 'state:' .. ARGV[1])
if not cur then return 0 end
for i = 3, #ARGV do
  if cur == ARGV[i] then
    redis.call('HSET', KEYS[1], 'state:' .. ARGV[1], ARGV[2])
    redis.call('HINCRBY', KEYS[1], 'version', 1)
    return 1
  end
end
return 0
