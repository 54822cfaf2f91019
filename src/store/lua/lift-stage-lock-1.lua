-- Records that a person lifted a stage's post-rollback lock (store/stage-lock-store.ts), unless a
-- newer rollback locked the stage meanwhile: that lock still holds.
--
-- KEYS[1] the stage's lock            <prefix>:guard:stage-lock:<region>|<pipeline>|<stage>
--
-- ARGV[1] the request id whose lock is lifted
-- ARGV[2] the lifted record (JSON)
-- ARGV[3] its TTL (seconds)
--
-- Returns 1 when written, 0 when the key holds another request's lock.
local raw = redis.call('GET', KEYS[1])
if raw then
  local ok, cur = pcall(cjson.decode, raw)
  if ok and cur.state == 'locked' and cur.lock and cur.lock.requestId ~= ARGV[1] then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
