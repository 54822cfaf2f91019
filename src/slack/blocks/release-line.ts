// How a release is shown: short commit, first line of its message (inert), author, link.
import { type SourceRevision, shortRevision } from '../../domain/releases.js';
import { escapeMrkdwn, inertCode, safeLink } from './inert-text.js';

/** The main source revision of a release (the first source action). */
export function mainRevision(revisions: readonly SourceRevision[]): SourceRevision | undefined {
  return revisions[0];
}

/** `8f14e45` (linked when the URL is plain http/https), never outside text as the label. */
export function commitRef(rev: SourceRevision | undefined): string {
  if (!rev) return '`unknown`';
  const short = shortRevision(rev.revisionId);
  return safeLink(rev.url, short) ?? `\`${escapeMrkdwn(short)}\``;
}

/** mrkdwn: `8f14e45` `Fix checkout` (the first line, cut), or undefined when nothing is known. */
export function shortRelease(
  revisions: readonly SourceRevision[] | undefined,
  maxMessage = 50,
): string | undefined {
  const rev = mainRevision(revisions ?? []);
  if (!rev) return undefined;
  const message = rev.message ? ` ${inertCode(rev.message.split('\n')[0], maxMessage)}` : '';
  return `${commitRef(rev)}${message}`;
}

/** mrkdwn: `8f14e45` `Fix checkout total` by `Jane Doe` — message and author inert. */
export function releaseLine(revisions: SourceRevision[], maxMessage = 120): string {
  const rev = mainRevision(revisions);
  if (!rev) return '_no source revision recorded_';
  const parts = [commitRef(rev)];
  if (rev.message) parts.push(inertCode(rev.message.split('\n')[0], maxMessage));
  if (rev.author) parts.push(`by ${inertCode(rev.author, 60)}`);
  const more = revisions.length > 1 ? ` (+${revisions.length - 1} more source)` : '';
  return parts.join(' ') + more;
}
