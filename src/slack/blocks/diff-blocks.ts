// What a rollback changes, shared by the confirmation, the picker and /rollback diff.
import type { LibraryChanges } from '../../domain/library-diff.js';
import type { ReleaseDiff, ValueChange } from '../../domain/release-diff.js';
import { shortRevision } from '../../domain/releases.js';
import type { KnownBlock } from './block-kit.js';
import { escapeMrkdwn, inertCode, safeLink, truncate } from './inert-text.js';
import { commitRef } from './release-line.js';

const MAX_VALUE_ROWS = 10;

function valueRows(title: string, changes: ValueChange[]): string | undefined {
  if (changes.length === 0) return undefined;
  const rows = changes.slice(0, MAX_VALUE_ROWS).map((c) => {
    const from = c.current === undefined ? '(none)' : inertCode(c.current, 80);
    const to = c.target === undefined ? '(none)' : inertCode(c.target, 80);
    return `• ${inertCode(c.name, 80)}: ${from} → ${to}`;
  });
  if (changes.length > MAX_VALUE_ROWS) rows.push(`…and ${changes.length - MAX_VALUE_ROWS} more`);
  return `*${title}*\n${rows.join('\n')}`;
}

function librariesText(l: LibraryChanges | undefined): string | undefined {
  if (!l) return undefined;
  const rows = [
    ...l.changed.map(
      (c) => `• ${inertCode(c.name, 80)} ${inertCode(c.from, 40)} → ${inertCode(c.to, 40)}`,
    ),
    ...l.added.map((a) => `• ${inertCode(a.name, 80)} ${inertCode(a.version, 40)} (comes back)`),
    ...l.removed.map((r) => `• ${inertCode(r.name, 80)} ${inertCode(r.version, 40)} (goes away)`),
  ];
  const shown = rows.slice(0, 15);
  if (rows.length > shown.length) shown.push(`…and ${rows.length - shown.length} more`);
  return `*Libraries*\n${shown.join('\n')}`;
}

/** Sections for a diff: current (being rolled back) → target (restored). */
export function diffBlocks(diff: ReleaseDiff): KnownBlock[] {
  if (diff.same) {
    return [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: ':information_source: The target has the same source revisions, artifacts and variables as what runs now.',
        },
      },
    ];
  }
  const blocks: KnownBlock[] = [];
  for (const s of diff.sources) {
    const from = commitRef(s.current);
    const to = commitRef(s.target);
    const compare = safeLink(s.compareUrl, 'commits being rolled back');
    const msg = (r: typeof s.current) =>
      r?.message
        ? `${shortRevision(r.revisionId).slice(0, 7)}: ${inertCode(r.message.split('\n')[0], 150)}`
        : undefined;
    const lines = [
      `*${escapeMrkdwn(s.actionName)}*: ${from} → ${to}${compare ? ` · ${compare}` : ''}`,
    ];
    const now = msg(s.current);
    const then = msg(s.target);
    if (now) lines.push(`now: ${now}`);
    if (then) lines.push(`after rollback: ${then}`);
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) },
    });
  }
  for (const text of [
    librariesText(diff.libraries),
    valueRows('Artifacts', diff.artifacts),
    valueRows('Variables', diff.variables),
  ]) {
    if (text)
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text: truncate(text, 3000) } });
  }
  return blocks;
}
