// /rollback help, optionally with the error that brought the user here on top.
import type { KnownBlock, SlackMessage } from './block-kit.js';
import { sentence } from './format.js';
import { escapeMrkdwn, plainLine } from './inert-text.js';

const USAGE = [
  '`/rollback <env|group> [stage] [to <execution-id|sha>] [because <reason>]` — roll back (shows what changes first)',
  '`/rollback status [env]` — what runs where, freezes, locks, alarms',
  '`/rollback history [env] [n]` — recent rollbacks',
  '`/rollback diff <env> [stage] [to <execution-id|sha>]` — what a rollback would change',
  '`/rollback unlock <env> [stage]` — re-enable a stage locked after a rollback',
  '`/rollback freeze <env|group> <4h | until 2026-12-24T18:00> <reason>` / `unfreeze <env|group>`',
  '`/rollback mark-bad <env> <release> [because …]` — never offer this release as the last good one (`mark-good` undoes it)',
  '`/rollback cancel <request-id>` — cancel your request while it waits for approval',
];

/** What `/rollback <env|group>` accepts: the configured names. */
export interface HelpNames {
  environments: string[];
  groups?: Array<{ name: string; members: string[] }>;
}

function namesLine({ environments, groups = [] }: HelpNames): string {
  const envs = `Environments: ${environments.join(', ') || 'none configured'}`;
  if (groups.length === 0) return envs;
  const named = groups.map((g) => `${g.name} (${g.members.join(', ')})`).join(', ');
  return `${envs} · Groups: ${named}`;
}

/** A command that could not be read (and is not worth the whole help): why, and where to look. */
export function commandErrorMessage(error: string): SlackMessage {
  // The error quotes what was typed: inert, like every outside text.
  const line = `:warning: ${sentence(escapeMrkdwn(plainLine(error, 500)))} \`/rollback help\` shows every command.`;
  return { text: line, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: line } }] };
}

export function helpMessage(names: HelpNames, error?: string): SlackMessage {
  const blocks: KnownBlock[] = [];
  if (error) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `:warning: ${escapeMrkdwn(plainLine(error, 500))}` },
    });
  }
  blocks.push(
    {
      type: 'section',
      text: { type: 'mrkdwn', text: `*How to use /rollback*\n${USAGE.join('\n')}` },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'plain_text',
          text: plainLine(namesLine(names), 2000),
        },
      ],
    },
  );
  return {
    text: error ? `${plainLine(error, 500)} — see /rollback help` : 'How to use /rollback',
    blocks,
  };
}
