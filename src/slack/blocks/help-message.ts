// /rollback help, optionally with the error that brought the user here on top.
import type { KnownBlock, SlackMessage } from './block-kit.js';
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

export function helpMessage(environments: string[], error?: string): SlackMessage {
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
          text: plainLine(`Environments: ${environments.join(', ') || 'none configured'}`, 2000),
        },
      ],
    },
  );
  return {
    text: error ? `${plainLine(error, 500)} — see /rollback help` : 'How to use /rollback',
    blocks,
  };
}
