-- Drops our claim on AWS events (store/event-dedupe-store.ts), so AWS's retry is taken.
--
-- KEYS[1..n] one key per id           <prefix>:aws-events:seen:<id>  (as many as the caller has)
--
-- ARGV[1] our claim's value           pending:<token>
--
-- Returns 1.
for _, k in ipairs(KEYS) do
  if redis.call('GET', k) == ARGV[1] then redis.call('DEL', k) end
end
return 1
