// Releases the bot announced as waiting at a held stage: said once per release and stage.
//
//   <prefix>:guard:waiting:<id>           JSON WaitingNotice (id: a hash of region, pipeline, stage,
//                                         execution), created with SET NX: the one announcement
//   <prefix>:guard:waiting-open:<place>   set of ids whose message still offers Unlock
//
// Both expire after 30 days. The Unlock button carries only the id.
import { createHash } from 'node:crypto';
import type { RedisConnection } from './redis.js';
import type { StagePlace } from './stage-lock-store.js';

export interface WaitingNotice {
  id: string;
  env: string;
  region: string;
  pipeline: string;
  stage: string;
  executionId: string;
  at: number;
  /** Where the announcement was posted, once it was. */
  channel?: string;
  ts?: string;
  /** The release's short commit, as the message showed it. */
  revision?: string;
}

const TTL_SECONDS = 30 * 86_400;

export interface WaitingReleaseStore {
  /** Claims the one announcement of this release at this stage; undefined when already claimed. */
  claim(notice: Omit<WaitingNotice, 'id'>): Promise<WaitingNotice | undefined>;
  /** The announcement could not be posted: the next pass may claim it again. */
  forget(notice: WaitingNotice): Promise<void>;
  /** Where it was posted; it is open (offers Unlock) until settled. */
  posted(
    notice: WaitingNotice,
    where: { channel: string; ts?: string; revision?: string },
  ): Promise<WaitingNotice>;
  get(id: string): Promise<WaitingNotice | undefined>;
  /** Notices of this stage whose message still shows the release waiting. */
  open(place: StagePlace): Promise<WaitingNotice[]>;
  /** The message was brought up to date: no longer open. */
  settle(notice: WaitingNotice): Promise<void>;
}

export function createWaitingReleaseStore(
  redis: RedisConnection,
  prefix: string,
): WaitingReleaseStore {
  const key = (id: string) => `${prefix}:guard:waiting:${id}`;
  const openKey = (p: StagePlace) =>
    `${prefix}:guard:waiting-open:${p.region}|${p.pipeline}|${p.stage}`;
  const idOf = (n: Omit<WaitingNotice, 'id'>) =>
    createHash('sha256')
      .update(`${n.region}|${n.pipeline}|${n.stage}|${n.executionId}`)
      .digest('hex')
      .slice(0, 24);
  const read = async (id: string): Promise<WaitingNotice | undefined> => {
    const raw = await redis.get(key(id));
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as WaitingNotice;
    } catch {
      return undefined;
    }
  };
  return {
    async claim(n) {
      const notice: WaitingNotice = { id: idOf(n), ...n };
      const ok = await redis.set(key(notice.id), JSON.stringify(notice), 'EX', TTL_SECONDS, 'NX');
      return ok === 'OK' ? notice : undefined;
    },
    async forget(notice) {
      await redis.del(key(notice.id));
    },
    async posted(notice, where) {
      const next: WaitingNotice = { ...notice, ...where };
      await redis
        .multi()
        .set(key(notice.id), JSON.stringify(next), 'EX', TTL_SECONDS)
        .sadd(openKey(notice), notice.id)
        .expire(openKey(notice), TTL_SECONDS)
        .exec();
      return next;
    },
    get: read,
    async open(place) {
      const ids = await redis.smembers(openKey(place));
      const out: WaitingNotice[] = [];
      for (const id of ids) {
        const n = await read(id);
        if (n) out.push(n);
        else await redis.srem(openKey(place), id);
      }
      return out;
    },
    async settle(notice) {
      await redis.srem(openKey(notice), notice.id);
    },
  };
}
