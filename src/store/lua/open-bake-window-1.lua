-- Opens a target's bake window (store/reaction-store.ts) unless this release's window or a newer
-- release's is already there (the rule of domain/reactions/bake-window.ts openBakeWindow()).
--
-- KEYS[1] the target's window         <prefix>:reactions:bake:<env>:<stage or ->  (hash)
--
-- ARGV[1] the window (JSON)
-- ARGV[2] its release id
-- ARGV[3] when the release succeeded (AWS time, ms)
-- ARGV[4] its state
-- ARGV[5] how long the window is kept (seconds)
--
-- Returns 1 when opened, 0 when left as it was.
local id = redis.call('HGET', KEYS[1], 'releaseId')
if id == ARGV[2] then return 0 end
local started = redis.call('HGET', KEYS[1], 'startedAt')
if started and tonumber(started) > tonumber(ARGV[3]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'json', ARGV[1], 'releaseId', ARGV[2], 'startedAt', ARGV[3], 'state', ARGV[4])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[5]))
return 1
