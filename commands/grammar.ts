// The /rollback grammar. Pure: text + the configured names in, a command or a helpful error out.
//   /rollback <env|group> [stage] [to <execution-id|commit-sha>] [because <reason…>]
//   /rollback status [env] | history [env] [n] | diff <env> [stage] [to X] | unlock <env> [stage]
//   /rollback freeze <env|group> <duration | until <date-time>> <reason…> | unfreeze <env|group>
//   /rollback mark-bad <env> [stage] <release> [because <reason…>] | mark-good <env> [stage] <release>
//   /rollback cancel <request-id> | help
// The words they share are read in grammar-words.ts; freeze and mark in freeze-and-mark-grammar.ts.
import { didYouMean } from '../src/runtime/suggest.js';
import { parseFreeze, parseMark } from './freeze-and-mark-grammar.js';
import {
  GrammarError,
  readStageToBecause,
  resolveEnvironment,
  resolveTarget,
  tokenize,
} from './grammar-words.js';
import type { Command, CommandCatalog, ParseResult, Target } from './parsed-command.js';

export type { CommandCatalog, ParseResult } from './parsed-command.js';

const SUBCOMMANDS = [
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
