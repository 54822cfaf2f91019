// src/domain stays pure: no clock, no I/O, and nothing from the outer ring. Its only way out is
// the config's types (src/config/config.ts). Inside it, the rollback decision reads the stage
// locks and never the other way round (layout-check sees src/domain as one folder, so it cannot
// catch a cycle between its subfolders).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const domain = resolve(import.meta.dirname, '../../../src/domain');
const config = resolve(import.meta.dirname, '../../../src/config/config.js');
const sources = readdirSync(domain, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.ts'))
  .sort();

/** Each relative import of a source, resolved, with whether it is `import type`. */
function relativeImports(file: string): { target: string; typeOnly: boolean }[] {
  const code = readFileSync(join(domain, file), 'utf8');
  return [...code.matchAll(/^(?:import|export)( type)? [^;]*? from '(\.{1,2}\/[^']+)';/gms)].map(
    (m) => ({ target: resolve(dirname(join(domain, file)), m[2]), typeOnly: m[1] !== undefined }),
  );
}

describe('domain stays pure', () => {
  it('has sources to check, in every subfolder', () => {
    expect(sources.length).toBeGreaterThanOrEqual(30);
    for (const folder of ['reactions', 'rollback-decision', 'stage-locks'])
      expect(sources.some((f) => f.startsWith(`${folder}/`))).toBe(true);
  });

  it.each(sources)('%s reads no clock, does no I/O and imports only domain', (file) => {
    const code = readFileSync(join(domain, file), 'utf8');
    expect(code).not.toMatch(/Date\.now\(|new Date\(\)|performance\.now\(/);
    expect(code).not.toMatch(
      /from 'node:|from '(fs|net|http|https|ioredis|bullmq|@aws-sdk|@slack)/,
    );
    for (const { target, typeOnly } of relativeImports(file)) {
      if (target === config && typeOnly) continue;
      expect(relative(domain, target), `${file} imports ${target}`).not.toMatch(/^\.\./);
    }
  });

  it('the stage locks never import the rollback decision', () => {
    for (const file of sources.filter((f) => f.startsWith('stage-locks/')))
      for (const { target } of relativeImports(file))
        expect(relative(domain, target), `${file} imports ${target}`).not.toMatch(
          /^rollback-decision\//,
        );
  });
});
