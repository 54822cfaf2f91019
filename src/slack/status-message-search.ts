// Which Slack message is a request's status message. Slack itself is the durable home of that
// fact: every status message carries metadata naming its request. Redis keeps the ts only as a
// cache, and a cache that a crash can lose (AOF everysec drops up to about a second of writes).
// When a loss may have happened, the status worker looks the message up here before posting.

export const STATUS_EVENT_TYPE = 'rollback_request_status';

/** How far before a request's creation to look: our clock and Slack's may differ a little. */
export const SEARCH_MARGIN_MS = 60_000;
/** How far the clock of the host that created a request may be ahead of ours. */
export const CLOCK_SKEW_MS = 5_000;

export interface StatusMetadata {
  event_type: typeof STATUS_EVENT_TYPE;
  event_payload: { request_id: string };
}

export function statusMetadata(requestId: string): StatusMetadata {
  return { event_type: STATUS_EVENT_TYPE, event_payload: { request_id: requestId } };
}

/** What conversations.history and conversations.replies answer, as far as we read it. */
export interface ConversationPage {
  messages?: Array<{
    ts?: string;
    bot_id?: string;
    metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
  }>;
  has_more?: boolean;
  response_metadata?: { next_cursor?: string };
}

interface PageArgs {
  channel: string;
  oldest: string;
  limit: number;
  include_all_metadata: true;
  cursor?: string;
}

export interface ConversationReader {
  conversations: {
    history(args: PageArgs): Promise<ConversationPage>;
    replies(args: PageArgs & { ts: string }): Promise<ConversationPage>;
  };
}

/** A time in ms as a Slack ts ("seconds.micros"). */
export function slackTs(ms: number): string {
  const whole = Math.floor(ms);
  return `${Math.floor(whole / 1000)}.${String((whole % 1000) * 1000).padStart(6, '0')}`;
}

/** Orders Slack ts values exactly (a double cannot hold every micro-second ts). */
export function compareTs(a: string, b: string): number {
  const [as = '0', af = ''] = a.split('.');
  const [bs = '0', bf = ''] = b.split('.');
  const sec = BigInt(as) - BigInt(bs);
  if (sec !== 0n) return sec < 0n ? -1 : 1;
  const fa = af.padEnd(6, '0');
  const fb = bf.padEnd(6, '0');
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}

/** The status messages of each request among `messages` (posted by an app), oldest first. */
export function statusMessagesByRequest(
  messages: NonNullable<ConversationPage['messages']>,
): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const m of messages) {
    const id = m.metadata?.event_payload?.request_id;
    if (m.metadata?.event_type !== STATUS_EVENT_TYPE || typeof id !== 'string') continue;
    if (!m.ts || !m.bot_id) continue;
    found.set(id, [...(found.get(id) ?? []), m.ts]);
  }
  for (const list of found.values()) list.sort(compareTs);
  return found;
}

/**
 * Whether Slack may hold a status message of this request that the ref does not know:
 * a post began and never stored its ts (the process died in between), or the request is older
 * than the last moment writes may have been lost (give or take another host's clock) and Slack
 * was not searched since.
 */
export function mayHavePosted(p: {
  createdAt: number;
  postingSince?: number;
  searchedAt?: number;
  /** Writes made before this moment may have been lost (Redis outage, or this process's start). */
  lossEpoch: number;
  /** How far `createdAt` may be ahead of our clock (another host's). Default 0. */
  skewMs?: number;
}): boolean {
  if (p.postingSince !== undefined) return true;
  if (p.searchedAt !== undefined && p.searchedAt >= p.lossEpoch) return false;
  return p.createdAt <= p.lossEpoch + (p.skewMs ?? 0);
}

/** The connection events that mean writes may have been lost (an ioredis client emits them). */
interface WatchedConnection {
  on(event: 'close' | 'ready', listener: () => void): unknown;
}

/**
 * The last moment before which this connection's writes may have been lost: when it dropped, or
 * when it came back after dropping (a write that failed while it was down never landed).
 */
export function watchRedisOutages(connection: WatchedConnection, now: () => number) {
  let at: number | undefined;
  let down = false;
  connection.on('close', () => {
    down = true;
    at = now();
  });
  connection.on('ready', () => {
    if (!down) return;
    down = false;
    at = now();
  });
  return (): number | undefined => at;
}

export interface SearchResult {
  /** Every status message of the request found, oldest first. */
  ts: string[];
  /** False when the search stopped at its page bound: an older post may lie beyond it. */
  complete: boolean;
}

interface Scan {
  startedAt: number;
  since: number;
  complete: boolean;
  found: Map<string, string[]>;
}

/**
 * Searches a channel (conversations.history) or a thread (conversations.replies) for status
 * messages. A scan is shared, for a while, by every request of that conversation that it
 * covers: after an outage in a storm, one read serves the whole channel's queue.
 */
export function createStatusMessageSearch(deps: {
  client: ConversationReader;
  now: () => number;
  /** Messages per page. Default 200. */
  pageSize?: number;
  /** Pages read at most per scan. Default 5. */
  maxPages?: number;
  /** How long a scan is kept for other requests of its conversation. Default 60 s. */
  keepMs?: number;
}) {
  const pageSize = deps.pageSize ?? 200;
  const maxPages = deps.maxPages ?? 5;
  const keepMs = deps.keepMs ?? 60_000;
  // Per conversation, the latest scan (perhaps still running).
  const scans = new Map<string, { startedAt: number; since: number; done: Promise<Scan> }>();

  async function scan(
    channel: string,
    threadTs: string | undefined,
    since: number,
    startedAt: number,
  ): Promise<Scan> {
    const found = new Map<string, string[]>();
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page++) {
      const args: PageArgs = {
        channel,
        oldest: slackTs(since),
        limit: pageSize,
        include_all_metadata: true,
        ...(cursor ? { cursor } : {}),
      };
      const res = threadTs
        ? await deps.client.conversations.replies({ ...args, ts: threadTs })
        : await deps.client.conversations.history(args);
      for (const [id, list] of statusMessagesByRequest(res.messages ?? [])) {
        found.set(id, [...(found.get(id) ?? []), ...list].sort(compareTs));
      }
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!res.has_more || !cursor) return { startedAt, since, complete: true, found };
    }
    return { startedAt, since, complete: false, found };
  }

  function usable(s: Scan, requestId: string, since: number, notBefore: number): boolean {
    return s.startedAt >= notBefore && s.since <= since && (s.complete || s.found.has(requestId));
  }

  return {
    /**
     * The status messages of `requestId` posted after `since` in its channel or thread, from a
     * scan that started no earlier than `notBefore` (so it saw every post made before then).
     */
    async find(p: {
      requestId: string;
      channel: string;
      threadTs?: string;
      since: number;
      notBefore: number;
    }): Promise<SearchResult> {
      const key = `${p.channel}|${p.threadTs ?? ''}`;
      for (const [k, kept] of scans) if (deps.now() - kept.startedAt > keepMs) scans.delete(k);
      const kept = scans.get(key);
      let s: Scan | undefined;
      if (kept && kept.startedAt >= p.notBefore && kept.since <= p.since) {
        const result = await kept.done;
        if (usable(result, p.requestId, p.since, p.notBefore)) s = result;
      }
      if (!s) {
        const startedAt = deps.now();
        const done = scan(p.channel, p.threadTs, p.since, startedAt);
        const entry = { startedAt, since: p.since, done };
        scans.set(key, entry);
        done.catch(() => {
          if (scans.get(key) === entry) scans.delete(key);
        });
        s = await done;
      }
      return { ts: s.found.get(p.requestId) ?? [], complete: s.complete };
    },
  };
}
export type StatusMessageSearch = ReturnType<typeof createStatusMessageSearch>;
