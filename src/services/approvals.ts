// The approvals service: one for a single request's approval and a group rollback's alike.
// - Who may approve or reject: `mayDecide` (domain/rollback-decision/approvals.ts), with the approver
//   groups resolved through the principals port, failing closed.
// - Whether the approval is still open: the subject's rule; an expired one is expired on the click.
// - Each approver counted once, and one claim that decides: exactly one approve or reject moves it
//   on, and a click that loses the claim is told so.
// - The deadline: the job at `expiresAt` expires what still waits.
// - The audit of every act, refusals included.
// It answers typed outcomes (approvals-outcomes.ts) that slack/ words. What a request and a group
// keep, and how each moves on, is its ApprovalSubject: approvals-requests.ts for a request,
// src/services/groups/group-approvals.ts for a group.
import {
  type Approval,
  type ApprovalCheck,
  type ApprovalOf,
  type ApprovalRefusal,
  type ApprovalTally,
  mayDecide,
  type StaleApprovalCode,
  tallyApprovals,
} from '../domain/rollback-decision/index.js';
import { RetryLater } from '../jobs/processor.js';
import type { AttemptAudit } from '../store/audit-stream.js';
import type {
  ApproveOutcome,
  MayRejectOutcome,
  RefusedClick,
  RejectOutcome,
} from './approvals-outcomes.js';
import { approverMembers, type PrincipalResolver } from './principals.js';

export interface ApprovalsDeps {
  principals: PrincipalResolver;
  audit: AttemptAudit;
  now: () => number;
}

/** What the audit records of an approval; each subject names its own events for these. */
export type AuditedAct = 'refused' | 'duplicate' | 'recorded' | 'not-done' | 'granted' | 'rejected';

/** The fields that name an approval in its audit entries. */
export interface ApprovalAuditName {
  env?: string;
  request?: string;
  /** Leads every entry's detail (a group's name and id). */
  detail?: string;
}

/** An approval as the service sees it, whatever it is for. */
export interface OpenApproval {
  /** What is approved, for the answers: the environment, or the group. */
  name: string;
  of: ApprovalOf;
  /** Undefined for an automatic rollback. */
  requesterId: string | undefined;
  /** The environments it is for (a prod one never lets the requester approve). */
  envs: readonly string[];
  /** The environment's approval.allowSelfApproval (a group never allows it). */
  allowSelfApproval: boolean;
  /** User and user-group ids: an approver must be on every list (one per environment asking). */
  approverLists: ReadonlyArray<readonly string[]>;
  required: number;
  expiresAt: number;
  audit: ApprovalAuditName;
}

export type Opened<Held> =
  | { ok: true; approval: OpenApproval; held: Held }
  | { ok: false; refusal: ApprovalRefusal<StaleApprovalCode>; audit: ApprovalAuditName };

/** What one kind of approval keeps and how it moves on; `Held` is its own record, handed back. */
export interface ApprovalSubject<Held> {
  events: Readonly<Record<AuditedAct, string>>;
  open(id: string): Promise<Opened<Held>>;
  /** Still open now: waiting, in time, and for what it was given for. */
  stillOpen(held: Held, now: number): Promise<ApprovalCheck<StaleApprovalCode>>;
  /** Each approver once: whether this call added it, and every approval that counts. */
  addApproval(
    held: Held,
    approverId: string,
    at: number,
  ): Promise<{ added: boolean; approvals: Approval[] }>;
  /** True for exactly one caller, whichever the act: the one that decides. */
  claim(held: Held, act: 'approve' | 'reject', by: string): Promise<boolean>;
  /** Gives the claim back when deciding failed; absent where the claim is the move itself. */
  unclaim?(held: Held): Promise<void>;
  /** More approvals are needed: show the one counted. */
  counted(held: Held): Promise<void>;
  approved(held: Held, by: string, tally: ApprovalTally): Promise<void>;
  rejected(held: Held, by: string, reason: string | undefined): Promise<void>;
  /** Expires it if it still waits (a second call does nothing), and shows it. */
  expire(held: Held): Promise<void>;
}

/** The service bound to one subject: what the Slack side and the jobs call. */
export interface SubjectApprovals {
  approve(id: string, user: string): Promise<ApproveOutcome>;
  /** `reason`: why, in the rejecter's words (a group's Reject asks for none). */
  reject(id: string, user: string, reason?: string): Promise<RejectOutcome>;
  mayReject(id: string, user: string): Promise<MayRejectOutcome>;
  /** The approval if `user` may approve it before its deadline; no act, no audit (App Home). */
  awaitingFrom(id: string, user: string): Promise<OpenApproval | undefined>;
  /** The job at the deadline: expires it if it still waits (early: RetryLater until it is due). */
  expire(id: string): Promise<void>;
}

export interface Approvals {
  of<Held>(subject: ApprovalSubject<Held>): SubjectApprovals;
}

type Checked<Held> =
  | { ok: true; approval: OpenApproval; held: Held }
  | { ok: false; outcome: RefusedClick };

function record<H>(
  deps: ApprovalsDeps,
  s: ApprovalSubject<H>,
  name: ApprovalAuditName,
  act: AuditedAct,
  user: string,
  detail: string,
): Promise<void> {
  const lead = name.detail && detail ? `${name.detail}: ` : (name.detail ?? '');
  return deps.audit.record({
    by: `user:${user}`,
    event: s.events[act],
    ...(name.env ? { env: name.env } : {}),
    ...(name.request ? { request: name.request } : {}),
    detail: `${lead}${detail}`,
  });
}

async function refuse<H>(
  deps: ApprovalsDeps,
  s: ApprovalSubject<H>,
  name: ApprovalAuditName,
  user: string,
  outcome: RefusedClick,
): Promise<Checked<H>> {
  await record(deps, s, name, 'refused', user, outcome.code);
  return { ok: false, outcome };
}

/** Whether `user` may decide `a`: the one rule (mayDecide), approver groups asked of Slack. */
async function whoMay(
  deps: ApprovalsDeps,
  a: OpenApproval,
  user: string,
  act: 'approve' | 'reject',
) {
  return mayDecide({
    act,
    userId: user,
    requesterId: a.requesterId,
    of: a.of,
    envs: a.envs,
    allowSelfApproval: a.allowSelfApproval,
    approverMembers: await Promise.all(
      a.approverLists.map((list) => approverMembers(deps.principals, list)),
    ),
  });
}

/** Who may, then whether it is still open: every click is checked again on the server. */
async function check<H>(
  deps: ApprovalsDeps,
  s: ApprovalSubject<H>,
  id: string,
  user: string,
  act: 'approve' | 'reject',
): Promise<Checked<H>> {
  const opened = await s.open(id);
  if (!opened.ok) {
    const { code, message } = opened.refusal;
    return refuse(deps, s, opened.audit, user, { kind: 'stale', code, message });
  }
  const { approval: a, held } = opened;
  const who = await whoMay(deps, a, user, act);
  if (!who.ok) {
    const { code, message } = who;
    // Who may instead, unless Slack could not say.
    const approvers =
      code === 'approvers-unavailable' ? undefined : (a.approverLists[who.list] ?? []);
    return refuse(deps, s, a.audit, user, {
      kind: 'refused',
      code,
      message,
      ...(approvers ? { approvers } : {}),
    });
  }
  const open = await s.stillOpen(held, deps.now());
  if (!open.ok) {
    if (open.code === 'expired') await s.expire(held);
    return refuse(deps, s, a.audit, user, {
      kind: 'stale',
      code: open.code,
      message: open.message,
    });
  }
  return { ok: true, approval: a, held };
}

async function approve<H>(deps: ApprovalsDeps, s: ApprovalSubject<H>, id: string, user: string) {
  const checked = await check(deps, s, id, user, 'approve');
  if (!checked.ok) return checked.outcome;
  const { approval: a, held } = checked;
  const { added, approvals } = await s.addApproval(held, user, deps.now());
  const tally = tallyApprovals(approvals, a.required);
  const counted = { count: tally.count, required: tally.required };
  const progress = `${tally.count} of ${tally.required}`;
  if (!added) {
    await record(deps, s, a.audit, 'duplicate', user, progress);
    return { kind: 'duplicate' as const, ...counted };
  }
  await record(deps, s, a.audit, 'recorded', user, progress);
  if (!tally.satisfied) {
    await s.counted(held);
    return { kind: 'recorded' as const, missing: tally.missing, ...counted };
  }
  if (!(await s.claim(held, 'approve', user))) {
    return { kind: 'already-deciding' as const, ...counted };
  }
  try {
    await s.approved(held, user, tally);
  } catch (err) {
    await s.unclaim?.(held);
    await record(deps, s, a.audit, 'not-done', user, (err as Error).message);
    throw err;
  }
  await record(deps, s, a.audit, 'granted', user, `approved by ${tally.approvers.join(', ')}`);
  return { kind: 'approved' as const, name: a.name, ...counted };
}

async function reject<H>(
  deps: ApprovalsDeps,
  s: ApprovalSubject<H>,
  id: string,
  user: string,
  reason?: string,
) {
  const checked = await check(deps, s, id, user, 'reject');
  if (!checked.ok) return checked.outcome;
  const { approval: a, held } = checked;
  if (!(await s.claim(held, 'reject', user))) return { kind: 'already-decided' as const };
  try {
    await s.rejected(held, user, reason);
  } catch (err) {
    await s.unclaim?.(held);
    throw err;
  }
  await record(deps, s, a.audit, 'rejected', user, reason ?? '');
  return { kind: 'rejected' as const, name: a.name };
}

async function mayReject<H>(deps: ApprovalsDeps, s: ApprovalSubject<H>, id: string, user: string) {
  const checked = await check(deps, s, id, user, 'reject');
  return checked.ok
    ? { kind: 'may-reject' as const, name: checked.approval.name }
    : checked.outcome;
}

/**
 * The approval if `user` may approve it before its deadline; nothing done or audited (the App
 * Home lists these; its clicks go through `approve`). Whether it still waits: the caller's state.
 */
async function awaitingFrom<H>(
  deps: ApprovalsDeps,
  s: ApprovalSubject<H>,
  id: string,
  user: string,
): Promise<OpenApproval | undefined> {
  const opened = await s.open(id);
  if (!opened.ok || opened.approval.expiresAt <= deps.now()) return undefined;
  const who = await whoMay(deps, opened.approval, user, 'approve');
  return who.ok ? opened.approval : undefined;
}

async function expire<H>(deps: ApprovalsDeps, s: ApprovalSubject<H>, id: string): Promise<void> {
  const opened = await s.open(id);
  if (!opened.ok) return;
  const early = opened.approval.expiresAt - deps.now();
  if (early > 0) throw new RetryLater(early, 'the approval is not due to expire yet');
  await s.expire(opened.held);
}

export function createApprovals(deps: ApprovalsDeps): Approvals {
  return {
    of: (s) => ({
      approve: (id, user) => approve(deps, s, id, user),
      reject: (id, user, reason) => reject(deps, s, id, user, reason),
      mayReject: (id, user) => mayReject(deps, s, id, user),
      awaitingFrom: (id, user) => awaitingFrom(deps, s, id, user),
      expire: (id) => expire(deps, s, id),
    }),
  };
}
