-- Ends a release's open bake window (store/reaction-store.ts): tripped or passed, once.
--
-- KEYS[1] the target's window         <prefix>:reactions:bake:<env>:<stage or ->  (hash)
--
-- ARGV[1] the release id
-- ARGV[2] the new state: tripped | passed
--
-- Returns 1 when moved, 0 when the window is another release's or no longer open.
if redis.call('HGET', KEYS[1], 'releaseId') ~= ARGV[1] then return 0 end
if redis.call('HGET', KEYS[1], 'state') ~= 'open' then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[2])
return 1
