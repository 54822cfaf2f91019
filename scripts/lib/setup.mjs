// Shared set-up for the README's commands: dependencies and system packages.
// Plain JavaScript, no dependencies, so it works on a fresh clone.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Runs `npm ci` in `dir` (default the project) when its node_modules is missing or older than
 * its package-lock.json. `what` names the install in the message.
 */
export function ensureDependencies(dir = root, what = 'dependencies') {
  const marker = path.join(dir, 'node_modules', '.package-lock.json');
  const lock = path.join(dir, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  console.error(`Installing ${what} (npm ci in ${path.relative(root, dir) || '.'})…`);
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir, stdio: 'inherit' });
  if (r.status === 0) return;
  if (dir !== root) throw new Error(`npm ci in ${path.relative(root, dir)} failed: see above`);
  // A registry mirror can lack other platforms' optional packages; npm install tolerates that.
  console.error('npm ci failed; trying npm install with the same lockfile…');
  const again = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (again.status !== 0) throw new Error('npm ci and npm install failed: see the output above');
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = () => existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');

/** Installs Debian's chromium for the browser tests when it is missing and we can (root + apt). */
export function ensureChromium() {
  const bin = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(bin)) return bin;
  if (isRoot() && hasApt()) {
    console.error('chromium not found: installing Debian chromium for the browser tests…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], {
      stdio: 'inherit',
      env,
    });
    if (existsSync(bin)) return bin;
  }
  return null;
}
