// What holds a guarded stage, as people read it: the lines of /rollback status, the channel
// announcements of a change, a release waiting at a held stage (with Unlock), and the answer to an
// unlock. Pure. Outside text (freeze and blackout reasons, someone else's disable reason, commit
// messages) is inert.
import type { EnvironmentConfig } from '../../config/config.js';
import { type SourceRevision, shortRevision } from '../../domain/releases.js';
import { causeNames, type LockCause, type UnlockOutcome } from '../../domain/stage-locks/index.js';
import { ACTION } from './action-ids.js';
import type { KnownBlock, SlackMessage } from './block-kit.js';
import { locker, person, slackDate } from './format.js';
import { escapeMrkdwn, inertCode, LIMITS, truncate } from './inert-text.js';
import { releaseLine } from './release-line.js';

/** One cause as a line of mrkdwn. */
export function causeLine(
  cause: LockCause,
  env: EnvironmentConfig,
  stage: string,
  _now: Date,
): string {
  switch (cause.kind) {
    case 'post-rollback': {
      const l = cause.lock;
      const what = l.requestId ? `rollback \`${escapeMrkdwn(l.requestId)}\`` : 'a rollback';
      const who = l.by ? ` requested by ${locker(l.by)}` : '';
      return `:lock: post-rollback lock after ${what}${who}; \`/rollback unlock ${escapeMrkdwn(env.name)} ${escapeMrkdwn(stage)}\` lifts it`;
    }
    case 'freeze':
      return `:snowflake: freeze until ${slackDate(cause.until.getTime())} by ${person(cause.freeze.by)}: ${inertCode(cause.freeze.reason, 200)}`;
    case 'blackout':
      return `:no_entry: blackout until ${slackDate(cause.until.getTime())}: ${inertCode(cause.blackout.reason, 200)}`;
    case 'window-closed':
      return `:clock3: outside the deploy window${cause.until ? `; it opens ${slackDate(cause.until.getTime())}` : ''}`;
    case 'alarm':
      return `:red_circle: blocking alarm ${inertCode(cause.alarm, 100)} is in ALARM${cause.suppressedBy ? ` (CloudWatch suppresses its actions: ${cause.suppressedBy}; \`suppressedAlarms: block\` keeps it blocking)` : ''}`;
    case 'foreign':
      return `:warning: disabled by someone else in AWS${cause.disabledReason ? `: ${inertCode(cause.disabledReason, 300)}` : ''}; the bot leaves it alone`;
  }
}

function bullets(
  env: EnvironmentConfig,
  stages: ReadonlyArray<{ stage: string; causes: readonly LockCause[] }>,
  now: Date,
): string {
  const many = stages.length > 1;
  return stages
    .flatMap((s) =>
      s.causes.map(
        (c) => `• ${many ? `*${escapeMrkdwn(s.stage)}*: ` : ''}${causeLine(c, env, s.stage, now)}`,
      ),
    )
    .join('\n');
}

const whereOf = (pipeline: string, stages: readonly string[]) =>
  `${pipeline} / ${stages.join(', ')}`;

export interface LockChange {
  env: EnvironmentConfig;
  pipeline: string;
  stages: ReadonlyArray<{ stage: string; causes: readonly LockCause[] }>;
  now: Date;
}

/** A change of what holds an environment's guarded stages: blocked (naming every cause), or open. */
export function lockChangeMessage({ env, pipeline, stages, now }: LockChange): SlackMessage {
  const held = stages.filter((s) => s.causes.length > 0);
  const where = whereOf(
    pipeline,
    stages.map((s) => s.stage),
  );
  if (held.length === 0) {
    const text = `:white_check_mark: Forward deploys into ${env.name} are open again: the inbound transition of ${where} is enabled.`;
    return {
      text,
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(text) } }],
    };
  }
  const names = causeNames(held.flatMap((s) => s.causes));
  const heldWhere = whereOf(
    pipeline,
    held.map((s) => s.stage),
  );
  const text = `:octagonal_sign: Forward deploys into ${env.name} are blocked at ${heldWhere}: ${names.join(', ')}.`;
  // What a freeze policy does to rollbacks matters only while a freeze (or blackout) holds.
  const frozen = held.some((s) =>
    s.causes.some((c) => c.kind === 'freeze' || c.kind === 'blackout'),
  );
  const rollbacks = frozen
    ? {
        allow: 'Rollbacks are still allowed.',
        'require-approval': 'Rollbacks need approval while the freeze lasts.',
        deny: 'Rollbacks are denied while the freeze lasts.',
      }[env.windows.rollbacksDuringFreeze]
    : 'Rollbacks are still possible: only forward deploys wait.';
  const body = `:octagonal_sign: Forward deploys into ${escapeMrkdwn(env.name)} are blocked: the inbound transition of ${escapeMrkdwn(heldWhere)} stays disabled while any of these holds:\n${bullets(env, held, now)}`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(body, LIMITS.sectionText) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: rollbacks }] },
    ],
  };
}

export interface WaitingMessageInput {
  env: EnvironmentConfig;
  pipeline: string;
  stage: string;
  noticeId: string;
  sourceRevisions: SourceRevision[];
  causes: readonly LockCause[];
  now: Date;
}

const shortOf = (revs: SourceRevision[]) =>
  revs[0] ? shortRevision(revs[0].revisionId).replace(/[^A-Za-z0-9._-]/g, '') : '';

/** A release stopped before a held stage: which, what holds it, and Unlock when a lock does. */
export function waitingReleaseMessage(w: WaitingMessageInput): SlackMessage {
  const where = `${w.pipeline} / ${w.stage}`;
  const sha = shortOf(w.sourceRevisions);
  const names = causeNames(w.causes);
  const text = `:double_vertical_bar: Release ${sha || 'without a recorded commit'} is waiting at ${where} (${w.env.name}): held by ${names.join(', ')}.`;
  const locked = w.causes.some((c) => c.kind === 'post-rollback');
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncate(
          `:double_vertical_bar: A release is waiting at *${escapeMrkdwn(where)}* (${escapeMrkdwn(w.env.name)}): ${releaseLine(w.sourceRevisions)}\nIt goes on once nothing holds the stage:\n${bullets(w.env, [{ stage: w.stage, causes: w.causes }], w.now)}`,
          LIMITS.sectionText,
        ),
      },
    },
  ];
  if (locked) {
    blocks.push(
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: ACTION.unlockStage,
            text: { type: 'plain_text', text: 'Unlock' },
            value: w.noticeId,
            style: 'primary',
          },
        ],
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'Unlock lifts the post-rollback lock (for those who may unlock this environment). Any other cause above still holds until it ends.',
          },
        ],
      },
    );
  }
  return { text, blocks };
}

/** The waiting release's message once the release went on, or another took its place. */
export function waitingSettledMessage(input: {
  envName: string;
  pipeline: string;
  stage: string;
  revision?: string;
  how: 'proceeded' | 'replaced';
}): SlackMessage {
  const where = `${input.pipeline} / ${input.stage}`;
  const sha = input.revision ? `\`${escapeMrkdwn(input.revision)}\` ` : '';
  const text = {
    proceeded: `:arrow_forward: The release ${sha}that waited at ${escapeMrkdwn(where)} (${escapeMrkdwn(input.envName)}) went on: nothing holds the stage any more.`,
    replaced: `:fast_forward: The release ${sha}that waited at ${escapeMrkdwn(where)} (${escapeMrkdwn(input.envName)}) is no longer waiting there.`,
  }[input.how];
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/** The answer to /rollback unlock or the Unlock button: what was lifted and what still holds. */
export function unlockOutcomeText(o: UnlockOutcome, env: EnvironmentConfig, now: Date): string {
  const where = `${escapeMrkdwn(o.env)} / ${escapeMrkdwn(o.stage)}`;
  const first = o.lifted
    ? `:unlock: Lifted the post-rollback lock on ${where}.`
    : `${where} had no post-rollback lock.`;
  if (o.error) {
    return `${first} :warning: AWS did not take the change yet: ${inertCode(o.error, 300)}. The bot tries again on its next pass; \`/rollback status ${escapeMrkdwn(o.env)}\` shows the transition.`;
  }
  if (o.causes.length === 0) {
    return `${first} The inbound transition of ${escapeMrkdwn(o.pipeline)} / ${escapeMrkdwn(o.stage)} is enabled: the next release may roll forward.`;
  }
  return `${first} The inbound transition stays disabled; still holding it:\n${bullets(env, [{ stage: o.stage, causes: o.causes }], now)}`;
}

/** The waiting release's message after someone clicked Unlock: no button once no lock holds. */
export function waitingAfterUnlockMessage(input: {
  env: EnvironmentConfig;
  pipeline: string;
  stage: string;
  revision?: string;
  by: string;
  outcome: UnlockOutcome;
  now: Date;
}): SlackMessage {
  const { outcome: o } = input;
  const where = `${escapeMrkdwn(input.pipeline)} / ${escapeMrkdwn(input.stage)} (${escapeMrkdwn(input.env.name)})`;
  const sha = input.revision ? `\`${escapeMrkdwn(input.revision)}\` ` : '';
  const first = o.lifted
    ? `:unlock: ${person(input.by)} lifted the post-rollback lock at ${where}.`
    : `:unlock: The post-rollback lock at ${where} was lifted already.`;
  const text =
    o.causes.length === 0
      ? `${first} The release ${sha}goes on.`
      : `${first} The release ${sha}still waits while these hold:\n${bullets(input.env, [{ stage: input.stage, causes: o.causes }], input.now)}`;
  return {
    text: `${first} ${o.causes.length === 0 ? 'The release goes on.' : `Still held by ${causeNames(o.causes).join(', ')}.`}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } },
    ],
  };
}
