// RollbackRequest ⇄ Redis hash fields. Flat strings; nested parts as JSON.
import { isRequestState } from '../domain/request-state.js';
import { isRequestSource, type RollbackRequest } from '../domain/rollback-request.js';

const NUMBER_FIELDS = [
  'createdAt',
  'updatedAt',
  'queuedAt',
  'runAfter',
  'startedAt',
  'endedAt',
  'awsAcceptedAt',
  'deployingSince',
  'awsBaselineAt',
] as const;
const STRING_FIELDS = [
  'reason',
  'decision',
  'awsExecutionId',
  'awsBaseline',
  'stoppedDeploymentId',
  'lastError',
  'nextStep',
  'summary',
] as const;
/** Kept as JSON. */
const JSON_FIELDS = [
  'approvedBy',
  'deployProgress',
  'alarmWatch',
  'commits',
  'policyWords',
] as const;

type JsonField = (typeof JSON_FIELDS)[number];

/** A step's facts that do not parse are left out: the status shows less, the request still loads. */
function setJson<K extends JsonField>(r: RollbackRequest, k: K, text: string | undefined): void {
  if (text === undefined) return;
  try {
    const v: unknown = JSON.parse(text);
    if (v !== null && typeof v === 'object') r[k] = v as RollbackRequest[K];
  } catch {
    // left out
  }
}

export function encodeRequest(r: RollbackRequest, targetKey: string): Record<string, string> {
  const out: Record<string, string> = {
    id: r.id,
    env: r.env,
    region: r.region,
    state: r.state,
    target: JSON.stringify(r.target),
    targetKey,
    requestedBy: JSON.stringify(r.requestedBy),
    source: r.source,
    retries: String(r.retries),
  };
  for (const k of NUMBER_FIELDS) if (r[k] !== undefined) out[k] = String(r[k]);
  for (const k of STRING_FIELDS) if (r[k] !== undefined) out[k] = r[k];
  for (const k of JSON_FIELDS) if (r[k] !== undefined) out[k] = JSON.stringify(r[k]);
  if (r.awsOrigin) out.awsOrigin = r.awsOrigin;
  if (r.lockedTransition !== undefined) out.lockedTransition = String(r.lockedTransition);
  return out;
}

export function decodeRequest(h: Record<string, string>): RollbackRequest | undefined {
  if (!h.id || !h.state || !isRequestState(h.state)) return undefined;
  if (!h.source || !isRequestSource(h.source)) return undefined;
  const r: RollbackRequest = {
    id: h.id,
    env: h.env ?? '',
    region: h.region ?? '',
    state: h.state,
    target: JSON.parse(h.target ?? '{}'),
    requestedBy: JSON.parse(h.requestedBy ?? '{}'),
    source: h.source,
    createdAt: Number(h.createdAt),
    updatedAt: Number(h.updatedAt ?? h.createdAt),
    retries: Number(h.retries ?? 0),
  };
  for (const k of NUMBER_FIELDS) if (h[k] !== undefined) r[k] = Number(h[k]);
  for (const k of STRING_FIELDS) if (h[k] !== undefined) r[k] = h[k];
  for (const k of JSON_FIELDS) setJson(r, k, h[k]);
  if (h.awsOrigin === 'called' || h.awsOrigin === 'adopted') r.awsOrigin = h.awsOrigin;
  if (h.lockedTransition !== undefined) r.lockedTransition = h.lockedTransition === 'true';
  return r;
}

export function actorOf(r: Pick<RollbackRequest, 'requestedBy'>): string {
  return r.requestedBy.kind === 'user'
    ? `user:${r.requestedBy.id}`
    : `auto:${r.requestedBy.reason}`;
}
