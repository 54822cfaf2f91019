// Adds lockfile entries for optional platform packages (other OS/CPU builds of biome, msgpackr…)
// that a registry mirror without them leaves out, so `npm ci` finds package.json and the lock in
// sync on every machine. Run after `npm install`: node scripts/fill-lockfile.mjs package-lock.json
import { readFileSync, writeFileSync } from 'node:fs';

const path = process.argv[2];
const lock = JSON.parse(readFileSync(path, 'utf8'));
const pkgs = lock.packages;
const OS = [
  'darwin',
  'win32',
  'android',
  'linux',
  'freebsd',
  'openbsd',
  'netbsd',
  'sunos',
  'aix',
  'openharmony',
];
const CPU = ['arm64', 'x64', 'ia32', 'riscv64', 'ppc64', 's390x', 'loong64', 'mips64el', 'arm'];
let added = 0;
for (const [where, meta] of Object.entries(pkgs)) {
  for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    const nested = `${where ? `${where}/` : ''}node_modules/${name}`;
    if (pkgs[key] || pkgs[nested]) continue;
    const base = name.split('/').pop();
    const parts = base.split('-');
    const os = OS.find((o) => parts.includes(o));
    const cpu = CPU.find((c) => parts.includes(c));
    if (!os || !cpu) {
      console.error('skip (no platform in name):', name);
      continue;
    }
    const entry = { version, cpu: [cpu], license: 'MIT', optional: true, os: [os] };
    if (parts.includes('musl')) entry.libc = ['musl'];
    if (parts.includes('gnu')) entry.libc = ['glibc'];
    pkgs[key] = entry;
    added++;
    console.error('added', key, version);
  }
}
lock.packages = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.error(`${added} entries added`);
