// Child processes of a benchmark run: started with `node --import tsx` (the bot and bare Bolt: built, as in
// production), announced ready on stdout, and all stopped when the run ends, fails or is
// interrupted (Ctrl-C).
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const READY = 'BENCH_READY ';
const children = new Set<ChildProcess>();
const cleanups: Array<() => Promise<void>> = [];

export interface Started<T> {
  child: ChildProcess;
  info: T;
  stop(): Promise<void>;
}

/**
 * Runs `node [nodeArgs] --import tsx <script>` (or, with `compiled`, `node [nodeArgs] <script>`)
 * and resolves with the JSON of its ready line.
 */
export function startNodeChild<T>(
  name: string,
  script: string,
  opts: {
    env?: Record<string, string>;
    nodeArgs?: string[];
    /** The script is built JavaScript: run it as production does, without the tsx loader. */
    compiled?: boolean;
    args?: string[];
    timeoutMs?: number;
    /** Instead of a ready line: polled every 100 ms until it answers true. */
    probe?: () => Promise<boolean>;
    /** Where the child's stdout and stderr are copied. */
    logTo?: NodeJS.WritableStream;
  },
): Promise<Started<T>> {
  const child = spawn(
    process.execPath,
    [
      ...(opts.nodeArgs ?? []),
      ...(opts.compiled ? [] : ['--import', 'tsx']),
      script,
      ...(opts.args ?? []),
    ],
    { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  const stderr: string[] = [];
  if (opts.logTo) {
    child.stdout?.pipe(opts.logTo, { end: false });
    child.stderr?.pipe(opts.logTo, { end: false });
  }
  child.stderr?.on('data', (d: Buffer) => {
    stderr.push(d.toString());
    if (stderr.length > 50) stderr.shift();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${name} not ready within ${opts.timeoutMs ?? 30_000} ms`));
    }, opts.timeoutMs ?? 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready: ${stderr.join('')}`));
    });
    const probe = opts.probe;
    if (probe) {
      if (!opts.logTo) child.stdout?.resume();
      const poll = setInterval(() => {
        probe()
          .then((ok) => {
            if (!ok) return;
            clearInterval(poll);
            clearTimeout(timer);
            resolve({ child, info: {} as T, stop: () => stopChild(child) });
          })
          .catch(() => undefined);
      }, 100);
      child.once('exit', () => clearInterval(poll));
      return;
    }
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (!line.startsWith(READY)) return;
      clearTimeout(timer);
      resolve({
        child,
        info: JSON.parse(line.slice(READY.length)) as T,
        stop: () => stopChild(child),
      });
    });
  });
}

/** Prints the ready line a child's parent waits for. */
export function announceReady(info: unknown): void {
  process.stdout.write(`${READY}${JSON.stringify(info)}\n`);
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Something to undo when the run ends (e.g. stopping Redis). Run in reverse order. */
export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

let cleaning: Promise<void> | undefined;
export function cleanUpAll(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...children].map((c) => stopChild(c)));
    for (const fn of cleanups.reverse()) await fn().catch(() => undefined);
  })();
  return cleaning;
}

/** In a child: stop on SIGTERM/SIGINT, and when the parent goes away. */
export function exitWithParent(stop: () => Promise<void>): void {
  let stopping = false;
  const go = () => {
    if (stopping) return;
    stopping = true;
    stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', go);
  process.once('SIGINT', go);
  const watch = setInterval(() => {
    if (process.ppid === 1) go();
  }, 1_000);
  watch.unref();
}
