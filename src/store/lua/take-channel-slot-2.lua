-- Takes (or finds again) a post's slot in its channel's line (store/channel-line-store.ts): GCRA,
-- one line per channel shared by every replica. A slot is kept under the post's key, so a job
-- delayed until its slot finds the same slot when it runs again, never a new one further back.
--
-- KEYS[1] the channel's theoretical arrival time   <prefix>:slack:line:<channel>
-- KEYS[2] this post's slot                         <prefix>:slack:slot:<channel>:<post key>
--
-- ARGV[1] now (ms)
-- ARGV[2] the interval between two posts in the channel (ms)
-- ARGV[3] how many posts may go at once into a quiet channel
-- ARGV[4] how long a kept slot lives after its time (ms)
--
-- Returns the ms to wait before posting (0: post now).
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local keep = tonumber(ARGV[4])
local kept = redis.call('GET', KEYS[2])
if kept then
  local wait = tonumber(kept) - now
  if wait < 0 then wait = 0 end
  return wait
end
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local at = tat - (burst - 1) * interval
if at < now then at = now end
tat = tat + interval
redis.call('SET', KEYS[1], tat, 'PX', math.ceil(tat - now) + burst * interval)
redis.call('SET', KEYS[2], at, 'PX', math.ceil(at - now) + keep)
return at - now
