// The stores' Lua scripts, the one way they are run. Each lives in store/lua/<name>.lua with a
// header saying what its KEYS and ARGV are and what it returns; a name ending in -<n> takes n
// KEYS, any other as many as the caller passes. The files are read once, at load, and defined
// once per connection (ioredis's defineCommand: EVALSHA, EVAL when Redis lacks the script). What
// a script answers is turned into a typed result here, and only here.
import { readFileSync } from 'node:fs';
import { fieldsOf, type RedisConnection } from './redis.js';

/** Each script's file in store/lua, without `.lua`. */
const FILES = {
  createRequest: 'create-request-4',
  transitionRequest: 'transition-request-3',
  releaseLock: 'release-lock-1',
  claimEvents: 'claim-events',
  commitEvents: 'commit-events',
  releaseEvents: 'release-events',
  addApproval: 'add-approval-1',
  liftStageLock: 'lift-stage-lock-1',
  takeChannelSlot: 'take-channel-slot-2',
  openBakeWindow: 'open-bake-window-1',
  closeBakeWindow: 'close-bake-window-1',
  moveGroupState: 'move-group-state-1',
  addGroupApproval: 'add-group-approval-1',
} as const;

type ScriptName = keyof typeof FILES;
type Arg = string | number;
type Run = (...args: Arg[]) => Promise<unknown>;

// Next to this module, in src/ as in dist/ (the build copies the .lua files: scripts/finish-build.mjs).
const LUA_DIR = new URL('./lua/', import.meta.url);

const DEFINITIONS = Object.entries(FILES).map(([name, file]) => {
  const keys = /-(\d+)$/.exec(file)?.[1];
  return {
    name: name as ScriptName,
    // The command's name on the connection: rb-prefixed, clear of BullMQ's own scripts.
    command: `rb${name[0]!.toUpperCase()}${name.slice(1)}`,
    lua: readFileSync(new URL(`${file}.lua`, LUA_DIR), 'utf8'),
    ...(keys ? { numberOfKeys: Number(keys) } : {}),
  };
});

const defined = new WeakMap<RedisConnection, Record<ScriptName, Run>>();

/** The scripts on `redis`, defined on it the first time it is asked for. */
function runnersOf(redis: RedisConnection): Record<ScriptName, Run> {
  let runners = defined.get(redis);
  if (runners) return runners;
  runners = {} as Record<ScriptName, Run>;
  // defineCommand adds each command as a method of the connection; this is where it is looked up.
  const methods = redis as unknown as Record<string, Run>;
  for (const d of DEFINITIONS) {
    redis.defineCommand(d.command, {
      lua: d.lua,
      ...(d.numberOfKeys ? { numberOfKeys: d.numberOfKeys } : {}),
    });
    runners[d.name] = (...args) => methods[d.command]!.call(redis, ...args);
  }
  defined.set(redis, runners);
  return runners;
}

/** transition-request-3.lua's answer. */
export type TransitionReply =
  | { outcome: 'ok'; before: string; hash: Record<string, string> }
  | { outcome: 'wrong-state'; before: string }
  | { outcome: 'locked'; before: string; holder: string }
  | { outcome: 'missing' };

/** An approval recorded once: whether this call added it, and the hash as it is now. */
export interface AddedOnce {
  added: boolean;
  hash: Record<string, string>;
}

const addedOnce = (reply: unknown): AddedOnce => {
  const [added, flat] = reply as [number, string[]];
  return { added: added === 1, hash: fieldsOf(flat) };
};

/** The scripts, typed: KEYS then ARGV in the order of each file's header. */
export function scriptsOf(redis: RedisConnection) {
  const run = runnersOf(redis);
  const variadic = (name: ScriptName, keys: readonly string[], ...argv: Arg[]) =>
    run[name](keys.length, ...keys, ...argv);
  return {
    /** True when created; false when the id is taken. */
    createRequest: async (
      keys: [request: string, audit: string, envIndex: string, targetIndex: string],
      argv: [id: string, now: number, fields: string, audit: string, auditMaxLen: number],
    ): Promise<boolean> => (await run.createRequest(...keys, ...argv)) === 1,

    transitionRequest: async (
      keys: [request: string, audit: string, targetLock: string],
      argv: [
        from: string,
        to: string,
        now: number,
        lockMode: 'take' | 'release' | 'none',
        auditMaxLen: number,
        fields: string,
        audit: string,
        increment: string,
      ],
    ): Promise<TransitionReply> => {
      const [outcome, before, holder, hash] = (await run.transitionRequest(...keys, ...argv)) as [
        string,
        string,
        string,
        string[] | undefined,
      ];
      if (outcome === 'ok') return { outcome, before, hash: fieldsOf(hash ?? []) };
      if (outcome === 'wrong-state') return { outcome, before };
      if (outcome === 'locked') return { outcome, before, holder };
      return { outcome: 'missing' };
    },

    /** True when the lock was ours and is gone. */
    releaseLock: async (key: string, token: string): Promise<boolean> =>
      (await run.releaseLock(key, token)) === 1,

    claimEvents: async (
      keys: readonly string[],
      claim: string,
      pendingTtlMs: number,
    ): Promise<'claimed' | 'done' | 'pending'> => {
      const state = await variadic('claimEvents', keys, claim, pendingTtlMs);
      return state === 'claimed' || state === 'done' ? state : 'pending';
    },
    commitEvents: async (keys: readonly string[], claim: string, ttlMs: number): Promise<void> => {
      await variadic('commitEvents', keys, claim, ttlMs);
    },
    releaseEvents: async (keys: readonly string[], claim: string): Promise<void> => {
      await variadic('releaseEvents', keys, claim);
    },

    addApproval: async (
      key: string,
      argv: [approverId: string, approval: string, ttlMs: number],
    ): Promise<AddedOnce> => addedOnce(await run.addApproval(key, ...argv)),

    /** False when another request's lock holds the stage. */
    liftStageLock: async (
      key: string,
      argv: [requestId: string, lifted: string, ttlSeconds: number],
    ): Promise<boolean> => (await run.liftStageLock(key, ...argv)) === 1,

    /** The ms to wait before posting (0: now). */
    takeChannelSlot: async (
      keys: [line: string, slot: string],
      argv: [now: number, intervalMs: number, burst: number, keepMs: number],
    ): Promise<number> => Math.max(0, Number(await run.takeChannelSlot(...keys, ...argv))),

    /** True when opened. */
    openBakeWindow: async (
      key: string,
      argv: [
        window: string,
        releaseId: string,
        startedAt: number,
        state: string,
        ttlSeconds: number,
      ],
    ): Promise<boolean> => (await run.openBakeWindow(key, ...argv)) === 1,
    /** True when the release's open window moved to `state`. */
    closeBakeWindow: async (
      key: string,
      argv: [releaseId: string, state: 'tripped' | 'passed'],
    ): Promise<boolean> => (await run.closeBakeWindow(key, ...argv)) === 1,

    /** True when it moved. */
    moveGroupState: async (
      key: string,
      whose: string,
      to: string,
      from: readonly string[],
    ): Promise<boolean> => (await run.moveGroupState(key, whose, to, ...from)) === 1,
    addGroupApproval: async (key: string, approverId: string, at: number): Promise<AddedOnce> =>
      addedOnce(await run.addGroupApproval(key, approverId, at)),
  };
}

export type StoreScripts = ReturnType<typeof scriptsOf>;
