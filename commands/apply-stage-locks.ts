// A freeze or an unfreeze is answered with what AWS has. The guarded stages' transitions are
// brought in line in this process before the answer (the command was acked at once; the answer
// goes to response_url), so "Froze" means the block is in force in AWS. When AWS does not take it
// at once (throttled, unavailable, another pass busy on the environment), the answer says it is
// being applied, and one follow-up says when it is, or why not, once the retries are over.
import type { EnvironmentConfig } from '../src/config/config.js';
import type { EnvOutcome } from '../src/services/guardrails/deploy-block-reconciler.js';
import { escapeMrkdwn, inertCode } from '../src/slack/blocks/inert-text.js';
import { causeLine } from '../src/slack/blocks/stage-lock-messages.js';
import type { CommandContext } from './context.js';
import { text } from './context.js';

/** Waits between attempts after the first (about 30 s in all); the periodic pass goes on after. */
export const APPLY_RETRY_MS = [1_000, 2_000, 4_000, 8_000, 15_000];

export interface ApplyAnswers {
  /** AWS has it: the answer. */
  done(outcomes: EnvOutcome[]): string;
  /** Not yet: the first answer, naming why. */
  pending(problems: string[]): string;
  /** The follow-up once AWS has it. */
  late(outcomes: EnvOutcome[]): string;
  /** The follow-up when the retries ran out. */
  failed(problems: string[]): string;
}

/** What keeps AWS from matching; none when every environment was brought in line. */
function problemsOf(ctx: CommandContext, outcomes: EnvOutcome[], wantDisabled: boolean): string[] {
  return outcomes.flatMap((o) => {
    if (o.error) return [`${escapeMrkdwn(o.env)}: ${inertCode(o.error, 300)}`];
    if (!wantDisabled) return [];
    const open = o.stages.filter((s) => s.enabled).map((s) => s.stage);
    const env = ctx.config.environments[o.env];
    return open.length > 0 && env
      ? [
          `${escapeMrkdwn(o.env)}: the inbound transition of ${escapeMrkdwn(open.join(', '))} is still enabled`,
        ]
      : [];
  });
}

export async function applyAndAnswer(
  ctx: CommandContext,
  envs: string[],
  opts: { wantDisabled: boolean; why: string; retryMs?: readonly number[] },
  answers: ApplyAnswers,
): Promise<void> {
  const control = ctx.guardrails!.control;
  let outcomes = await control.apply(envs);
  let problems = problemsOf(ctx, outcomes, opts.wantDisabled);
  if (problems.length === 0) return ctx.reply(text(answers.done(outcomes)));
  await ctx.reply(text(answers.pending(problems)));
  // The queue's pass is the backstop should this process stop before the retries end.
  await control.reconcileNow(opts.why);
  for (const wait of opts.retryMs ?? APPLY_RETRY_MS) {
    await new Promise((r) => setTimeout(r, wait));
    outcomes = await control.apply(envs);
    problems = problemsOf(ctx, outcomes, opts.wantDisabled);
    if (problems.length === 0) return ctx.reply(text(answers.late(outcomes)));
  }
  await ctx.reply(text(answers.failed(problems)));
}

/** `web-app / Deploy`, or that a CodeDeploy group has no transition. */
export function guardedWhere(env: EnvironmentConfig): string {
  return env.target.kind === 'stage'
    ? `${escapeMrkdwn(env.target.pipeline)} / ${escapeMrkdwn(Object.keys(env.target.stages).join(', '))}`
    : `${escapeMrkdwn(env.name)} (a CodeDeploy group: no transition to disable)`;
}

/** Per environment: open, or every cause that still holds its stages. */
export function stillHolds(ctx: CommandContext, outcomes: EnvOutcome[]): string[] {
  const now = new Date(ctx.now());
  return outcomes.flatMap((o) => {
    const env = ctx.config.environments[o.env];
    if (!env) return [];
    const held = o.stages.filter((s) => s.causes.length > 0);
    if (held.length === 0) {
      return [
        `Forward deploys into ${guardedWhere(env)} are open: the inbound transition is enabled.`,
      ];
    }
    return [
      `Forward deploys into ${escapeMrkdwn(env.name)} stay blocked; still holding them:`,
      ...held.flatMap((s) =>
        s.causes.map(
          (c) =>
            `• ${held.length > 1 || o.stages.length > 1 ? `*${escapeMrkdwn(s.stage)}*: ` : ''}${causeLine(c, env, s.stage, now)}`,
        ),
      ),
    ];
  });
}
