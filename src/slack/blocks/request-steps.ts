// The steps of a rollback request as its live status shows them, one line each with its time:
// requested → approved (when approval was needed) → AWS accepted → deploying, a line that ends
// as the rollback did (rolled back, or failed) → alarms watched → recovered. A step reached says
// who or what, and when; the step under way says since when; the steps still to come are listed
// without a time, so a person sees how far it has got and what comes next. A failed step says
// what happened and what to do, and nothing is listed after it. Pure: every fact is on the
// request record (the worker's and the alarm watch's notes, src/jobs, src/services/reactions).
import type { RollbackRequest } from '../../domain/rollback-request.js';
import { deploymentUrl, elapsed, person, pipelineExecutionUrl, slackDate } from './format.js';
import { escapeMrkdwn, inertCode, plainLine } from './inert-text.js';

const MARK = {
  done: ':white_check_mark:',
  now: ':arrows_counterclockwise:',
  waiting: ':hourglass_flowing_sand:',
  approval: ':raised_hand:',
  failed: ':x:',
  blocked: ':no_entry:',
  rejected: ':no_entry_sign:',
  expired: ':alarm_clock:',
  cancelled: ':heavy_multiplication_x:',
  warning: ':warning:',
  next: ':white_circle:',
} as const;

interface Step {
  mark: keyof typeof MARK;
  text: string;
  at?: number;
  /** The time is when the step began (it is under way). */
  since?: boolean;
  /** Lines under the step (what happened, what to do). */
  more?: string[];
}

/** After the first step, a step within half a day of the request shows only its time. */
const HALF_DAY_MS = 12 * 3_600_000;

function line(s: Step, first: boolean, createdAt: number): string {
  const sameDay = !first && s.at !== undefined && s.at - createdAt < HALF_DAY_MS;
  const tokens = sameDay ? '{time_secs}' : '{date_short_pretty} {time_secs}';
  const when = s.at === undefined ? '' : ` · ${s.since ? 'since ' : ''}${slackDate(s.at, tokens)}`;
  return [`${MARK[s.mark]} ${s.text}${when}`, ...(s.more ?? [])].join('\n');
}

/** Who asked; an automatic request's why is the status's "Reason" line, not this one. */
function requester(req: RollbackRequest): string {
  return req.requestedBy.kind === 'user'
    ? `Requested by ${person(req.requestedBy.id)}`
    : 'Requested automatically';
}

/** `user:U…` in a decision ("approved by user:U…", "rejected by user:U…") as a mention. */
function decidedBy(decision: string | undefined, verb: string): string | undefined {
  const id = new RegExp(`^${verb} by user:([UW][A-Z0-9]+)$`).exec(decision ?? '')?.[1];
  return id ? person(id) : undefined;
}

function approvers(req: RollbackRequest): string | undefined {
  if (req.approvedBy && req.approvedBy.length > 0) return req.approvedBy.map(person).join(', ');
  if (/^approved by /.test(req.decision ?? '')) return decidedBy(req.decision, 'approved') ?? '';
  return undefined;
}

/** What stopped a request before AWS was asked: the policy, people, the clock. */
function stoppedStep(req: RollbackRequest): Step | undefined {
  const at = req.endedAt ?? req.updatedAt;
  switch (req.state) {
    case 'blocked':
      return { mark: 'blocked', text: 'Blocked by policy', at };
    case 'rejected': {
      const by = decidedBy(req.decision, 'rejected');
      return { mark: 'rejected', text: by ? `Rejected by ${by}` : 'Rejected', at };
    }
    case 'expired':
      return { mark: 'expired', text: 'Approval expired', at };
    case 'cancelled': {
      const by = decidedBy(req.decision, 'cancelled');
      return { mark: 'cancelled', text: by ? `Cancelled by ${by}` : 'Cancelled', at };
    }
    default:
      return undefined;
  }
}

/** A pipeline execution id (a UUID) by its first 8 characters; a deployment id in full. */
function awsRef(req: RollbackRequest, id: string): string {
  const url =
    req.target.kind === 'stage'
      ? pipelineExecutionUrl(req.region, req.target.pipeline, id)
      : deploymentUrl(req.region, id);
  const label = /^[0-9a-f]{8}-/.test(id) ? id.slice(0, 8) : id;
  return `<${url}|${escapeMrkdwn(label)}>`;
}

function accepted(req: RollbackRequest): Step {
  const at = req.awsAcceptedAt;
  const t = req.target;
  if (t.kind === 'deployment-group' && req.stoppedDeploymentId) {
    const stopped = `AWS stopped deployment ${awsRef(req, req.stoppedDeploymentId)}`;
    const text = req.awsExecutionId
      ? `${stopped}; CodeDeploy rolls it back with ${awsRef(req, req.awsExecutionId)}`
      : `${stopped}; CodeDeploy rolls it back`;
    return { mark: 'done', text, ...(at ? { at } : {}) };
  }
  const what = t.kind === 'stage' ? 'execution' : 'deployment';
  const ref = awsRef(req, req.awsExecutionId ?? '');
  const text =
    req.awsOrigin === 'adopted'
      ? `AWS was already rolling back: ${what} ${ref}`
      : `AWS accepted: ${what} ${ref}`;
  return { mark: 'done', text, ...(at ? { at } : {}) };
}

function where(req: RollbackRequest): string {
  const t = req.target;
  return t.kind === 'stage'
    ? `stage ${escapeMrkdwn(t.stage)}`
    : `deployment group ${escapeMrkdwn(t.deploymentGroup)}`;
}

function progressText(req: RollbackRequest): string {
  const p = req.deployProgress;
  if (!p) return '';
  return `: ${p.done} of ${p.total} ${p.unit} done${p.failed > 0 ? `, ${p.failed} failed` : ''}`;
}

/** Alarm names, inert, at most 10. */
function names(xs: readonly string[]): string {
  const shown = xs.slice(0, 10).map((n) => inertCode(n, 80));
  return xs.length > 10 ? `${shown.join(', ')} and ${xs.length - 10} more` : shown.join(', ');
}

/** What to do after a failure the record names no next step for. */
function defaultNextStep(req: RollbackRequest): string {
  return req.awsExecutionId || req.stoppedDeploymentId
    ? 'Open the AWS link above to see what failed, then request the rollback again or fix forward.'
    : 'Nothing was changed in AWS. Request the rollback again once the cause is fixed.';
}

function failedStep(req: RollbackRequest): Step {
  const started = !!(req.awsExecutionId || req.stoppedDeploymentId);
  const what = req.summary ?? req.lastError ?? 'no reason given';
  return {
    mark: 'failed',
    text: started ? `Rollback failed in ${where(req)}` : 'AWS did not start the rollback',
    ...(req.endedAt ? { at: req.endedAt } : {}),
    more: [
      `*What happened:* ${inertCode(what, 1200)}`,
      `*What to do:* ${escapeMrkdwn(plainLine(req.nextStep ?? defaultNextStep(req), 1200))}`,
    ],
  };
}

/** The steps after AWS reported success: the alarm watch and its outcome. */
function afterSuccess(req: RollbackRequest): Step[] {
  const w = req.alarmWatch;
  if (!w) return pending(req, 'watch');
  if (w.alarms.length === 0) {
    return [{ mark: 'done', text: 'No alarms configured to watch', at: w.since }];
  }
  if (!w.outcome) {
    const notOk = w.notOk ?? [];
    const text =
      notOk.length > 0
        ? `Watching alarms: ${names(notOk)} not OK yet`
        : `Watching alarms: ${names(w.alarms)}`;
    return [
      { mark: 'now', text, at: w.since, since: true },
      { mark: 'next', text: 'Recovered' },
    ];
  }
  const watched: Step = { mark: 'done', text: `Alarms watched: ${names(w.alarms)}`, at: w.since };
  const at = w.at ?? w.since;
  // From the rollback's end as the watch saw it: the recovery report in the thread says the same.
  const took = Math.max(0, at - w.since);
  if (w.outcome === 'recovered') {
    const missing = w.missing?.length
      ? [`CloudWatch does not know ${names(w.missing)}; check the config.`]
      : [];
    // OK again after a read found them firing, or OK all along (the first read may come late).
    const seen = w.seenNotOk ?? [];
    const text =
      seen.length > 0
        ? `Recovered: ${names(seen)} OK again ${elapsed(took)} after the rollback`
        : 'Recovered: alarms OK';
    return [watched, { mark: 'done', text, at, more: missing }];
  }
  return [
    watched,
    {
      mark: 'warning',
      text: `Not recovered ${elapsed(took)} after the rollback: ${names(w.notOk ?? [])} not OK`,
      at,
      more: ['*What to do:* A person has to look; the bot does not roll back again.'],
    },
  ];
}

/** The steps from AWS accepting on, none reached yet. */
function pending(req: RollbackRequest, from: 'accepted' | 'deploying' | 'watch'): Step[] {
  const all: Step[] = [
    { mark: 'next', text: 'AWS accepted' },
    { mark: 'next', text: `Deploying in ${where(req)}` },
    { mark: 'next', text: 'Alarms watched' },
    { mark: 'next', text: 'Recovered' },
  ];
  return all.slice({ accepted: 0, deploying: 1, watch: 2 }[from]);
}

/**
 * Asking AWS, AWS accepting, deploying: the step under way, or the ones done. The deploying step
 * ends as the rollback did, rolled back or failed.
 */
function awsSteps(req: RollbackRequest): Step[] {
  const started = !!(req.awsExecutionId || req.stoppedDeploymentId);
  if (!started) {
    if (req.state === 'failed') return [failedStep(req)];
    if (req.state === 'running') {
      const asking: Step = {
        mark: 'now',
        text: 'Asking AWS to roll back',
        ...sinceAt(req.startedAt),
      };
      return [asking, ...pending(req, 'accepted')];
    }
    if (req.state === 'queued') {
      const queued: Step = { mark: 'waiting', text: 'Queued', ...sinceAt(req.queuedAt) };
      return [queued, ...pending(req, 'accepted')];
    }
    return pending(req, 'accepted');
  }
  const steps: Step[] = [accepted(req)];
  if (req.state === 'failed') return [...steps, failedStep(req)];
  if (req.state === 'succeeded') {
    const at = rolledBackAt(req);
    const done: Step = {
      mark: 'done',
      text: `Rolled back in ${where(req)}`,
      ...(at ? { at } : {}),
    };
    return [...steps, done, ...afterSuccess(req)];
  }
  if (!req.awsExecutionId) {
    const text = 'Waiting for CodeDeploy to start its rollback deployment';
    const waiting: Step = { mark: 'now', text, ...sinceAt(req.awsAcceptedAt) };
    return [...steps, waiting, ...pending(req, 'deploying')];
  }
  const since = sinceAt(req.deployingSince ?? req.awsAcceptedAt);
  const deploying: Step = {
    mark: 'now',
    text: `Deploying in ${where(req)}${progressText(req)}`,
    ...since,
  };
  return [...steps, deploying, ...pending(req, 'watch')];
}

/**
 * When the rollback ended: the first to see it, the follower or the alarm watch (which starts on
 * AWS's own event, often before the follower's next look), so the times never run backwards.
 */
function rolledBackAt(req: RollbackRequest): number | undefined {
  const seen = [req.endedAt, req.alarmWatch?.since].filter((x): x is number => x !== undefined);
  return seen.length > 0 ? Math.min(...seen) : undefined;
}

function sinceAt(at: number | undefined): Pick<Step, 'at' | 'since'> {
  return at === undefined ? {} : { at, since: true };
}

/** The step lines of the request's live status, oldest first. */
export function requestSteps(req: RollbackRequest): string[] {
  const steps: Step[] = [{ mark: 'done', text: requester(req), at: req.createdAt }];
  const approved = approvers(req);
  const stopped = stoppedStep(req);
  if (req.state === 'awaiting_approval') {
    steps.push({ mark: 'approval', text: 'Waiting for approval' }, ...pending(req, 'accepted'));
  } else {
    if (approved !== undefined) {
      const text = approved ? `Approved by ${approved}` : 'Approved';
      steps.push({ mark: 'done', text, ...(req.queuedAt ? { at: req.queuedAt } : {}) });
    }
    steps.push(...(stopped ? [stopped] : awsSteps(req)));
  }
  return steps.map((s, i) => line(s, i === 0, req.createdAt));
}
