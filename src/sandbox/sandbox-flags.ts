// `npm run sandbox -- [flags]`: what the launcher was asked for. Pure; a bad flag is a
// SandboxFlagError whose message says what was wrong and shows the usage.

export const MAX_REPLICAS = 8;

export const SANDBOX_USAGE = [
  'usage: npm run sandbox -- [--replicas web=<n>,worker=<n>] [--socket-mode] [--redis-cluster] [--help]',
  '  (no flag)                   one bot process (ROLE=all), in-process, HTTP to /slack/events',
  '  --replicas web=2,worker=2   separate bot processes: n with ROLE=web, n with ROLE=worker',
  `                              (1 to ${MAX_REPLICAS} each), one Redis, one local AWS endpoint, one local Slack`,
  '                              spreading requests over the web replicas',
  '  --socket-mode               Slack over Socket Mode (SLACK_APP_TOKEN) instead of HTTP',
  '  --redis-cluster             a local Redis Cluster (3 primaries, one replica each) and',
  '                              REDIS_MODE=cluster, instead of one redis-server',
  '  --help                      this text',
].join('\n');

export interface Replicas {
  web: number;
  worker: number;
}

export interface SandboxFlags {
  /** Separate processes per role; undefined: one ROLE=all bot in-process. */
  replicas?: Replicas;
  socketMode: boolean;
  /** A local Redis Cluster instead of one redis-server. */
  redisCluster: boolean;
  help: boolean;
}

export class SandboxFlagError extends Error {
  constructor(problem: string) {
    super(`${problem}\n${SANDBOX_USAGE}`);
    this.name = 'SandboxFlagError';
  }
}

const REPLICAS_FORM = `the accepted form is --replicas web=<n>,worker=<n> with n from 1 to ${MAX_REPLICAS}, e.g. --replicas web=2,worker=2`;

/** `web=2,worker=2` → { web: 2, worker: 2 }; both roles are needed, each once. */
export function parseReplicas(value: string): Replicas {
  const bad = (why: string) =>
    new SandboxFlagError(`--replicas ${value}: ${why}; ${REPLICAS_FORM}`);
  const counts: Partial<Record<keyof Replicas, number>> = {};
  for (const part of value.split(',')) {
    const m = /^([a-z]+)=(.*)$/.exec(part.trim());
    if (!m) throw bad(`"${part}" is not role=count`);
    const role = m[1]!;
    const count = m[2]!;
    if (role !== 'web' && role !== 'worker') {
      throw bad(`"${role}" is not a role (web or worker)`);
    }
    if (counts[role] !== undefined) throw bad(`${role} is given twice`);
    if (!/^\d+$/.test(count)) throw bad(`${role}=${count}: "${count}" is not a whole number`);
    const n = Number(count);
    if (n < 1 || n > MAX_REPLICAS) {
      throw bad(`${role}=${count} is out of range (1 to ${MAX_REPLICAS})`);
    }
    counts[role] = n;
  }
  if (counts.web === undefined || counts.worker === undefined) {
    throw bad(`missing ${counts.web === undefined ? 'web' : 'worker'}=<n>`);
  }
  return { web: counts.web, worker: counts.worker };
}

/** The launcher's arguments (process.argv.slice(2)). */
export function parseSandboxFlags(argv: readonly string[]): SandboxFlags {
  const flags: SandboxFlags = { socketMode: false, redisCluster: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') ? splitOnce(arg, '=') : [arg, undefined];
    if (name === '--help' || name === '-h') flags.help = true;
    else if (name === '--socket-mode') {
      if (inline !== undefined) throw new SandboxFlagError('--socket-mode takes no value');
      flags.socketMode = true;
    } else if (name === '--redis-cluster') {
      if (inline !== undefined) throw new SandboxFlagError('--redis-cluster takes no value');
      flags.redisCluster = true;
    } else if (name === '--replicas') {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) {
        throw new SandboxFlagError(`--replicas needs a value; ${REPLICAS_FORM}`);
      }
      if (flags.replicas) throw new SandboxFlagError('--replicas is given twice');
      flags.replicas = parseReplicas(value);
    } else {
      throw new SandboxFlagError(`unknown argument "${arg}"`);
    }
  }
  return flags;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const at = s.indexOf(sep);
  return at < 0 ? [s, undefined] : [s.slice(0, at), s.slice(at + 1)];
}
