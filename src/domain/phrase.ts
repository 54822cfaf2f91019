// A sentence the domain says to people that names times, people or outside text: kept as parts,
// so each place that shows it writes them its own way (Slack: `<!date^…>` in the reader's zone,
// `<@U…>`, inert quotes; the audit and logs: plain UTC text). A plain string is a phrase of one
// quote: records stored before phrases existed kept whole sentences with outside text in them,
// so they read back inert. Build new phrases as parts.

export type PhrasePart =
  | { text: string }
  /** An instant, epoch milliseconds. */
  | { time: number }
  /** A Slack user id (U…/W…) or user-group id (S…), as configured or as Slack gave it. */
  | { who: string }
  /** Text from outside (a freeze reason, an alarm name): shown inert. */
  | { quote: string };

export type Phrase = string | readonly PhrasePart[];

/** The phrase's parts, a plain string read as one quote. */
export function phraseParts(p: Phrase): readonly PhrasePart[] {
  return typeof p === 'string' ? [{ quote: p }] : p;
}

/** Phrases in a row, with `separator` text between them. */
export function joinPhrases(phrases: readonly Phrase[], separator: string): PhrasePart[] {
  return phrases.flatMap((p, i) => [...(i > 0 ? [{ text: separator }] : []), ...phraseParts(p)]);
}

/** An instant as plain text in UTC: "2026-12-01 08:27 UTC". */
export function plainUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The phrase as plain text, times in UTC: for the audit, the request record and logs. */
export function plainPhrase(p: Phrase): string {
  return phraseParts(p)
    .map((part) => {
      if ('text' in part) return part.text;
      if ('time' in part) return plainUtc(part.time);
      if ('who' in part) return part.who;
      return part.quote;
    })
    .join('');
}
