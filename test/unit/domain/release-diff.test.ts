import { describe, expect, it } from 'vitest';
import { compareUrl } from '../../../src/domain/compare-url.js';
import { diffReleases } from '../../../src/domain/release-diff.js';

describe('compare URLs', () => {
  const cases: Array<[string, string, string | undefined]> = [
    [
      'https://github.com/acme/web/commit/aaa111',
      'https://github.com/acme/web/commit/bbb222',
      'https://github.com/acme/web/compare/aaa111...bbb222',
    ],
    [
      'https://gitlab.com/grp/sub/web/-/commit/aaa111',
      'https://gitlab.com/grp/sub/web/-/commit/bbb222',
      'https://gitlab.com/grp/sub/web/-/compare/aaa111...bbb222',
    ],
    [
      'https://bitbucket.org/acme/web/commits/aaa111',
      'https://bitbucket.org/acme/web/commits/bbb222',
      'https://bitbucket.org/acme/web/branches/compare/bbb222%0Daaa111',
    ],
    [
      'https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/web/commit/aaa111?region=us-east-1',
      'https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/web/commit/bbb222?region=us-east-1',
      'https://us-east-1.console.aws.amazon.com/codesuite/codecommit/repositories/web/compare/aaa111/.../bbb222?region=us-east-1',
    ],
    [
      'https://github.com/acme/web/commit/aaa111',
      'https://github.com/acme/other/commit/bbb222',
      undefined,
    ],
    ['https://example.com/x/commit/aaa111', 'https://example.com/x/commit/bbb222', undefined],
  ];
  for (const [older, newer, want] of cases) {
    it(`${new URL(older).host} → ${want ?? 'none'}`, () => {
      const a = older.match(/([0-9a-f]{6})(\?|$)/)![1]!;
      const b = newer.match(/([0-9a-f]{6})(\?|$)/)![1]!;
      expect(compareUrl({ revisionId: a, url: older }, { revisionId: b, url: newer })).toBe(want);
    });
  }
});

describe('release diff', () => {
  it('lists sources, artifacts and variables that differ, with a compare link', () => {
    const d = diffReleases(
      {
        executionId: 'cur',
        sourceRevisions: [
          {
            actionName: 'App',
            revisionId: 'bbb222',
            url: 'https://github.com/acme/web/commit/bbb222',
          },
          { actionName: 'Infra', revisionId: 'same1' },
        ],
        artifactRevisions: [{ name: 'SourceArtifact', revisionId: 'bbb222' }],
        variables: { IMAGE_TAG: 'v2', REGION: 'us-east-1', NEW: 'x' },
      },
      {
        executionId: 'tgt',
        sourceRevisions: [
          {
            actionName: 'App',
            revisionId: 'aaa111',
            url: 'https://github.com/acme/web/commit/aaa111',
          },
          { actionName: 'Infra', revisionId: 'same1' },
        ],
        artifactRevisions: [{ name: 'SourceArtifact', revisionId: 'aaa111' }],
        variables: { IMAGE_TAG: 'v1', REGION: 'us-east-1' },
      },
    );
    expect(d).toEqual({
      same: false,
      sources: [
        {
          actionName: 'App',
          current: {
            actionName: 'App',
            revisionId: 'bbb222',
            url: 'https://github.com/acme/web/commit/bbb222',
          },
          target: {
            actionName: 'App',
            revisionId: 'aaa111',
            url: 'https://github.com/acme/web/commit/aaa111',
          },
          compareUrl: 'https://github.com/acme/web/compare/aaa111...bbb222',
        },
      ],
      artifacts: [{ name: 'SourceArtifact', current: 'bbb222', target: 'aaa111' }],
      variables: [
        { name: 'IMAGE_TAG', current: 'v2', target: 'v1' },
        { name: 'NEW', current: 'x' },
      ],
    });
  });
});
