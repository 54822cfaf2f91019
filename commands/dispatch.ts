// Maps a parsed /rollback command to its handler module.

import { commandErrorMessage } from '../src/slack/blocks/help-message.js';
import { runCancel } from './cancel.js';
import type { CommandContext } from './context.js';
import { runDiff } from './diff.js';
import { runFreeze, runUnfreeze } from './freeze.js';
import { type CommandCatalog, parseCommand } from './grammar.js';
import { runHelp } from './help.js';
import { runHistory } from './history.js';
import { runMark } from './mark.js';
import { runRollback } from './rollback.js';
import { runStatus } from './status.js';
import { runUnlock } from './unlock.js';

export function catalogOf(config: CommandContext['config']): CommandCatalog {
  return {
    environments: Object.fromEntries(
      Object.values(config.environments).map((e) => [
        e.name,
        e.target.kind === 'stage' ? Object.keys(e.target.stages) : [],
      ]),
    ),
    groups: Object.keys(config.groups),
  };
}

export async function dispatchCommand(ctx: CommandContext, input: string): Promise<void> {
  const parsed = parseCommand(input, catalogOf(ctx.config));
  if (!parsed.ok) {
    if (parsed.showHelp) return runHelp(ctx, parsed.error);
    return ctx.reply(commandErrorMessage(parsed.error));
  }
  const c = parsed.command;
  switch (c.kind) {
    case 'help':
      return runHelp(ctx);
    case 'status':
      return runStatus(ctx, c.environment);
    case 'history':
      return runHistory(ctx, c.environment, c.limit);
    case 'diff':
      return runDiff(ctx, c.environment, c.stage, c.to);
    case 'unlock':
      return runUnlock(ctx, c.environment, c.stage);
    case 'cancel':
      return runCancel(ctx, c.requestId);
    case 'freeze':
      return runFreeze(ctx, c.target, c.until, c.reason);
    case 'unfreeze':
      return runUnfreeze(ctx, c.target);
    case 'mark':
      return runMark(ctx, c);
    case 'rollback':
      return runRollback(ctx, c);
  }
}
