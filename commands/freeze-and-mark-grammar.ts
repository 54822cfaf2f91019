// The grammar of the two subcommands with the most words: `freeze <env|group> <duration |
// until <date-time>> <reason…>`, and `mark-bad|mark-good <env> [stage] <release> [because …]`.
import ms from 'ms';
import {
  GrammarError,
  matchStage,
  REF,
  resolveEnvironment,
  resolveTarget,
} from './grammar-words.js';
import type { Command, CommandCatalog } from './parsed-command.js';

export function parseFreeze(rest: string[], cat: CommandCatalog): Command {
  const target = resolveTarget(rest[0], cat);
  const spec = rest[1];
  if (!spec)
    throw new GrammarError('say how long: freeze <env> 4h <reason>, or until 2026-12-24T18:00');
  let until: { durationMs: number } | { at: string };
  let reasonStart = 2;
  if (spec.toLowerCase() === 'until') {
    const at = rest[2];
    if (!at || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/.test(at)) {
      throw new GrammarError('until needs a date or date-time, e.g. until 2026-12-24T18:00');
    }
    until = { at };
    reasonStart = 3;
  } else {
    const d = ms(spec as ms.StringValue);
    if (typeof d !== 'number' || !(d > 0)) {
      throw new GrammarError(`'${spec.slice(0, 40)}' is not a duration: use e.g. 30m, 4h, 2d`);
    }
    until = { durationMs: d };
  }
  const words = rest.slice(reasonStart);
  if (words[0]?.toLowerCase() === 'because') words.shift();
  const reason = words.join(' ');
  if (!reason)
    throw new GrammarError('a freeze needs a reason people will read, e.g. Holiday freeze');
  return { kind: 'freeze', target, until, reason };
}

/** `mark-bad <env> [stage] <release> [because …]`, `mark-good <env> [stage] <release>`. */
export function parseMark(standing: 'bad' | 'good', rest: string[], cat: CommandCatalog): Command {
  const verb = `mark-${standing}`;
  const environment = resolveEnvironment(rest[0], cat, `to ${verb} a release in`);
  let i = 1;
  const maybeStage = rest[i] ? matchStage(rest[i]!, environment, cat) : undefined;
  if (maybeStage) i++;
  const release = rest[i];
  if (!release || release.toLowerCase() === 'because') {
    throw new GrammarError(
      `say which release: ${verb} ${environment} <commit or execution id, as the bot shows it>`,
    );
  }
  if (!REF.test(release)) {
    throw new GrammarError(
      `'${release.slice(0, 80)}' is not an execution id or commit sha (4–64 letters, digits or -)`,
    );
  }
  i++;
  let reason: string | undefined;
  if (rest[i]?.toLowerCase() === 'because') {
    reason = rest.slice(i + 1).join(' ');
    if (!reason)
      throw new GrammarError("'because' needs a reason, e.g. because it breaks checkout");
    i = rest.length;
  }
  if (i < rest.length) {
    throw new GrammarError(
      `did not understand '${rest[i]!.slice(0, 80)}': ${verb} <env> [stage] <release>${standing === 'bad' ? ' [because <reason>]' : ''}`,
    );
  }
  return {
    kind: 'mark',
    standing,
    environment,
    ...(maybeStage ? { stage: maybeStage } : {}),
    release,
    ...(reason ? { reason } : {}),
  };
}
