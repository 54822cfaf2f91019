// Where the local Slack sends commands and interactions over HTTP: one bot URL, or several (web
// replicas behind a load balancer). Requests are spread round robin; a replica that refuses the
// connection is skipped for that request and the next one is tried, as a load balancer's health
// check would take it out. Only a refused connection moves on: the request never reached that
// replica, so sending it elsewhere cannot make it happen twice. A timeout or an error answer is
// the bot's answer (it may have acted), and is reported as Slack would.

export class BotUrls {
  private urls: string[] = [];
  private turn = 0;

  constructor(initial?: string | readonly string[]) {
    if (initial !== undefined) this.set(initial);
  }

  /** Replaces the targets; throws naming a URL that is not http(s). */
  set(urls: string | readonly string[]): void {
    const list = typeof urls === 'string' ? [urls] : [...urls];
    if (list.length === 0) throw new Error('setBotUrl: give at least one bot URL');
    for (const url of list) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new Error(
          `setBotUrl: "${url}" is not a URL (e.g. http://127.0.0.1:3001/slack/events)`,
        );
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new Error(`setBotUrl: "${url}" is not http(s)`);
      }
    }
    this.urls = list;
    this.turn = 0;
  }

  /** Every target, in the order given. */
  list(): readonly string[] {
    return this.urls;
  }

  /** The first target (undefined before any is set). */
  first(): string | undefined {
    return this.urls[0];
  }

  /** The order to try for one request: the next in turn first, then the others after it. */
  order(): string[] {
    const n = this.urls.length;
    if (n === 0) return [];
    const start = this.turn % n;
    this.turn = (this.turn + 1) % n;
    return [...this.urls.slice(start), ...this.urls.slice(0, start)];
  }
}

/** True when `error` (from fetch) is a refused connection: nothing reached the server. */
export function connectionRefused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
  if (cause?.code === 'ECONNREFUSED') return true;
  return cause?.errors?.some((e) => e.code === 'ECONNREFUSED') ?? false;
}
