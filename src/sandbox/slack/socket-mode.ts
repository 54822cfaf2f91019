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
}

interface PendingAck {
  resolve: (payload: unknown) => void;
}

export class SocketMode implements EnvelopeDelivery {
  private readonly tickets = new Set<string>();
  private readonly connections: WebSocket[] = [];
  private readonly pending = new Map<string, PendingAck>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private next = 0;

  constructor(private readonly opts: SocketModeOptions) {}

  /** apps.connections.open: a single-use URL for the app-level token, Slack's errors otherwise. */
  open(token: string | undefined): { ok: true; url: string } | { ok: false; error: string } {
    if (!token) return { ok: false, error: 'not_authed' };
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
    this.pending.delete(ack.envelope_id);
    waiting?.resolve(ack.payload);
  }

  /** Sends an envelope on one open connection and waits for its ack, like an HTTP request. */
  deliver(type: EnvelopeType, payload: Record<string, unknown>): Promise<AckResult> {
    const open = this.connections.filter((ws) => ws.readyState === ws.OPEN);
    if (open.length === 0) {
      return Promise.resolve({ status: 0, ack: undefined, error: 'dispatch_failed' });
    }
    const ws = open[this.next++ % open.length] as WebSocket;
    const envelopeId = randomUUID();
    const acceptsResponsePayload = type === 'slash_commands' || payload.type === 'view_submission';
    return new Promise<AckResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        resolve({ status: 0, ack: undefined, error: 'operation_timeout' });
      }, this.opts.ackTimeoutMs);
      this.pending.set(envelopeId, {
        resolve: (ackPayload) => {
          clearTimeout(timer);
          resolve({ status: 200, ack: isEmpty(ackPayload) ? undefined : ackPayload });
        },
      });
      ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: acceptsResponsePayload,
          retry_attempt: 0,
          retry_reason: '',
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
    for (const ws of this.connections) ws.send(message);
  }

  close(): void {
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
