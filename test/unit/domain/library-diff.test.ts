import { describe, expect, it } from 'vitest';
import { diffLibraries, parseDependencies } from '../../../src/domain/library-diff.js';
import { diffReleases } from '../../../src/domain/release-diff.js';

describe('library versions across a rollback', () => {
  it('parses name@version lists, keeping scoped names', () => {
    expect([
      ...parseDependencies('express@4.19.2, @aws-sdk/client-s3@3.600.0\npg@8.11.3 junk @'),
    ]).toEqual([
      ['express', '4.19.2'],
      ['@aws-sdk/client-s3', '3.600.0'],
      ['pg', '8.11.3'],
    ]);
  });

  it('shows what comes back, goes away and changes when rolling back', () => {
    const current = { 'Build.DEPENDENCIES': 'express@4.21.0,pg@8.12.0,lru-cache@10.2.0' };
    const target = { 'Build.DEPENDENCIES': 'express@4.19.2,pg@8.12.0,left-pad@1.3.0' };
    expect(diffLibraries(current, target)).toEqual({
      added: [{ name: 'left-pad', version: '1.3.0' }],
      removed: [{ name: 'lru-cache', version: '10.2.0' }],
      changed: [{ name: 'express', from: '4.21.0', to: '4.19.2' }],
    });
    expect(diffLibraries({ RELEASE_TAG: 'a' }, { RELEASE_TAG: 'b' })).toBeUndefined();
  });

  it('reports libraries in the release diff instead of as a raw variable', () => {
    const base = { executionId: 'x', sourceRevisions: [], artifactRevisions: [] };
    const diff = diffReleases(
      { ...base, variables: { 'Build.DEPENDENCIES': 'pg@8.12.0' } },
      { ...base, variables: { 'Build.DEPENDENCIES': 'pg@8.11.3' } },
    );
    expect(diff.variables).toEqual([]);
    expect(diff.libraries?.changed).toEqual([{ name: 'pg', from: '8.12.0', to: '8.11.3' }]);
    expect(diff.same).toBe(false);
  });
});
