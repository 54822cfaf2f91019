-- Marks claimed AWS events done (store/event-dedupe-store.ts), where the claim is still ours or
-- has lapsed; a key another request claims meanwhile is left to it.
--
-- KEYS[1..n] one key per id           <prefix>:aws-events:seen:<id>  (as many as the caller has)
--
-- ARGV[1] our claim's value           pending:<token>
-- ARGV[2] how long a done id is remembered (ms)
--
-- Returns 1.
for _, k in ipairs(KEYS) do
  local v = redis.call('GET', k)
  if v == false or v == ARGV[1] then redis.call('SET', k, 'done', 'PX', ARGV[2]) end
end
return 1
