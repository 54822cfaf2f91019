-- Records one approval of a rollback request (store/approval-store.ts): each approver once, so a
-- double click counts once; answers with every approval in the same round trip.
--
-- KEYS[1] the request's approvals     <prefix>:guard:approvals:<request id>  (hash: approver → JSON)
--
-- ARGV[1] the approver's user id
-- ARGV[2] the approval (JSON: at, binding)
-- ARGV[3] how long the approvals are kept (ms)
--
-- Returns { 1 when this call added the approval else 0, HGETALL of the approvals }.
local added = redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {added, redis.call('HGETALL', KEYS[1])}
