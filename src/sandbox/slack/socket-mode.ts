// Socket Mode as Slack speaks it: apps.connections.open hands out single-use ws:// URLs for the
// app-level (xapp-) token, the WebSocket server greets with `hello`, delivers commands and
// interactions as envelopes and waits for their acks, and announces closes with `disconnect`.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { AckResult, EnvelopeDelivery } from './towards-bot.js';

export type EnvelopeType = Parameters<EnvelopeDelivery['deliver']>[0];
export type DisconnectReason = 'refresh_requested' | 'warning' | 'link_disabled';

export interface SocketModeOptions {
  /** The app-level token (xapp-…) that apps.connections.open accepts. */
  appToken: string | undefined;
  apiAppId: string;
  ackTimeoutMs: number;
  /** http://host:port of the local Slack; the ws:// URLs are built from it. */
  baseUrl: () => string;
  /** Redeliveries of an envelope not acked in time (retry_attempt 1…n). Default 3. */
  maxRetries?: number;
}

/** One envelope sent (or given up), as the tests and the page may look at it. */
export interface Delivery {
  envelopeId: string;
  type: EnvelopeType;
  retryAttempt: number;
  retryReason: string;
  /** The payload's trigger_id: the same on every redelivery of one request. */
  triggerId: string | undefined;
  outcome: 'waiting' | 'acked' | 'timeout' | 'dispatch_failed';
}

interface PendingAck {
  resolve: (payload: unknown) => void;
}

/** Redeliveries are sent with this reason, as Slack's after an ack timeout. */
export const RETRY_REASON_TIMEOUT = 'timeout';

export class SocketMode implements EnvelopeDelivery {
  private readonly tickets = new Set<string>();
  private readonly connections: WebSocket[] = [];
  /** Told to disconnect (refresh_requested, link_disabled): no new envelopes go there. */
  private readonly draining = new WeakSet<WebSocket>();
  private readonly pending = new Map<string, PendingAck>();
  /** Envelopes waiting for a connection to open (during a reconnect), oldest first. */
  private readonly held: Array<(ws: WebSocket | undefined) => void> = [];
  private readonly log: Delivery[] = [];
  private readonly wss = new WebSocketServer({ noServer: true });
  private next = 0;
  private acksToIgnore = 0;
  private revoked = false;
  private down = false;

  constructor(private readonly opts: SocketModeOptions) {}

  /** apps.connections.open's HTTP answer: 503 during an outage, else 200 with open()'s body. */
  answerOpen(token: string | undefined): { status: number; body: unknown } {
    if (this.down) return { status: 503, body: { ok: false, error: 'service_unavailable' } };
    return { status: 200, body: this.open(token) };
  }

  /** apps.connections.open: a single-use URL for the app-level token, Slack's errors otherwise. */
  open(token: string | undefined): { ok: true; url: string } | { ok: false; error: string } {
    if (!token) return { ok: false, error: 'not_authed' };
    if (this.revoked && token === this.opts.appToken) return { ok: false, error: 'token_revoked' };
    if (!token.startsWith('xapp-')) {
      return {
        ok: false,
        error: token.startsWith('xox') ? 'not_allowed_token_type' : 'invalid_auth',
      };
    }
    if (token !== this.opts.appToken) return { ok: false, error: 'invalid_auth' };
    const ticket = randomBytes(16).toString('hex');
    this.tickets.add(ticket);
    const wsBase = this.opts.baseUrl().replace(/^http/, 'ws');
    return { ok: true, url: `${wsBase}/link/?ticket=${ticket}` };
  }

  /** Takes the server's upgrade requests: /link/?ticket=… once per ticket. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? '/', 'http://local');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (this.down) {
        socket.end(
          'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
        );
        return;
      }
      if (url.pathname !== '/link/' || !this.tickets.delete(ticket)) {
        socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
  }

  connectionCount(): number {
    return this.connections.length;
  }

  /** Every envelope sent so far, redeliveries included, in order. */
  deliveries(): readonly Delivery[] {
    return this.log;
  }

  /** The next `count` acks are lost on the way (as if they came too late): their envelopes are redelivered. */
  ignoreAcks(count: number): void {
    this.acksToIgnore += count;
  }

  /**
   * The app-level token is revoked (as on api.slack.com/apps): apps.connections.open answers
   * token_revoked for it from now on, and every connection is told `link_disabled`.
   */
  revokeAppToken(): void {
    this.revoked = true;
    this.disconnect('link_disabled');
  }

  /**
   * Slack unreachable (true) or back (false). While down, apps.connections.open answers HTTP 503
   * and WebSocket upgrades 503; going down drops every connection without a close frame, as a
   * lost network does.
   */
  outage(down: boolean): void {
    this.down = down;
    if (down) for (const ws of this.connections) ws.terminate();
  }

  private accept(ws: WebSocket): void {
    this.connections.push(ws);
    ws.on('message', (data) => this.onAck(String(data)));
    ws.on('close', () => {
      const index = this.connections.indexOf(ws);
      if (index >= 0) this.connections.splice(index, 1);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.connections.length,
        connection_info: { app_id: this.opts.apiAppId },
        debug_info: {
          host: 'applink-local',
          build_number: 1,
          approximate_connection_time: 18060,
        },
      }),
    );
    // Envelopes held during a reconnect go out now, oldest first.
    for (const send of this.held.splice(0)) send(this.pick());
  }

  private onAck(text: string): void {
    let ack: { envelope_id?: unknown; payload?: unknown };
    try {
      ack = JSON.parse(text) as typeof ack;
    } catch {
      return;
    }
    if (typeof ack.envelope_id !== 'string') return;
    const waiting = this.pending.get(ack.envelope_id);
    if (!waiting) return;
    if (this.acksToIgnore > 0) {
      this.acksToIgnore -= 1;
      return;
    }
    this.pending.delete(ack.envelope_id);
    waiting.resolve(ack.payload);
  }

  /** An open connection not told to go, round-robin; undefined when there is none. */
  private pick(): WebSocket | undefined {
    const open = this.connections.filter(
      (ws) => ws.readyState === ws.OPEN && !this.draining.has(ws),
    );
    return open.length === 0 ? undefined : open[this.next++ % open.length];
  }

  /** An open connection now, or the first to open within `ms`; undefined after that. */
  private connection(ms: number): Promise<WebSocket | undefined> {
    const now = this.pick();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => {
      const send = (ws: WebSocket | undefined) => {
        clearTimeout(timer);
        resolve(ws);
      };
      const timer = setTimeout(() => {
        const index = this.held.indexOf(send);
        if (index >= 0) this.held.splice(index, 1);
        resolve(undefined);
      }, ms);
      this.held.push(send);
    });
  }

  /**
   * Sends an envelope on one open connection and waits for its ack, like an HTTP request: the
   * answer comes within the ack timeout (ack, operation_timeout, or dispatch_failed when no
   * connection opened in that time; one that opens meanwhile, as after a refresh, gets it).
   * An envelope not acked in time is redelivered, up to maxRetries times, with retry_attempt
   * 1, 2, 3 and retry_reason 'timeout'; what those acks say is not shown (the user has seen the
   * error by then, as in Slack).
   */
  deliver(type: EnvelopeType, payload: Record<string, unknown>): Promise<AckResult> {
    const deadline = Date.now() + this.opts.ackTimeoutMs;
    const maxRetries = this.opts.maxRetries ?? 3;
    return new Promise<AckResult>((resolve) => {
      const answer = (r: AckResult) => resolve(r);
      const attempt = async (n: number): Promise<void> => {
        const outcome = await this.sendOnce(type, payload, n, n === 0 ? deadline : undefined);
        if (n === 0) {
          if (outcome.kind === 'acked') {
            answer({ status: 200, ack: isEmpty(outcome.payload) ? undefined : outcome.payload });
          } else {
            answer({ status: 0, ack: undefined, error: outcome.kind });
          }
        }
        if (outcome.kind === 'operation_timeout' && n < maxRetries) await attempt(n + 1);
      };
      void attempt(0);
    });
  }

  private async sendOnce(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    retryAttempt: number,
    deadline: number | undefined,
  ): Promise<
    | { kind: 'acked'; payload: unknown }
    | { kind: 'operation_timeout' }
    | { kind: 'dispatch_failed' }
  > {
    const until = deadline ?? Date.now() + this.opts.ackTimeoutMs;
    const entry: Delivery = {
      envelopeId: randomUUID(),
      type,
      retryAttempt,
      retryReason: retryAttempt === 0 ? '' : RETRY_REASON_TIMEOUT,
      triggerId: typeof payload.trigger_id === 'string' ? payload.trigger_id : undefined,
      outcome: 'waiting',
    };
    const ws = await this.connection(Math.max(0, until - Date.now()));
    if (!ws) {
      entry.outcome = 'dispatch_failed';
      this.log.push(entry);
      return { kind: 'dispatch_failed' };
    }
    this.log.push(entry);
    const acceptsResponsePayload = type === 'slash_commands' || payload.type === 'view_submission';
    return new Promise((resolve) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(entry.envelopeId);
          entry.outcome = 'timeout';
          resolve({ kind: 'operation_timeout' });
        },
        Math.max(0, until - Date.now()),
      );
      this.pending.set(entry.envelopeId, {
        resolve: (ackPayload) => {
          clearTimeout(timer);
          entry.outcome = 'acked';
          resolve({ kind: 'acked', payload: ackPayload });
        },
      });
      ws.send(
        JSON.stringify({
          envelope_id: entry.envelopeId,
          type,
          payload,
          accepts_response_payload: acceptsResponsePayload,
          retry_attempt: retryAttempt,
          retry_reason: entry.retryReason,
        }),
      );
    });
  }

  /** Announces a close on every connection, as Slack does before it drops them. */
  disconnect(reason: DisconnectReason): void {
    const message = JSON.stringify({
      type: 'disconnect',
      reason,
      debug_info: { host: 'applink-local' },
    });
    for (const ws of this.connections) {
      // A refresh or a disabled link: nothing more is sent there; a warning changes nothing yet.
      if (reason !== 'warning') this.draining.add(ws);
      ws.send(message);
    }
  }

  close(): void {
    for (const send of this.held.splice(0)) send(undefined);
    for (const ws of this.connections) ws.terminate();
    this.wss.close();
  }
}

function isEmpty(payload: unknown): boolean {
  return (
    payload === undefined ||
    payload === null ||
    payload === '' ||
    (typeof payload === 'object' && Object.keys(payload).length === 0)
  );
}
