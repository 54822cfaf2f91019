// The words every /rollback subcommand reads: tokens, environment and group names, stages,
// release refs, `to` and `because`. A wrong word throws GrammarError, with a suggestion where
// one is close; grammar.ts turns it into the answer the user sees.
import { didYouMean } from '../src/runtime/suggest.js';
import type { CommandCatalog, Target } from './parsed-command.js';

/** An execution UUID or a commit sha (or its prefix). */
export const REF = /^[A-Za-z0-9][A-Za-z0-9-]{3,63}$/;

export class GrammarError extends Error {
  constructor(
    message: string,
    readonly showHelp = false,
  ) {
    super(message);
  }
}

/** Splits on whitespace; Slack may send non-breaking spaces and stray formatting. */
export function tokenize(text: string): string[] {
  return text
    .replace(/[\u00a0\u2000-\u200b]/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
}

export function resolveEnvironment(
  word: string | undefined,
  cat: CommandCatalog,
  what: string,
): string {
  if (!word) throw new GrammarError(`say which environment ${what}`);
  const names = Object.keys(cat.environments);
  const hit = names.find((n) => n.toLowerCase() === word.toLowerCase());
  if (hit) return hit;
  throw new GrammarError(`no environment '${word}'${didYouMean(word, names)}`);
}

export function resolveTarget(word: string | undefined, cat: CommandCatalog): Target {
  if (!word) throw new GrammarError('say which environment or group', true);
  const lower = word.toLowerCase();
  const env = Object.keys(cat.environments).find((n) => n.toLowerCase() === lower);
  if (env) return { kind: 'environment', name: env };
  const group = cat.groups.find((g) => g.toLowerCase() === lower);
  if (group) return { kind: 'group', name: group };
  const all = [...Object.keys(cat.environments), ...cat.groups];
  throw new GrammarError(`no environment '${word}'${didYouMean(word, all)}`);
}

export function matchStage(word: string, env: string, cat: CommandCatalog): string | undefined {
  const stages = cat.environments[env] ?? [];
  return stages.find((s) => s.toLowerCase() === word.toLowerCase());
}

export function stageError(word: string, env: string, cat: CommandCatalog): GrammarError {
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
export function readStageToBecause(
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
