// A "what changed" link between two commits, built from the revision URLs AWS reports.
// Only hosts whose URL shapes we know; anything else gets no link rather than a wrong one.

interface RepoRef {
  build(from: string, to: string): string;
}

function parseCommitUrl(raw: string): RepoRef | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:') return undefined;
  const host = url.host;
  const path = url.pathname;
  // CodeStar connections link through the console with the repository in the query.
  const fullRepo = url.searchParams.get('FullRepositoryId');
  const provider = url.searchParams.get('ProviderType');
  if (fullRepo && provider === 'GitHub') {
    return { build: (a, b) => `https://github.com/${fullRepo}/compare/${a}...${b}` };
  }
  if (fullRepo && provider === 'Bitbucket') {
    return {
      build: (a, b) => `https://bitbucket.org/${fullRepo}/branches/compare/${b}%0D${a}`,
    };
  }
  if (fullRepo && provider === 'GitLab') {
    return { build: (a, b) => `https://gitlab.com/${fullRepo}/-/compare/${a}...${b}` };
  }
  let m = path.match(/^\/([^/]+\/[^/]+)\/commit\/[0-9a-f]+\/?$/i);
  if (m && (host === 'github.com' || host.endsWith('.ghe.com'))) {
    return { build: (a, b) => `https://${host}/${m![1]}/compare/${a}...${b}` };
  }
  m = path.match(/^\/(.+?)\/-\/commit\/[0-9a-f]+\/?$/i);
  if (m) return { build: (a, b) => `https://${host}/${m![1]}/-/compare/${a}...${b}` };
  m = path.match(/^\/([^/]+\/[^/]+)\/commits\/[0-9a-f]+\/?$/i);
  if (m && host === 'bitbucket.org') {
    return { build: (a, b) => `https://${host}/${m![1]}/branches/compare/${b}%0D${a}` };
  }
  m = path.match(/^(\/codesuite\/codecommit\/repositories\/[^/]+)\/commit\/[0-9a-f]+\/?$/i);
  if (m && host.endsWith('console.aws.amazon.com')) {
    const query = url.search;
    return { build: (a, b) => `https://${host}${m![1]}/compare/${a}/.../${b}${query}` };
  }
  return undefined;
}

/**
 * Link comparing `from` (older) with `to` (newer), or undefined when the URL's host is not
 * one we know. Both revision URLs must point at the same repository.
 */
export function compareUrl(
  older: { revisionId: string; url?: string },
  newer: { revisionId: string; url?: string },
): string | undefined {
  if (!older.url || !newer.url) return undefined;
  const a = parseCommitUrl(older.url);
  const b = parseCommitUrl(newer.url);
  if (!a || !b) return undefined;
  const fromA = a.build(older.revisionId, newer.revisionId);
  // Different repositories would give different links; refuse rather than mislead.
  return fromA === b.build(older.revisionId, newer.revisionId) ? fromA : undefined;
}
