// /rollback status [env]: per environment, what holds forward deploys and what rollbacks do.
import type { EnvironmentConfig } from '../src/config/config.js';
import { type EnvStatusView, statusReport } from '../src/slack/blocks/status-report.js';
import type { CommandContext } from './context.js';

function whereOf(env: EnvironmentConfig): string {
  return env.target.kind === 'stage'
    ? `${env.target.pipeline} / ${Object.keys(env.target.stages).join(', ')}`
    : `CodeDeploy ${env.target.application} / ${env.target.deploymentGroup}`;
}

async function envView(ctx: CommandContext, env: EnvironmentConfig): Promise<EnvStatusView> {
  const { active, recent } = await ctx.service.status(env.name);
  const last = recent.find((r) => !active.includes(r));
  const guard = ctx.guardrails ? await ctx.guardrails.control.status(env, ctx.now()) : undefined;
  return {
    name: env.name,
    channel: env.channel,
    where: whereOf(env),
    autoRollback: String(env.autoRollback),
    hasWindows: env.windows.allow.length > 0,
    blockOnAlarms: env.blockOnAlarms,
    codeDeploy: env.target.kind !== 'stage',
    active,
    ...(guard ? { guard } : {}),
    ...(last ? { last } : {}),
  };
}

export async function runStatus(ctx: CommandContext, environment?: string): Promise<void> {
  const names = environment ? [environment] : Object.keys(ctx.config.environments);
  const views = await Promise.all(names.map((n) => envView(ctx, ctx.config.environments[n]!)));
  await ctx.reply(statusReport(views));
}
