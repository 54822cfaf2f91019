// The /rollback grammar. Pure: text + the configured names in, a command or a helpful error out.
//   /rollback <env|group> [stage] [to <execution-id|commit-sha>] [because <reason…>]
//   /rollback status [env] | history [env] [n] | diff <env> [stage] [to X] | unlock <env> [stage]
//   /rollback freeze <env|group> <duration | until <date-time>> <reason…> | unfreeze <env|group>
//   /rollback mark-bad <env> [stage] <release> [because <reason…>] | mark-good <env> [stage] <release>
//   /rollback cancel <request-id> | help
import ms from 'ms';
import { didYouMean } from '../src/runtime/suggest.js';

export interface CommandCatalog {
  /** Environment name → the stage names it guards (empty for a CodeDeploy group). */
  environments: Record<string, string[]>;
  groups: string[];
}

export type Target = { kind: 'environment'; name: string } | { kind: 'group'; name: string };

export type Command =
  | { kind: 'help' }
  | { kind: 'status'; environment?: string }
  | { kind: 'history'; environment?: string; limit: number }
  | { kind: 'diff'; environment: string; stage?: string; to?: string }
  | { kind: 'unlock'; environment: string; stage?: string }
  | {
      kind: 'freeze';
      target: Target;
      until: { durationMs: number } | { at: string };
      reason: string;
    }
  | { kind: 'unfreeze'; target: Target }
  | { kind: 'cancel'; requestId: string }
  | {
      kind: 'mark';
      standing: 'bad' | 'good';
      environment: string;
      stage?: string;
      release: string;
      reason?: string;
    }
  | { kind: 'rollback'; target: Target; stage?: string; to?: string; reason?: string };

export type ParseResult =
  | { ok: true; command: Command }
  | { ok: false; error: string; showHelp: boolean };

export const SUBCOMMANDS = [
  'status',
  'history',
  'diff',
  'unlock',
  'freeze',
  'unfreeze',
  'cancel',
  'mark-bad',
  'mark-good',
  'help',
];
const MAX_HISTORY = 50;
const REF = /^[A-Za-z0-9][A-Za-z0-9-]{3,63}$/; // execution UUID or commit sha (prefix)

class GrammarError extends Error {
  constructor(
    message: string,
    readonly showHelp = false,
  ) {
    super(message);
  }
}

/** Splits on whitespace; Slack may send non-breaking spaces and stray formatting. */
function tokenize(text: string): string[] {
  return text
    .replace(/[\u00a0\u2000-\u200b]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
}

function resolveEnvironment(word: string | undefined, cat: CommandCatalog, what: string): string {
  if (!word) throw new GrammarError(`say which environment ${what}`);
  const names = Object.keys(cat.environments);
  const hit = names.find((n) => n.toLowerCase() === word.toLowerCase());
  if (hit) return hit;
  throw new GrammarError(`no environment '${word}'${didYouMean(word, names)}`);
}

function resolveTarget(word: string | undefined, cat: CommandCatalog): Target {
  if (!word) throw new GrammarError('say which environment or group', true);
  const lower = word.toLowerCase();
  const env = Object.keys(cat.environments).find((n) => n.toLowerCase() === lower);
  if (env) return { kind: 'environment', name: env };
  const group = cat.groups.find((g) => g.toLowerCase() === lower);
  if (group) return { kind: 'group', name: group };
  const all = [...Object.keys(cat.environments), ...cat.groups];
  throw new GrammarError(`no environment '${word}'${didYouMean(word, all)}`);
}

function matchStage(word: string, env: string, cat: CommandCatalog): string | undefined {
  const stages = cat.environments[env] ?? [];
  return stages.find((s) => s.toLowerCase() === word.toLowerCase());
}

function stageError(word: string, env: string, cat: CommandCatalog): GrammarError {
  const stages = cat.environments[env] ?? [];
  if (stages.length === 0) {
    return new GrammarError(
      `${env} is a CodeDeploy deployment group and has no stages: drop '${word}'`,
    );
  }
  return new GrammarError(
    `no stage '${word}' in ${env}${didYouMean(word, stages)} (it guards: ${stages.join(', ')})`,
  );
}

/** Reads `[stage] [to X]` then optionally `because …` from the remaining tokens. */
function readStageToBecause(
  rest: string[],
  env: string | undefined,
  cat: CommandCatalog,
  allowBecause: boolean,
): { stage?: string; to?: string; reason?: string } {
  const out: { stage?: string; to?: string; reason?: string } = {};
  let i = 0;
  const next = rest[i];
  if (next && !['to', 'because'].includes(next.toLowerCase())) {
    if (!env) throw new GrammarError(`a group has no single stage: drop '${next}'`);
    const stage = matchStage(next, env, cat);
    if (!stage) throw stageError(next, env, cat);
    out.stage = stage;
    i++;
  }
  if (rest[i]?.toLowerCase() === 'to') {
    const ref = rest[i + 1];
    if (!ref) throw new GrammarError("'to' needs an execution id or a commit sha, e.g. to 8f14e45");
    if (!REF.test(ref)) {
      throw new GrammarError(
        `'${ref.slice(0, 80)}' is not an execution id or commit sha (4–64 letters, digits or -)`,
      );
    }
    out.to = ref;
    i += 2;
  }
  if (rest[i]?.toLowerCase() === 'because') {
    if (!allowBecause) throw new GrammarError("this command takes no 'because'");
    const reason = rest.slice(i + 1).join(' ');
    if (!reason) throw new GrammarError("'because' needs a reason, e.g. because 5xx after deploy");
    out.reason = reason;
    i = rest.length;
  }
  if (i < rest.length) {
    const extra = rest[i]!;
    throw new GrammarError(
      `did not understand '${extra.slice(0, 80)}'${allowBecause ? ": put a reason after 'because'" : ''}`,
    );
  }
  return out;
}

function parseFreeze(rest: string[], cat: CommandCatalog): Command {
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
function parseMark(standing: 'bad' | 'good', rest: string[], cat: CommandCatalog): Command {
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

function parseTokens(tokens: string[], cat: CommandCatalog): Command {
  const [first, ...rest] = tokens;
  if (!first) return { kind: 'help' };
  const sub = first.toLowerCase();
  switch (sub) {
    case 'help':
      return { kind: 'help' };
    case 'status': {
      if (rest.length > 1) throw new GrammarError('status takes at most an environment');
      return rest[0]
        ? { kind: 'status', environment: resolveEnvironment(rest[0], cat, '') }
        : { kind: 'status' };
    }
    case 'history': {
      let env: string | undefined;
      let limit = 10;
      for (const word of rest) {
        if (/^\d+$/.test(word)) limit = Math.min(Math.max(Number(word), 1), MAX_HISTORY);
        else if (!env) env = resolveEnvironment(word, cat, '');
        else throw new GrammarError(`did not understand '${word.slice(0, 80)}': history [env] [n]`);
      }
      return env ? { kind: 'history', environment: env, limit } : { kind: 'history', limit };
    }
    case 'diff': {
      const environment = resolveEnvironment(rest[0], cat, 'to diff');
      return {
        kind: 'diff',
        environment,
        ...readStageToBecause(rest.slice(1), environment, cat, false),
      };
    }
    case 'unlock': {
      const environment = resolveEnvironment(rest[0], cat, 'to unlock');
      const parsed = readStageToBecause(rest.slice(1), environment, cat, false);
      if (parsed.to) throw new GrammarError("unlock takes no 'to'");
      return parsed.stage
        ? { kind: 'unlock', environment, stage: parsed.stage }
        : { kind: 'unlock', environment };
    }
    case 'freeze':
      return parseFreeze(rest, cat);
    case 'unfreeze': {
      if (rest.length !== 1) throw new GrammarError('unfreeze takes one environment or group');
      return { kind: 'unfreeze', target: resolveTarget(rest[0], cat) };
    }
    case 'mark-bad':
    case 'mark-good':
      return parseMark(sub === 'mark-bad' ? 'bad' : 'good', rest, cat);
    case 'cancel': {
      const id = rest[0];
      if (!id || rest.length > 1 || !/^[0-9A-Za-z]{26}$/.test(id)) {
        throw new GrammarError('cancel takes the request id shown on the request');
      }
      return { kind: 'cancel', requestId: id.toUpperCase() };
    }
    default: {
      let target: Target;
      try {
        target = resolveTarget(first, cat);
      } catch (err) {
        if (!(err instanceof GrammarError)) throw err;
        const all = [...Object.keys(cat.environments), ...cat.groups, ...SUBCOMMANDS];
        throw new GrammarError(
          `no environment or command '${first.slice(0, 80)}'${didYouMean(first, all)}`,
          true,
        );
      }
      const env = target.kind === 'environment' ? target.name : undefined;
      return { kind: 'rollback', target, ...readStageToBecause(rest, env, cat, true) };
    }
  }
}

export function parseCommand(text: string, catalog: CommandCatalog): ParseResult {
  try {
    return { ok: true, command: parseTokens(tokenize(text), catalog) };
  } catch (err) {
    if (err instanceof GrammarError)
      return { ok: false, error: err.message, showHelp: err.showHelp };
    throw err;
  }
}
