// Outside text (commit messages, reasons, alarm descriptions) must be inert in Slack: no pings,
// no hidden links, no formatting tricks, and cut to Block Kit's limits.

/** Block Kit limits used by the builders (checked against Slack's reference). */
export const LIMITS = {
  sectionText: 3000,
  fieldText: 2000,
  contextText: 2000,
  headerText: 150,
  buttonText: 75,
  optionText: 75,
  optionDescription: 75,
  modalTitle: 24,
  messageFallback: 3000,
  blocksPerMessage: 50,
  blocksPerModal: 100,
  optionsPerSelect: 100,
} as const;

/** Cuts to `max` characters (by code point), marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control: & < >. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function isControl(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  return c < 0x20 || c === 0x7f;
}

/**
 * One line of outside text for plain_text: control characters and newlines flattened, then cut.
 * plain_text never parses mentions, links or formatting, so this is inert by construction.
 */
export function plainLine(text: string | undefined, max: number, fallback = '—'): string {
  const flat = Array.from(text ?? '', (ch) => (isControl(ch) ? ' ' : ch))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
  return truncate(flat || fallback, max);
}

/**
 * Outside text inside mrkdwn, where we need mrkdwn around it (e.g. a field with a label): shown as
 * inline code so *_~ do nothing, with & < > escaped so no mention or link can form, and backticks
 * replaced so it cannot close the code span.
 */
export function inertCode(text: string | undefined, max: number): string {
  const flat = plainLine(text, max - 2).replace(/`/g, "'");
  return `\`${escapeMrkdwn(flat)}\``;
}

/** A URL we show as a link only when it is plain http(s); the label is ours, never outside text. */
export function safeLink(url: string | undefined, label: string): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
    if (/[<>|\s]/.test(url)) return undefined;
    return `<${url}|${escapeMrkdwn(label)}>`;
  } catch {
    return undefined;
  }
}
