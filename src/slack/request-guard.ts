// Checks Bolt does not do: timestamps from the future, and requests from another workspace or app.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Bolt rejects timestamps older than 5 minutes; we also refuse ones more than 5 minutes ahead. */
export const MAX_FUTURE_SKEW_SECONDS = 5 * 60;

export function futureTimestampGuard(
  now: () => number,
  next: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const raw = req.headers['x-slack-request-timestamp'];
    const ts = Number(Array.isArray(raw) ? raw[0] : raw);
    if (Number.isFinite(ts) && ts - Math.floor(now() / 1000) > MAX_FUTURE_SKEW_SECONDS) {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end('Request timestamp is in the future');
      return;
    }
    next(req, res);
  };
}

interface MaybeIds {
  team_id?: unknown;
  team?: { id?: unknown } | null;
  api_app_id?: unknown;
}

/** Returns why a verified payload is still not ours, or undefined when it is. */
export function foreignPayloadReason(
  body: MaybeIds,
  expected: { teamId?: string; appId?: string },
): string | undefined {
  const team = typeof body.team_id === 'string' ? body.team_id : body.team?.id;
  if (expected.teamId && team !== expected.teamId) return 'request from another workspace';
  if (expected.appId && body.api_app_id !== expected.appId) return 'request for another app';
  return undefined;
}
