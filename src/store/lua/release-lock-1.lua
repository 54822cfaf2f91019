-- Gives a lease back (store/locks.ts): compare-and-delete, so a lease that lapsed and was taken
-- by another holder meanwhile is never deleted.
--
-- KEYS[1] the lock key
--
-- ARGV[1] the holder's token
--
-- Returns 1 when the lock was ours and is gone, 0 when it had lapsed or belongs to another.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
