// What happened in the local workspace: messages, threads, ephemerals, open modals, each user's
// App Home tab, and a log of every Web API call. Every change is also emitted as a StateEvent,
// which is what the test client's waitFor… helpers and the page's Server-Sent Events listen to.
import { EventEmitter } from 'node:events';

export interface SlackBlock {
  type: string;
  block_id?: string;
  [key: string]: unknown;
}

export interface Message {
  channel: string;
  ts: string;
  /** Set on replies; the parent's ts. */
  thread_ts?: string;
  text: string;
  blocks: SlackBlock[];
  /** Author: the bot's user id, or the user who wrote it. */
  user: string;
  bot_id?: string;
  edited?: { user: string; ts: string };
  metadata?: unknown;
  /** For ephemeral messages: the only user who sees it. */
  visible_to?: string;
  /**
   * Where it came from, so a test can tell a response_url answer from an API post; 'slack' is
   * Slack's own (Slackbot's) answer, e.g. to an unknown command.
   */
  source: 'api' | 'response_url' | 'ack' | 'user' | 'slack';
  /** On a thread's parent: how many replies it has. */
  reply_count?: number;
}

export interface ModalView {
  id: string;
  team_id: string;
  type: 'modal';
  title: { type: 'plain_text'; text: string };
  submit?: { type: 'plain_text'; text: string };
  close?: { type: 'plain_text'; text: string };
  blocks: SlackBlock[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, Record<string, unknown>> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  bot_id: string;
  /** Problems the bot returned with response_action "errors", by block_id. */
  errors?: Record<string, string>;
}

/** A user's App Home tab, as the bot last published it (views.publish). */
export interface HomeView {
  id: string;
  team_id: string;
  type: 'home';
  blocks: SlackBlock[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, Record<string, unknown>> };
  hash: string;
  clear_on_close: false;
  notify_on_close: false;
  root_view_id: string;
  previous_view_id: null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
}

export interface OpenModal {
  user: string;
  /** Bottom first; the last one is the one showing. */
  stack: ModalView[];
}

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  ok: boolean;
  error?: string;
  status: number;
  at: number;
}

export type StateEvent =
  | { kind: 'message'; message: Message }
  | { kind: 'message_changed'; message: Message }
  | { kind: 'message_deleted'; channel: string; ts: string; visible_to?: string }
  | { kind: 'ephemeral'; message: Message }
  | { kind: 'view'; user: string; view: ModalView | null }
  | { kind: 'home'; user: string; view: HomeView }
  | { kind: 'api_call'; call: ApiCall }
  | { kind: 'notice'; user?: string; text: string; level: 'info' | 'error' };

export class WorkspaceState {
  readonly messages: Message[] = [];
  readonly ephemerals: Message[] = [];
  readonly modals = new Map<string, OpenModal>();
  /** Each user's Home tab, by user id. */
  readonly homes = new Map<string, HomeView>();
  readonly calls: ApiCall[] = [];
  readonly events = new EventEmitter();
  private lastTs = 0;

  constructor(private readonly now: () => number) {
    this.events.setMaxListeners(0);
  }

  /** A unique, increasing message ts in Slack's "seconds.micro" form. */
  nextTs(): string {
    const micros = Math.max(this.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    const seconds = Math.floor(micros / 1_000_000);
    const rest = String(micros % 1_000_000).padStart(6, '0');
    return `${seconds}.${rest}`;
  }

  emit(event: StateEvent): void {
    this.events.emit('event', event);
  }

  /** Returns an unsubscribe function. */
  subscribe(listener: (event: StateEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  addMessage(message: Message): Message {
    this.messages.push(message);
    if (message.thread_ts !== undefined) {
      const parent = this.findMessage(message.channel, message.thread_ts);
      if (parent) parent.reply_count = (parent.reply_count ?? 0) + 1;
    }
    this.emit({ kind: 'message', message });
    return message;
  }

  addEphemeral(message: Message): Message {
    this.ephemerals.push(message);
    this.emit({ kind: 'ephemeral', message });
    return message;
  }

  findMessage(channel: string, ts: string): Message | undefined {
    return this.messages.find((m) => m.channel === channel && m.ts === ts);
  }

  findEphemeral(channel: string, ts: string): Message | undefined {
    return this.ephemerals.find((m) => m.channel === channel && m.ts === ts);
  }

  replaceMessage(target: Message, update: Partial<Message>): Message {
    Object.assign(target, update);
    this.emit({ kind: 'message_changed', message: target });
    return target;
  }

  deleteMessage(target: Message): void {
    const list = target.visible_to === undefined ? this.messages : this.ephemerals;
    const index = list.indexOf(target);
    if (index >= 0) list.splice(index, 1);
    const event: StateEvent = { kind: 'message_deleted', channel: target.channel, ts: target.ts };
    if (target.visible_to !== undefined) event.visible_to = target.visible_to;
    this.emit(event);
  }

  /** Top-level messages of a channel (replies excluded), oldest first. */
  channelMessages(channel: string): Message[] {
    return this.messages.filter(
      (m) => m.channel === channel && (m.thread_ts === undefined || m.thread_ts === m.ts),
    );
  }

  /** The parent and its replies, oldest first. */
  thread(channel: string, ts: string): Message[] {
    return this.messages.filter(
      (m) => m.channel === channel && (m.ts === ts || m.thread_ts === ts),
    );
  }

  ephemeralsFor(user: string): Message[] {
    return this.ephemerals.filter((m) => m.visible_to === user);
  }

  currentView(user: string): ModalView | undefined {
    const modal = this.modals.get(user);
    return modal?.stack[modal.stack.length - 1];
  }

  findView(viewId: string): { modal: OpenModal; index: number } | undefined {
    for (const modal of this.modals.values()) {
      const index = modal.stack.findIndex((v) => v.id === viewId);
      if (index >= 0) return { modal, index };
    }
    return undefined;
  }

  findViewByExternalId(externalId: string): { modal: OpenModal; index: number } | undefined {
    for (const modal of this.modals.values()) {
      const index = modal.stack.findIndex((v) => v.external_id === externalId);
      if (index >= 0) return { modal, index };
    }
    return undefined;
  }

  setModal(user: string, stack: ModalView[]): void {
    if (stack.length === 0) this.modals.delete(user);
    else this.modals.set(user, { user, stack });
    this.emit({ kind: 'view', user, view: stack[stack.length - 1] ?? null });
  }

  setHome(user: string, view: HomeView): void {
    this.homes.set(user, view);
    this.emit({ kind: 'home', user, view });
  }

  findHome(viewId: string): HomeView | undefined {
    for (const view of this.homes.values()) if (view.id === viewId) return view;
    return undefined;
  }

  logCall(call: ApiCall): void {
    this.calls.push(call);
    this.emit({ kind: 'api_call', call });
  }

  notice(text: string, level: 'info' | 'error', user?: string): void {
    const event: StateEvent = { kind: 'notice', text, level };
    if (user !== undefined) event.user = user;
    this.emit(event);
  }
}
