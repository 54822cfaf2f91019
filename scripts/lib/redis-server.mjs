// Finds, installs (root on Debian/Ubuntu only) and runs a private redis-server on loopback.
// Plain JavaScript with no dependencies: it runs before `npm ci` has installed anything.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const HOW_TO_GET_REDIS = [
  'redis-server was not found on PATH and could not be installed automatically.',
  'Install Redis 6.2 or newer, then run the command again:',
  '  Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y redis-server',
  '  macOS:         brew install redis',
  '  Docker:        docker run -d -p 6379:6379 redis:7 --maxmemory-policy noeviction',
  '                 and set REDIS_URL=redis://127.0.0.1:6379',
].join('\n');

export function findRedisServer() {
  const r = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  const found = r.stdout.trim();
  if (found) return found;
  for (const p of [
    '/usr/bin/redis-server',
    '/usr/local/bin/redis-server',
    '/usr/sbin/redis-server',
  ]) {
    if (existsSync(p)) return p;
  }
  return null;
}

function isDebianLike() {
  return existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
}

/** Returns the path of redis-server, installing it with apt when root on Debian/Ubuntu. */
export function ensureRedisServer({ log = console.error } = {}) {
  let bin = findRedisServer();
  if (bin) return bin;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && isDebianLike()) {
    log('redis-server not found: installing it with apt-get (Debian/Ubuntu, running as root)…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const upd = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    const inst = spawnSync(
      'apt-get',
      ['install', '-y', '--no-install-recommends', 'redis-server'],
      {
        stdio: 'inherit',
        env,
      },
    );
    if (upd.status === 0 && inst.status === 0) bin = findRedisServer();
  }
  if (!bin) throw new Error(HOW_TO_GET_REDIS);
  return bin;
}

/** Asks the kernel for a free loopback TCP port. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function ping(port, password) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let buf = '';
    sock.setTimeout(500);
    sock.on('connect', () => sock.write(password ? `AUTH ${password}\r\nPING\r\n` : 'PING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      // With a password the first answer is AUTH's +OK (or an error), then PING's.
      const answers = buf.split('\r\n').slice(0, -1);
      if (answers.length >= (password ? 2 : 1)) {
        sock.destroy();
        resolve(answers.at(-1).startsWith('+PONG'));
      }
    });
    sock.on('timeout', () => {
      sock.destroy();
      resolve(false);
    });
    sock.on('error', () => resolve(false));
  });
}

/**
 * Starts a private redis-server on 127.0.0.1.
 * Options: port (default: a free one), dir (default: a fresh temp dir, removed on stop),
 * appendonly (default true: AOF with appendfsync everysec, as production runs),
 * maxmemoryPolicy (default noeviction), password (default none: requirepass, and the url
 * carries it), extraArgs.
 * Returns { url, port, dir, pid, stop(), kill() } — kill() is SIGKILL, to test crashes.
 */
export async function startRedisServer(opts = {}) {
  const bin = ensureRedisServer();
  const port = opts.port ?? (await freePort());
  const ownDir = !opts.dir;
  const dir = opts.dir ?? mkdtempSync(path.join(tmpdir(), 'rollback-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    opts.appendonly === false ? 'no' : 'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    opts.maxmemoryPolicy ?? 'noeviction',
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
    '--loglevel',
    'warning',
    ...(opts.password ? ['--requirepass', opts.password] : []),
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d.toString();
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  const deadline = Date.now() + 10_000;
  while (!(await ping(port, opts.password))) {
    if (exited) throw new Error(`redis-server exited during start-up: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING on port ${port} within 10 s`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  const waitExit = () =>
    new Promise((resolve) => {
      if (exited || child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  return {
    url: opts.password
      ? `redis://:${encodeURIComponent(opts.password)}@127.0.0.1:${port}`
      : `redis://127.0.0.1:${port}`,
    port,
    dir,
    pid: child.pid,
    async stop({ keepDir = false } = {}) {
      if (!exited) child.kill('SIGTERM');
      await waitExit();
      if (ownDir && !keepDir) rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      if (!exited) child.kill('SIGKILL');
      await waitExit();
    },
  };
}
