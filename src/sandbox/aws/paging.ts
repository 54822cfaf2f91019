import { AwsError } from './errors.js';

/** Opaque offset tokens, as AWS hands out: clients must pass them back unchanged. */
export function pageOf<T>(
  items: T[],
  token: string | undefined,
  requested: number,
  cap: number,
  invalidTokenError: string,
): { items: T[]; nextToken?: string } {
  let offset = 0;
  if (token !== undefined) {
    const decoded = decodeToken(token);
    if (decoded === undefined) throw new AwsError(invalidTokenError, 'The next token is invalid.');
    offset = decoded;
  }
  const size = Math.max(1, Math.min(requested, cap));
  const page = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length ? { items: page, nextToken: encodeToken(next) } : { items: page };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset, s: 'sandbox' })).toString('base64url');
}

function decodeToken(token: string): number | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof v === 'object' && v !== null && 'o' in v && typeof v.o === 'number' && v.o >= 0) {
      return v.o;
    }
  } catch {
    // fall through: not one of our tokens
  }
  return undefined;
}
