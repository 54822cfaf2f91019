-- Claims received AWS events (store/event-dedupe-store.ts): every id at once, or none.
--
-- KEYS[1..n] one key per id           <prefix>:aws-events:seen:<id>  (as many as the caller has)
--
-- ARGV[1] the claim's value           pending:<token>
-- ARGV[2] how long the claim lasts without a commit or release (ms)
--
-- Returns 'claimed' (every key now holds the claim), 'done' (an id was already enqueued) or
-- 'pending' (another request is enqueueing one of them now); only 'claimed' writes.
local state = 'claimed'
for _, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  if v == 'done' then return 'done' end
  if v then state = 'pending' end
end
if state == 'pending' then return state end
for _, k in ipairs(KEYS) do redis.call('SET', k, ARGV[1], 'PX', ARGV[2]) end
return state
