// The standing of releases in a stage (or deployment group): why the bot will not offer a release
// as "last good". One hash per target (its targetKey): a field per release and reason, so every
// mark is one atomic HSET and marks never overwrite each other.
//
//   <prefix>:standing:<targetKey>  field `<releaseId>|bad|<kind>` → {why, at, by}
//                                  field `<releaseId>|good`       → {at, by}
//
// What AWS history shows by itself (rollbacks away from a release) is derived again on every
// read (domain/stage-releases.ts), so losing this hash loses only what history cannot show:
// failures and alarms seen by the bot, and people's marks.

import type { BadReason, StoredStanding } from '../domain/releases.js';
import type { RedisConnection } from './redis.js';

/** Kept as long as CodePipeline keeps execution history (12 months), refreshed on each mark. */
const TTL_SECONDS = 400 * 86_400;

export function createStandingStore(redis: RedisConnection, prefix: string) {
  const key = (targetKey: string) => `${prefix}:standing:${targetKey}`;

  // The mark and the TTL in one round trip: a pipeline, 2 commands (MULTI/EXEC made it 4).
  async function write(targetKey: string, field: string, value: object): Promise<void> {
    await redis
      .pipeline()
      .hset(key(targetKey), field, JSON.stringify(value))
      .expire(key(targetKey), TTL_SECONDS)
      .exec();
  }

  return {
    /** Every stored standing of the target's releases, by release id. */
    async read(targetKey: string): Promise<Map<string, StoredStanding>> {
      const fields = await redis.hgetall(key(targetKey));
      const out = new Map<string, StoredStanding>();
      for (const [field, raw] of Object.entries(fields)) {
        const [releaseId, what] = field.split('|');
        if (!releaseId) continue;
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch {
          continue;
        }
        const entry = out.get(releaseId) ?? { bad: [] };
        if (what === 'good') entry.good = value as { at: number; by: string };
        else if (what === 'bad') entry.bad.push(value as BadReason);
        out.set(releaseId, entry);
      }
      return out;
    },
    /**
     * Records one reason a release is bad. `kind` names the reason (`failed`, `alarm`,
     * `rolled-back`, `marked`): marking the same kind again replaces it.
     */
    markBad: (targetKey: string, releaseId: string, kind: string, reason: BadReason) =>
      write(targetKey, `${releaseId}|bad|${kind}`, reason),
    /** A person says the release is good: bad reasons older than this stop counting. */
    markGood: (targetKey: string, releaseId: string, by: string, at: number) =>
      write(targetKey, `${releaseId}|good`, { at, by }),
  };
}

export type StandingStore = ReturnType<typeof createStandingStore>;
