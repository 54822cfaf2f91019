// The App Home tab, one person's view: the answer to their last click there, what waits for
// their approval (with the Approve and Reject of the approval card: same ids, same checks), the
// environments they can act on (the live release with its standing, and the /rollback status
// lines: locks, freezes, windows, alarms, rollbacks) and the last rollbacks (the /rollback
// history lines). Pure; outside text inert; within a Home view's 100 blocks.
import type { SourceRevision } from '../../domain/releases.js';
import type { RollbackRequest } from '../../domain/rollback-request.js';
import { ACTION } from './action-ids.js';
import type { KnownBlock } from './block-kit.js';
import { channelRef, person, slackDate } from './format.js';
import { type HistoryRow, historyLines } from './history-report.js';
import { escapeMrkdwn, inertCode, LIMITS, truncate } from './inert-text.js';
import { commitRef, mainRevision } from './release-line.js';
import { type EnvStatusView, envStatusLines } from './status-report.js';

/** A Home view has at most 100 blocks (Slack's limit for views). */
export const HOME_MAX_BLOCKS = 100;
/** At most this many waiting approvals are shown (two blocks each). */
export const HOME_MAX_WAITING = 10;
/** Longest commit message (first line) or reason shown. */
const MESSAGE_MAX = 60;

/** The live release of an environment's stage, or its CodeDeploy group's deployment. */
export interface HomeRelease {
  /** Named when the environment guards several stages. */
  stage?: string;
  /** A pipeline release: its source revisions (first is the main one) and execution id. */
  executionId?: string;
  revisions?: readonly SourceRevision[];
  /** A CodeDeploy group: the deployment and its revision, described. */
  deployment?: { id: string; revision: string };
  /** Why the release is bad here (empty: it is not). Absent: not known. */
  bad?: readonly string[];
}

export interface HomeEnvView {
  status: EnvStatusView;
  /** Absent: AWS could not be read. */
  releases?: readonly HomeRelease[];
  /** May the viewer ask for a rollback: yes, only from the environment's channel, or no. */
  mayRequest: 'yes' | 'from-channel' | 'no';
  mayApprove: boolean;
}

export type HomeWaiting =
  | {
      kind: 'request';
      request: RollbackRequest;
      required: number;
      expiresAt: number;
      revisions?: ReadonlyMap<string, SourceRevision[]>;
      thread?: HistoryRow['thread'];
    }
  | {
      kind: 'group';
      id: string;
      group: string;
      requesterId: string;
      reason?: string;
      members: ReadonlyArray<{ env: string; current: string; target: string }>;
      required: number;
      expiresAt: number;
    };

export interface HomeViewInput {
  user: string;
  /** When these facts were read. */
  at: number;
  /** The answer to the viewer's last click on this tab (mrkdwn, the bot's own words). */
  answer?: { text: string; at: number };
  waiting: readonly HomeWaiting[];
  envs: readonly HomeEnvView[];
  history: readonly HistoryRow[];
}

export interface HomeView {
  type: 'home';
  blocks: KnownBlock[];
}

const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) },
});
const heading = (text: string): KnownBlock => ({
  type: 'header',
  text: { type: 'plain_text', text },
});
const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: truncate(text, LIMITS.contextText) }],
});

const approvals = (n: number) => (n === 1 ? '1 approval' : `${n} approvals`);
const envCount = (n: number) => (n === 1 ? '1 environment' : `${n} environments`);

function waitingText(w: HomeWaiting): string {
  if (w.kind === 'request') {
    const row: HistoryRow = {
      request: w.request,
      ...(w.revisions ? { revisions: w.revisions } : {}),
      ...(w.thread ? { thread: w.thread } : {}),
    };
    const why = w.request.reason ? [`Why: ${inertCode(w.request.reason, MESSAGE_MAX)}`] : [];
    const needs = `Needs ${approvals(w.required)} · expires ${slackDate(w.expiresAt)}`;
    // The history's lines but its state (it is awaiting approval: that is why it is here).
    const [head = '', , ...change] = historyLines(row);
    return [head, ...change, ...why, needs].join('\n');
  }
  const members = w.members.map(
    (m) =>
      `• *${escapeMrkdwn(m.env)}*: ${inertCode(m.current, MESSAGE_MAX)} → ${inertCode(m.target, MESSAGE_MAX)}`,
  );
  return [
    `*Group ${escapeMrkdwn(w.group)}* · ${envCount(w.members.length)}, one after another`,
    ...members,
    `Asked by ${person(w.requesterId)}${w.reason ? ` · why: ${inertCode(w.reason, MESSAGE_MAX)}` : ''}`,
    `Needs ${approvals(w.required)} · expires ${slackDate(w.expiresAt)}`,
  ].join('\n');
}

function waitingButtons(w: HomeWaiting): KnownBlock {
  const id = w.kind === 'request' ? w.request.id : w.id;
  const [approve, reject] =
    w.kind === 'request'
      ? [ACTION.approve, ACTION.reject]
      : [ACTION.groupApprove, ACTION.groupReject];
  return {
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: approve,
        text: { type: 'plain_text', text: 'Approve' },
        style: 'primary',
        value: id,
      },
      {
        type: 'button',
        action_id: reject,
        text: { type: 'plain_text', text: 'Reject' },
        style: 'danger',
        value: id,
      },
    ],
  };
}

/** `Now: 8f14e45 "Fix checkout"`, and its standing in the stage. */
function releaseLines(r: HomeRelease): string[] {
  const where = r.stage ? ` in *${escapeMrkdwn(truncate(r.stage, 40))}*` : '';
  if (!r.deployment && !r.executionId) return [`:grey_question: Now${where}: not known`];
  let now: string;
  if (r.deployment) {
    now = `deployment ${inertCode(r.deployment.id, 40)} ${inertCode(r.deployment.revision, MESSAGE_MAX)}`;
  } else {
    const rev = mainRevision([...(r.revisions ?? [])]);
    const message = rev?.message ? ` ${inertCode(rev.message.split('\n')[0], MESSAGE_MAX)}` : '';
    now = rev
      ? `${commitRef(rev)}${message}`
      : `execution ${inertCode(r.executionId ?? 'unknown', 40)}`;
  }
  const lines = [`:package: Now${where}: ${now}`];
  if (r.bad && r.bad.length > 0) {
    lines.push(`      :red_circle: Bad here: ${inertCode(r.bad.join('; '), MESSAGE_MAX)}`);
  } else if (r.bad) lines.push('      :large_green_circle: Not known to be bad here');
  return lines;
}

/** What the viewer may do there; rolling back may be open to anyone acting from its channel. */
function mayLine(v: HomeEnvView): string {
  const here = [v.mayRequest === 'yes' ? 'roll back' : '', v.mayApprove ? 'approve' : ''];
  const may = here.filter(Boolean).join(' and ');
  const fromChannel = `roll back from ${channelRef(v.status.channel)}`;
  if (v.mayRequest !== 'from-channel') return `You may ${may} here.`;
  return may ? `You may ${may} here, and ${fromChannel}.` : `You may ${fromChannel}.`;
}

function envText(v: HomeEnvView): string {
  const [title = '', ...rest] = envStatusLines(v.status);
  const releases = v.releases
    ? v.releases.flatMap(releaseLines)
    : [':grey_question: Now: not known'];
  return [title, ...releases, ...rest, mayLine(v)].join('\n');
}

export function homeView(v: HomeViewInput): HomeView {
  const blocks: KnownBlock[] = [
    heading('Rollbacks'),
    context(`For ${person(v.user)} · updated ${slackDate(v.at)}`),
  ];
  if (v.answer) {
    blocks.push(section(v.answer.text), context(`Your click, ${slackDate(v.answer.at)}`));
  }
  blocks.push(heading('Waiting for my approval'));
  const waiting = v.waiting.slice(0, HOME_MAX_WAITING);
  if (waiting.length === 0) blocks.push(section('Nothing waits for your approval.'));
  for (const w of waiting) blocks.push(section(waitingText(w)), waitingButtons(w));
  if (v.waiting.length > waiting.length) {
    blocks.push(context(`${v.waiting.length - waiting.length} more wait in their threads.`));
  }
  // What is left of the 100 blocks is shared by the environments and the history.
  const history = v.history.slice(0, 5);
  // After the environments: a divider, two headings, the history (or a line), the footers.
  const room = HOME_MAX_BLOCKS - blocks.length - 5 - Math.max(1, history.length);
  const envs = v.envs.slice(0, Math.max(1, Math.floor(room / 2)));
  blocks.push({ type: 'divider' }, heading('My environments'));
  if (envs.length === 0) blocks.push(section('No environment lists you yet.'));
  envs.forEach((e, i) => {
    if (i > 0) blocks.push({ type: 'divider' });
    blocks.push(section(envText(e)));
  });
  if (v.envs.length > envs.length) {
    blocks.push(context(`${v.envs.length - envs.length} more: \`/rollback status\` lists all.`));
  }
  blocks.push({ type: 'divider' }, heading('Last rollbacks'));
  if (history.length === 0) blocks.push(section('No rollbacks recorded yet.'));
  for (const row of history) blocks.push(section(historyLines(row).join('\n')));
  blocks.push(context('`/rollback history <env>` in a channel shows more.'));
  return { type: 'home', blocks: blocks.slice(0, HOME_MAX_BLOCKS) };
}
