// Rollback request records in Redis: a hash per request, indexes per environment and per
// target, the "one active rollback per target" lock, and the audit stream. Every change goes
// through one Lua script, so the state check, the change, the lock and the audit entry are one.
import { ulid } from 'ulid';
import {
  ACTIVE_STATES,
  canTransition,
  isTerminal,
  type RequestState,
} from '../domain/request-state.js';
import {
  type Requester,
  type RequestSource,
  type RollbackRequest,
  type RollbackTarget,
  targetKey,
} from '../domain/rollback-request.js';
import {
  AUDIT_MAX_LEN,
  type AuditEntry,
  appendAudit,
  auditValues,
  readAudit,
} from './audit-stream.js';
import type { RedisConnection } from './redis.js';
import { actorOf, decodeRequest, encodeRequest } from './request-codec.js';
import { scriptsOf } from './scripts.js';

export interface RequestStoreOptions {
  /**
   * Key prefix (config REDIS_PREFIX, default `{rollback}`): a `{hash-tag}`, so every key of the
   * store lands in one Redis Cluster slot, which the Lua scripts need.
   */
  prefix: string;
}

export interface NewRequest {
  env: string;
  region: string;
  target: RollbackTarget;
  requestedBy: Requester;
  reason?: string;
  source: RequestSource;
  commits?: RollbackRequest['commits'];
  /** The newest execution in the listing the request was decided on, and when it was read. */
  awsBaseline?: string;
  awsBaselineAt?: number;
}

export interface ChangeOptions {
  /** Who makes the change: `user:U…`, `auto:…`, `worker`, `policy`. */
  by: string;
  /** What happened, for the audit stream: 'queued', 'aws-called', 'retry', 'adopted'… */
  event: string;
  /** Fields to set on the record (undefined is skipped, null deletes; objects are kept as JSON). */
  fields?: {
    [K in keyof RollbackRequest]?: RollbackRequest[K] | string | number | boolean | null;
  };
  /** Extra audit fields (AWS ids, decision, error). */
  audit?: Record<string, string | number | undefined>;
  /** Count one more retry on the record. */
  countRetry?: boolean;
}

export type ChangeResult =
  | { ok: true; request: RollbackRequest; from: RequestState }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'wrong-state'; state: RequestState }
  | { ok: false; reason: 'locked'; state: RequestState; activeRequestId: string };

export type RequestStore = ReturnType<typeof createRequestStore>;

/** How many requests' target and environment a store keeps in memory. */
const PLACES_KEPT = 1000;

/**
 * A request's target key and environment never change: kept per process once known (bounded,
 * oldest out first), so each change after the first is one script call with no HMGET before it.
 */
function requestPlaces(redis: RedisConnection, requestKey: (id: string) => string) {
  const places = new Map<string, { tk: string; env: string }>();
  const remember = (id: string, tk: string, env: string) => {
    if (places.size >= PLACES_KEPT) places.delete(places.keys().next().value as string);
    places.set(id, { tk, env });
  };
  return {
    remember,
    async of(id: string): Promise<{ tk: string; env: string } | undefined> {
      const known = places.get(id);
      if (known) return known;
      const [tk, env] = await redis.hmget(requestKey(id), 'targetKey', 'env');
      if (!tk || !env) return undefined;
      remember(id, tk, env);
      return { tk, env };
    },
  };
}

export function createRequestStore(redis: RedisConnection, { prefix }: RequestStoreOptions) {
  const scripts = scriptsOf(redis);
  const keys = {
    request: (id: string) => `${prefix}:req:${id}`,
    env: (env: string) => `${prefix}:env:${env}`,
    target: (tk: string) => `${prefix}:tgt:${tk}`,
    lock: (tk: string) => `${prefix}:lock:${tk}`,
    audit: `${prefix}:audit`,
  };
  const places = requestPlaces(redis, keys.request);

  async function get(id: string): Promise<RollbackRequest | undefined> {
    return decodeRequest(await redis.hgetall(keys.request(id)));
  }

  async function create(input: NewRequest, now: number): Promise<RollbackRequest> {
    const request = newRequest(ulid(now), input, now);
    const tk = targetKey(input.region, input.target);
    const created = await scripts.createRequest(
      [keys.request(request.id), keys.audit, keys.env(input.env), keys.target(tk)],
      [
        request.id,
        now,
        JSON.stringify(encodeRequest(request, tk)),
        JSON.stringify(requestedAudit(request, tk)),
        AUDIT_MAX_LEN,
      ],
    );
    if (!created) throw new Error(`request id collision: ${request.id}`);
    places.remember(request.id, tk, input.env);
    return request;
  }

  /** Moves a request from one of `from` to `to`, atomically; takes or releases the target lock. */
  async function change(
    id: string,
    from: readonly RequestState[],
    to: RequestState | undefined,
    now: number,
    opts: ChangeOptions,
  ): Promise<ChangeResult> {
    if (to && !from.some((s) => canTransition(s, to))) {
      // A caller asking for a move the state machine does not have is a bug, not a lost race.
      throw new Error(`no transition from ${from.join(' | ')} to ${to}`);
    }
    const place = await places.of(id);
    if (!place) return { ok: false, reason: 'missing' };
    const { tk, env } = place;
    const audit = auditValues({ ...opts.audit, request: id, env, by: opts.by, event: opts.event });
    const reply = await scripts.transitionRequest(
      [keys.request(id), keys.audit, keys.lock(tk)],
      [
        from.join(','),
        to ?? '',
        now,
        lockModeOf(to),
        AUDIT_MAX_LEN,
        // cjson turns an empty Lua table into [] — harmless for pairs().
        JSON.stringify(recordFields(opts.fields)),
        JSON.stringify(audit),
        opts.countRetry ? 'retries' : '',
      ],
    );
    if (reply.outcome === 'missing') return { ok: false, reason: 'missing' };
    const state = reply.before as RequestState;
    if (reply.outcome === 'wrong-state') return { ok: false, reason: 'wrong-state', state };
    if (reply.outcome === 'locked')
      return { ok: false, reason: 'locked', state, activeRequestId: reply.holder };
    // The script answers with the request as it changed it: no second read.
    const request = decodeRequest(reply.hash);
    if (!request) return { ok: false, reason: 'missing' };
    return { ok: true, request, from: state };
  }

  async function listIds(key: string, limit: number): Promise<string[]> {
    return redis.zrevrange(key, 0, Math.max(0, limit - 1));
  }

  async function getMany(ids: string[]): Promise<RollbackRequest[]> {
    if (ids.length === 0) return [];
    const pipe = redis.pipeline();
    for (const id of ids) pipe.hgetall(keys.request(id));
    const res = (await pipe.exec()) ?? [];
    return res
      .map(([, h]) => decodeRequest(h as Record<string, string>))
      .filter((x): x is RollbackRequest => x !== undefined);
  }

  return {
    keys,
    get,
    create,
    change,
    /** Newest first. */
    async listByEnv(env: string, limit: number): Promise<RollbackRequest[]> {
      return getMany(await listIds(keys.env(env), limit));
    },
    async listByTarget(tk: string, limit: number): Promise<RollbackRequest[]> {
      return getMany(await listIds(keys.target(tk), limit));
    },
    /** The request holding the target's lock (queued or running), if any. */
    async activeFor(tk: string): Promise<RollbackRequest | undefined> {
      const id = await redis.get(keys.lock(tk));
      return id ? get(id) : undefined;
    },
    /** An audit entry that belongs to no request transition (e.g. a stage unlocked by hand). */
    async appendAudit(fields: Record<string, string>, now: number): Promise<void> {
      await appendAudit(redis, keys.audit, fields, now);
    },
    async audit(opts: { requestId?: string; count?: number } = {}): Promise<AuditEntry[]> {
      return readAudit(redis, keys.audit, opts);
    },
  };
}

function targetAuditIds(t: RollbackTarget): Record<string, string> {
  if (t.kind === 'stage') {
    return {
      pipeline: t.pipeline,
      stage: t.stage,
      currentExecutionId: t.currentExecutionId,
      targetExecutionId: t.targetExecutionId,
    };
  }
  return {
    application: t.application,
    deploymentGroup: t.deploymentGroup,
    action: t.action,
    ...(t.currentDeploymentId ? { currentDeploymentId: t.currentDeploymentId } : {}),
    ...(t.targetDeploymentId ? { targetDeploymentId: t.targetDeploymentId } : {}),
  };
}

function newRequest(id: string, input: NewRequest, now: number): RollbackRequest {
  return {
    id,
    env: input.env,
    region: input.region,
    state: 'requested',
    target: input.target,
    requestedBy: input.requestedBy,
    source: input.source,
    createdAt: now,
    updatedAt: now,
    retries: 0,
    ...(input.reason ? { reason: input.reason } : {}),
    ...(input.commits ? { commits: input.commits } : {}),
    ...(input.awsBaseline && input.awsBaselineAt !== undefined
      ? { awsBaseline: input.awsBaseline, awsBaselineAt: input.awsBaselineAt }
      : {}),
  };
}

function requestedAudit(request: RollbackRequest, tk: string): Record<string, string> {
  return auditValues({
    request: request.id,
    env: request.env,
    by: actorOf(request),
    event: 'requested',
    from: '',
    to: 'requested',
    at: String(request.createdAt),
    source: request.source,
    target: tk,
    ...targetAuditIds(request.target),
    reason: request.reason,
  });
}

/** Queueing takes the target's lock; leaving the active states releases it. */
function lockModeOf(to: RequestState | undefined): 'take' | 'release' | 'none' {
  if (to === 'queued') return 'take';
  if (to && (isTerminal(to) || !ACTIVE_STATES.includes(to))) return 'release';
  return 'none';
}

/**
 * Strings only: Lua's tostring() would print large numbers in exponent form. Objects and lists
 * as JSON, as request-codec.ts reads them.
 */
function recordFields(fields: ChangeOptions['fields']): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(fields ?? {})) {
    if (v === undefined) continue;
    out[k] = v === null ? null : typeof v === 'object' ? JSON.stringify(v) : String(v);
  }
  return out;
}
