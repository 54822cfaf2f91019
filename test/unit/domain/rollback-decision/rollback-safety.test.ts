import { describe, expect, it } from 'vitest';
import type { ReleaseDetail } from '../../../../src/domain/release-diff.js';
import {
  type ReleaseSafetyFacts,
  unsafeReleasesCrossed,
  whyUnsafe,
} from '../../../../src/domain/rollback-decision/rollback-safety.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

function rel(id: string, over: Partial<ReleaseSafetyFacts> = {}): ReleaseSafetyFacts {
  return {
    executionId: id,
    variables: { IMAGE_TAG: id },
    sourceRevisions: [{ actionName: 'Source', revisionId: SHA, message: `Change ${id}` }],
    ...over,
  };
}

describe('what marks a release unsafe to roll back across', () => {
  it.each<[string, Partial<ReleaseSafetyFacts>, string[]]>([
    ['nothing', {}, []],
    [
      'a pipeline variable',
      { variables: { ROLLBACK_UNSAFE: 'schema migration 0042' } },
      ['ROLLBACK_UNSAFE is "schema migration 0042"'],
    ],
    [
      'a namespaced action output variable',
      {
        variables: {
          BuildVariables: 'x',
          'BuildVariables.ROLLBACK_UNSAFE': ' drops column users.nick ',
        },
      },
      ['BuildVariables.ROLLBACK_UNSAFE is "drops column users.nick"'],
    ],
    ['an empty value', { variables: { ROLLBACK_UNSAFE: '' } }, []],
    ['a blank value', { variables: { ROLLBACK_UNSAFE: '   ' } }, []],
    ['a default that says no', { variables: { ROLLBACK_UNSAFE: 'false' } }, []],
    ['"none"', { variables: { ROLLBACK_UNSAFE: 'None' } }, []],
    ['a similar name', { variables: { ROLLBACK_UNSAFE_NOTE: 'x', MY_ROLLBACK_UNSAFE: 'y' } }, []],
    [
      'the marker in the commit subject',
      {
        sourceRevisions: [
          { actionName: 'Source', revisionId: SHA, message: 'Add orders table [rollback-unsafe]' },
        ],
      },
      ['Source revision a1b2c3d is marked [rollback-unsafe]: Add orders table [rollback-unsafe]'],
    ],
    [
      'the marker in the body of the full summary, any case',
      {
        sourceRevisions: [
          {
            actionName: 'App',
            revisionId: 'v42',
            message: 'Migrate users',
            summary: 'Migrate users\n\n[Rollback-Unsafe] drops a column',
          },
        ],
      },
      ['App revision v42 is marked [rollback-unsafe]: Migrate users'],
    ],
    [
      'a marker without brackets',
      { sourceRevisions: [{ actionName: 'Source', revisionId: SHA, message: 'rollback-unsafe' }] },
      [],
    ],
  ])('%s', (_name, over, reasons) => {
    expect(whyUnsafe(rel('e1', over))).toEqual(reasons);
  });

  it('reads the ReleaseDetail the diff already fetches', () => {
    const detail: ReleaseDetail = {
      executionId: 'e9',
      sourceRevisions: [{ actionName: 'Source', revisionId: SHA }],
      artifactRevisions: [],
      variables: { ROLLBACK_UNSAFE: 'yes' },
    };
    expect(whyUnsafe(detail)).toEqual(['ROLLBACK_UNSAFE is "yes"']);
  });
});

describe('unsafe releases a rollback crosses', () => {
  const migration = { variables: { ROLLBACK_UNSAFE: 'migration 0042' } };

  it('counts the current release and those between, never the target', () => {
    const target = rel('e1', migration);
    const between = [rel('e3', migration), rel('e2')];
    const current = rel('e4', migration);
    expect(unsafeReleasesCrossed(current, target, between)).toEqual([
      { executionId: 'e4', reasons: ['ROLLBACK_UNSAFE is "migration 0042"'] },
      { executionId: 'e3', reasons: ['ROLLBACK_UNSAFE is "migration 0042"'] },
    ]);
  });

  it('is empty when only the target ran a migration', () => {
    expect(unsafeReleasesCrossed(rel('e2'), rel('e1', migration), [])).toEqual([]);
  });

  it('lists a release once even when the caller passes it twice or passes the target among those between', () => {
    const target = rel('e1', migration);
    const between = [rel('e2', migration), rel('e2', migration), target];
    expect(unsafeReleasesCrossed(rel('e3'), target, between).map((u) => u.executionId)).toEqual([
      'e2',
    ]);
  });
});
