// Punctuation a person reads at 3 a.m.: no text the builders make ends a sentence twice ("?.",
// "..", ".:") or puts a space before punctuation. Outside sentences that already end in one
// (an error with "did you mean …?", a reason with a full stop) are where it goes wrong, so the
// inputs below end that way on purpose.
import { describe, expect, it } from 'vitest';
import {
  approveAnswer,
  mayRejectAnswer,
  rejectAnswer,
} from '../../../../src/slack/blocks/approval-answers.js';
import { sentence } from '../../../../src/slack/blocks/format.js';
import {
  groupApproveAnswer,
  groupRejectAnswer,
  groupStartAnswer,
} from '../../../../src/slack/blocks/group-answers.js';
import { commandErrorMessage, helpMessage } from '../../../../src/slack/blocks/help-message.js';
import { homeView } from '../../../../src/slack/blocks/home-view.js';
import { permissionRefusal } from '../../../../src/slack/blocks/permission-refusal.js';
import {
  autoRollbackAnnouncement,
  autoRollbackNotStarted,
  escalation,
  feedMessage,
  recoveryReport,
} from '../../../../src/slack/blocks/reaction-messages.js';
import { requestStatusMessage } from '../../../../src/slack/blocks/request-status.js';

/** Every piece of text in a payload: strings under `text` keys, and bare strings. */
function texts(payload: unknown): string[] {
  if (typeof payload === 'string') return [payload];
  if (Array.isArray(payload)) return payload.flatMap(texts);
  if (payload && typeof payload === 'object') return Object.values(payload).flatMap(texts);
  return [];
}

const PUNCT = '.?!:;,';
/** What is wrong with a text's punctuation, or nothing. An ellipsis ("...") is not doubled. */
function punctuationProblems(text: string): string[] {
  const out: string[] = [];
  const plain = text.replace(/\.\.\./g, '…');
  for (let i = 1; i < plain.length; i++) {
    const c = plain[i]!;
    const prev = plain[i - 1]!;
    if (!PUNCT.includes(c)) continue;
    const next = plain[i + 1];
    const ends = next === undefined || /\s/.test(next);
    if (PUNCT.includes(prev) && ends) out.push(`doubled "${prev}${c}" in: ${text}`);
    if (prev === ' ' && ends) out.push(`space before "${c}" in: ${text}`);
  }
  return out;
}

const SUGGESTION = "no environment 'prdo-us': did you mean prod-us?";
const refusal = { kind: 'refused', code: 'self-approval', message: 'You asked for it.' } as const;
const stale = { kind: 'stale', code: 'expired', message: 'This request expired.' } as const;
const approvers = { ...refusal, code: 'not-an-approver', approvers: ['S0APPROVERS'] } as const;
const evil = { actionName: 'Source', revisionId: 'abcdef1234567890', message: 'Fix it.' };

/** A live status whose outside sentences end in full stops (AWS's summary, the next step). */
const statusOf = (over: object) =>
  requestStatusMessage(
    {
      id: 'R1',
      env: 'prod',
      region: 'us-east-1',
      state: 'failed',
      target: {
        kind: 'stage',
        pipeline: 'w',
        stage: 'Deploy',
        currentExecutionId: 'e-1',
        targetExecutionId: 'e-0',
        lockAfterRollback: true,
      },
      requestedBy: { kind: 'auto', reason: 'Deploy failed in e-1.' },
      reason: 'Errors after the deploy.',
      source: 'auto-failure',
      createdAt: 1_800_000_000_000,
      updatedAt: 1_800_000_060_000,
      startedAt: 1_800_000_001_000,
      endedAt: 1_800_000_060_000,
      summary: 'AWS said no.',
      nextStep: 'Ask the platform team.',
      lastError: 'AWS_ACCESS_DENIED',
      retries: 1,
      ...over,
    },
    new Date(1_800_000_060_000),
  );

const payloads: Array<[string, unknown]> = [
  ['command error with a suggestion', commandErrorMessage(SUGGESTION)],
  ['command error without one', commandErrorMessage("no environment 'x'")],
  ['help with a suggestion', helpMessage({ environments: ['prod-us'] }, SUGGESTION)],
  [
    'help with groups',
    helpMessage({ environments: ['a'], groups: [{ name: 'g', members: ['a'] }] }),
  ],
  ...(['duplicate', 'recorded', 'already-deciding', 'approved'] as const).map(
    (kind): [string, unknown] => [
      `approve ${kind}`,
      approveAnswer({ kind, count: 1, required: 2, missing: 1, name: 'prod-us' }),
    ],
  ),
  ['approve refused', approveAnswer(refusal)],
  ['approve refused, approvers', approveAnswer(approvers)],
  ['approve stale', approveAnswer(stale)],
  ['reject refused', rejectAnswer({ ...refusal, code: 'requester-rejects' })],
  ['reject decided', rejectAnswer({ kind: 'already-decided' })],
  ['may reject', mayRejectAnswer(approvers)],
  ['group approve', groupApproveAnswer(approvers)],
  ['group reject', groupRejectAnswer(stale)],
  [
    'group blocked',
    groupStartAnswer({ kind: 'blocked', group: 'prod', reason: 'Frozen: the sale.' } as never),
  ],
  [
    'refusal, channel and people',
    permissionRefusal({
      act: 'request',
      target: 'staging',
      who: [
        { kind: 'channel', channel: 'C0STG' },
        { kind: 'principal', role: 'admin', id: 'U0ADMIN' },
      ],
    } as never),
  ],
  [
    'announcement',
    autoRollbackAnnouncement({
      env: 'prod',
      where: 'web-app / Deploy',
      trigger: 'failure',
      why: 'Deploy failed in e-1.',
      requestId: 'R1',
      target: { id: 'e-0', sourceRevisions: [evil] },
      grace: { graceMs: 30_000, runAfter: 1_800_000_000_000 },
    }),
  ],
  ['not started', autoRollbackNotStarted('prod', 'it is frozen.')],
  [
    'escalation',
    escalation({
      env: 'prod',
      where: 'web-app / Deploy',
      headline: 'Rollback failed',
      detail: 'AWS said no.',
      mention: ['S0ONCALL'],
    }),
  ],
  [
    'feed',
    feedMessage({
      env: 'prod',
      where: 'w',
      releaseId: 'e-1',
      sourceRevisions: [evil],
      step: 'rolled-back',
    }),
  ],
  [
    'recovery',
    recoveryReport({ env: 'prod', outcome: 'not-recovered', afterMs: 1000, alarms: ['a'] }),
  ],
  ['live status, refused', statusOf({})],
  ['live status, failed in AWS', statusOf({ awsExecutionId: 'e-2', nextStep: undefined })],
  [
    'live status, not recovered',
    statusOf({
      state: 'succeeded',
      awsExecutionId: 'e-2',
      lockedTransition: true,
      alarmWatch: {
        since: 1_800_000_061_000,
        alarms: ['a.'],
        notOk: ['a.'],
        outcome: 'not-recovered',
        at: 1_800_000_961_000,
      },
    }),
  ],
  ['live status, waiting', statusOf({ state: 'awaiting_approval', lastError: 'Frozen.' })],
  [
    'home tab, nothing yet, with the answer to a click',
    homeView({
      user: 'U0ONCALL',
      at: Date.UTC(2026, 11, 1),
      answer: { text: 'Approved (1 of 1).', at: Date.UTC(2026, 11, 1) },
      waiting: [],
      envs: [],
      history: [],
    }),
  ],
];

describe('punctuation of the messages', () => {
  it('finds what it is for', () => {
    expect(punctuationProblems('did you mean prod?.')).toHaveLength(1);
    expect(punctuationProblems('Done.. Next')).toHaveLength(1);
    expect(punctuationProblems('Frozen.: the sale')).toHaveLength(1);
    expect(punctuationProblems('Approvers: a , b')).toHaveLength(1);
    expect(punctuationProblems(':warning: Wait... <https://x.test/a|a>: 08:27, ok.')).toEqual([]);
  });

  it.each(payloads)('%s', (_name, payload) => {
    expect(texts(payload).flatMap(punctuationProblems)).toEqual([]);
  });

  it('ends a sentence once', () => {
    expect(sentence('did you mean prod?')).toBe('did you mean prod?');
    expect(sentence('Frozen ')).toBe('Frozen.');
    expect(sentence('Done.')).toBe('Done.');
  });
});
