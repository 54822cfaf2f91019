// The workspace page: loads a snapshot, follows Server-Sent Events, and acts through /_page/….
import { el, mrkdwn, plainText, readInputs, renderBlocks, textObject } from './blocks.js';
import { refreshLocalAws, setupLocalAws } from './local-aws.js';

const PERSONA_LABELS = {
  'on-call': 'on-call',
  manager: 'manager',
  'release-manager': 'release manager',
  outsider: 'outsider',
};
const PERSONA_HINTS = {
  'on-call': 'On-call engineers can ask for rollbacks.',
  manager: 'Managers can approve risky rollbacks (not their own).',
  'release-manager': 'Release managers can freeze and unfreeze deploys, and approve.',
  outsider: 'An outsider: the bot should refuse most things.',
};

const app = {
  data: null,
  user: localStorage.getItem('sandbox.user') ?? '',
  channel: localStorage.getItem('sandbox.channel') ?? '',
  thread: null, // ts of the open thread
  home: localStorage.getItem('sandbox.pane') === 'home', // the bot's Home tab instead of a channel
  modalKey: '',
};

const $ = (id) => document.getElementById(id);

const lookup = {
  userName: (id) => app.data?.users.find((u) => u.id === id)?.name ?? id,
  channelName: (id) => app.data?.channels.find((c) => c.id === id)?.name ?? id,
  groupHandle: (id) => app.data?.userGroups.find((g) => g.id === id)?.handle ?? id,
  users: () => (app.data?.users ?? []).map((u) => ({ id: u.id, label: u.realName })),
  channels: () =>
    (app.data?.channels ?? [])
      .filter((c) => !c.isIm)
      .map((c) => ({ id: c.id, label: `#${c.name}` })),
};

async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : {};
  } catch {
    json = { error: text };
  }
  if (!response.ok) throw new Error(json.error ?? `HTTP ${response.status}`);
  return json;
}

function toast(text, level = 'info') {
  const node = el('div', `toast toast-${level}`, text);
  $('toasts').append(node);
  setTimeout(() => node.remove(), level === 'error' ? 9000 : 5000);
}

// ---------- rendering ----------

function initials(name) {
  return name
    .split(/\s+/)
    .map((p) => p[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
}

function hue(id) {
  let h = 0;
  for (const c of id) h = (h * 31 + c.charCodeAt(0)) % 360;
  return h;
}

function timeOf(ts) {
  const date = new Date(Number(ts.split('.')[0]) * 1000);
  return date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

function author(message) {
  if (message.bot_id) return { name: app.data.bot.name, bot: true, id: message.bot_id };
  if (message.user === 'USLACKBOT') return { name: 'Slackbot', bot: false, id: message.user };
  const user = app.data.users.find((u) => u.id === message.user);
  return { name: user?.realName ?? message.user, bot: false, id: message.user };
}

function renderMessage(message, { inThread }) {
  const item = el('li', 'message');
  item.dataset.ts = message.ts;
  item.dataset.testid = 'message';
  if (message.visible_to) item.classList.add('ephemeral');
  const who = author(message);
  const avatar = el(
    'div',
    `avatar${who.bot ? ' avatar-bot' : ''}`,
    who.bot ? '↺' : initials(who.name),
  );
  avatar.style.setProperty('--hue', String(hue(who.id)));
  const body = el('div', 'message-body');
  const meta = el('div', 'meta');
  meta.append(el('span', 'author', who.name));
  if (who.bot) meta.append(el('span', 'badge', 'APP'));
  meta.append(el('time', 'time', timeOf(message.ts)));
  if (message.edited) meta.append(el('span', 'edited', '(edited)'));
  if (message.visible_to) meta.append(el('span', 'only-you', 'Only visible to you'));
  body.append(meta);
  const ctx = {
    surface: 'message',
    lookup,
    act: (element, block, values) => act({ message, element, block, values }),
  };
  if (message.blocks?.length) body.append(renderBlocks(message.blocks, ctx));
  else body.append(wrap(mrkdwn(message.text ?? '', lookup), 'text'));
  if (!inThread && message.reply_count) {
    const link = el(
      'button',
      'link replies',
      `${message.reply_count} ${message.reply_count === 1 ? 'reply' : 'replies'}`,
    );
    link.type = 'button';
    link.addEventListener('click', () => openThread(message.ts));
    body.append(link);
  } else if (!inThread && !message.visible_to && !message.thread_ts) {
    const link = el('button', 'link reply-action', 'Reply in thread');
    link.type = 'button';
    link.addEventListener('click', () => openThread(message.ts));
    body.append(link);
  }
  item.append(avatar, body);
  return item;
}

function visibleHere(message) {
  return (
    message.channel === app.channel && (!message.visible_to || message.visible_to === app.user)
  );
}

function channelItems() {
  const { messages, ephemerals } = app.data;
  return [...messages, ...ephemerals]
    .filter(visibleHere)
    .filter((m) => !m.thread_ts || m.thread_ts === m.ts)
    .sort((a, b) => Number(a.ts) - Number(b.ts));
}

function renderList(list, items, inThread) {
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.replaceChildren(...items.map((m) => renderMessage(m, { inThread })));
  if (items.length === 0) {
    list.append(
      el('li', 'empty', inThread ? 'No replies yet.' : 'Nothing here yet. Try /rollback help.'),
    );
  }
  if (nearBottom) list.scrollTop = list.scrollHeight;
}

function renderMessages() {
  renderList($('messages'), channelItems(), false);
  if (app.thread) {
    const { messages, ephemerals } = app.data;
    const items = [...messages, ...ephemerals]
      .filter(visibleHere)
      .filter((m) => m.ts === app.thread || m.thread_ts === app.thread)
      .sort((a, b) => Number(a.ts) - Number(b.ts));
    renderList($('thread-messages'), items, true);
  }
}

function renderChannels() {
  const channels = app.data.channels.filter((c) => !c.isIm);
  const dms = app.data.channels.filter((c) => c.isIm && c.user === app.user);
  const item = (channel, label) => {
    const li = el('li');
    const button = el(
      'button',
      `channel-link${channel.id === app.channel && !app.home ? ' active' : ''}`,
      label,
    );
    button.type = 'button';
    if (!channel.botIsMember) button.title = 'The bot is not in this channel';
    button.addEventListener('click', () => selectChannel(channel.id));
    li.append(button);
    return li;
  };
  $('channel-list').replaceChildren(
    ...channels.map((c) => item(c, `# ${c.name}${c.botIsMember ? '' : ' (no bot)'}`)),
  );
  $('dm-list').replaceChildren(...dms.map((c) => item(c, app.data.bot.name)));
  $('dm-heading').hidden = dms.length === 0;
  const current = app.data.channels.find((c) => c.id === app.channel);
  $('channel-title').textContent = current?.isIm ? app.data.bot.name : `# ${current?.name ?? ''}`;
  $('channel-topic').textContent = current?.topic ?? '';
}

// ---------- the bot's App Home tab ----------

/** Shows the acting user's Home tab as the bot last published it, or the channel. */
function renderHome() {
  const pane = $('home-view');
  $('home-link').classList.toggle('active', app.home);
  for (const id of ['messages', 'composer']) $(id).hidden = app.home;
  document.querySelector('.composer-hint').hidden = app.home;
  pane.hidden = !app.home;
  if (!app.home) return;
  $('channel-title').textContent = app.data.bot.name;
  $('channel-topic').textContent = 'Home';
  const view = app.data.homes?.[app.user];
  if (!view) {
    pane.replaceChildren(el('p', 'empty', 'The app has not published a Home tab for you yet.'));
    return;
  }
  pane.replaceChildren(
    renderBlocks(view.blocks, {
      surface: 'home',
      lookup,
      act: (element, block, values) => act({ view, element, block, values }),
    }),
  );
}

/** Opens the Home tab: Slack tells the app (app_home_opened), which publishes it. */
async function openHome() {
  app.home = true;
  app.thread = null;
  $('thread-pane').hidden = true;
  localStorage.setItem('sandbox.pane', 'home');
  renderChannels();
  renderHome();
  try {
    const result = await post('/_page/home', { user: app.user });
    if (result.error) toast(`The app did not answer: ${result.error}`, 'error');
    else if (!result.sent) toast('The app does not listen to app_home_opened', 'error');
  } catch (error) {
    toast(error.message, 'error');
  }
}

function renderUsers() {
  const switcher = $('user-switcher');
  switcher.replaceChildren(
    ...app.data.users.map((u) => {
      const o = el('option', '', `${u.realName} — ${PERSONA_LABELS[u.persona] ?? u.persona}`);
      o.value = u.id;
      return o;
    }),
  );
  switcher.value = app.user;
  const me = app.data.users.find((u) => u.id === app.user);
  $('persona-hint').textContent = PERSONA_HINTS[me?.persona] ?? '';
}

function renderModal() {
  const view = app.data.modals[app.user];
  const key = view ? `${view.id}:${view.hash}:${JSON.stringify(view.errors ?? {})}` : '';
  if (key === app.modalKey) return;
  app.modalKey = key;
  const root = $('modal-root');
  root.replaceChildren();
  if (!view) return;
  const backdrop = el('div', 'backdrop');
  const dialog = el('div', 'modal');
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-modal', 'true');
  dialog.dataset.testid = 'modal';
  const header = el('header', 'modal-header');
  header.append(el('h2', '', plainText(view.title)));
  const closeX = el('button', 'link', '✕');
  closeX.type = 'button';
  closeX.setAttribute('aria-label', 'Close');
  closeX.addEventListener('click', closeModal);
  header.append(closeX);
  const content = el('div', 'modal-content');
  content.append(
    renderBlocks(view.blocks, {
      surface: 'modal',
      lookup,
      errors: view.errors,
      act: (element, block, values) => act({ view, element, block, values }),
    }),
  );
  const footer = el('footer', 'modal-footer');
  const close = el('button', 'btn', view.close?.text ?? 'Cancel');
  close.type = 'button';
  close.addEventListener('click', closeModal);
  footer.append(close);
  if (view.submit) {
    const submit = el('button', 'btn btn-primary', view.submit.text);
    submit.type = 'button';
    submit.addEventListener('click', async () => {
      submit.disabled = true;
      try {
        const result = await post('/_page/submit', {
          user: app.user,
          viewId: view.id,
          values: readInputs(content),
        });
        if (result.error) toast(`The app did not answer: ${result.error}`, 'error');
      } catch (error) {
        toast(error.message, 'error');
      } finally {
        submit.disabled = false;
      }
    });
    footer.append(submit);
  }
  dialog.append(header, content, footer);
  backdrop.append(dialog);
  root.append(backdrop);
}

async function closeModal() {
  await post('/_page/close', { user: app.user }).catch((e) => toast(e.message, 'error'));
}

function renderAll() {
  renderUsers();
  renderChannels();
  renderMessages();
  renderModal();
  renderHome();
  const status = $('bot-status');
  const transport = app.data.transport === 'socket' ? 'Socket Mode' : 'HTTP';
  status.textContent = app.data.botConnected
    ? `Bot connected (${transport}).`
    : `No bot connected yet (${transport}).`;
  status.classList.toggle('down', !app.data.botConnected);
}

// ---------- acting ----------

function confirmDialog(confirm) {
  return new Promise((resolve) => {
    const backdrop = el('div', 'backdrop confirm-backdrop');
    const dialog = el('div', 'modal confirm');
    dialog.setAttribute('role', 'alertdialog');
    dialog.dataset.testid = 'confirm';
    dialog.append(el('h2', '', plainText(confirm.title, 'Are you sure?')));
    dialog.append(wrap(textObject(confirm.text, lookup)));
    const footer = el('footer', 'modal-footer');
    const deny = el('button', 'btn', plainText(confirm.deny, 'Cancel'));
    const ok = el(
      'button',
      `btn btn-${confirm.style ?? 'primary'}`,
      plainText(confirm.confirm, 'Yes'),
    );
    deny.type = 'button';
    ok.type = 'button';
    const done = (value) => {
      backdrop.remove();
      resolve(value);
    };
    deny.addEventListener('click', () => done(false));
    ok.addEventListener('click', () => done(true));
    footer.append(deny, ok);
    dialog.append(footer);
    backdrop.append(dialog);
    document.body.append(backdrop);
    ok.focus();
  });
}

function wrap(node, className = 'confirm-text') {
  const p = el('div', className);
  p.append(node);
  return p;
}

async function act({ message, view, element, block, values }) {
  if (element.confirm && !(await confirmDialog(element.confirm))) return;
  const body = {
    user: app.user,
    blockId: block.block_id,
    actionId: element.action_id,
    values,
  };
  if (view) body.viewId = view.id;
  else
    Object.assign(body, {
      channel: message.channel,
      ts: message.ts,
      ephemeral: Boolean(message.visible_to),
    });
  try {
    const result = await post('/_page/action', body);
    if (result.error) toast(`The app did not answer: ${result.error}`, 'error');
  } catch (error) {
    toast(error.message, 'error');
  }
}

async function send(input, threadTs) {
  const text = input.value.trim();
  if (!text) return;
  input.value = '';
  try {
    if (text.startsWith('/') && !threadTs) {
      const result = await post('/_page/command', { user: app.user, channel: app.channel, text });
      if (result.error) toast(`${text.split(' ')[0]} failed: ${result.error}`, 'error');
    } else {
      const body = { user: app.user, channel: app.channel, text };
      if (threadTs) body.thread_ts = threadTs;
      await post('/_page/say', body);
    }
  } catch (error) {
    toast(error.message, 'error');
    input.value = text;
  }
}

function selectChannel(id) {
  app.channel = id;
  app.home = false;
  localStorage.setItem('sandbox.pane', 'channel');
  renderHome();
  app.thread = null;
  $('thread-pane').hidden = true;
  localStorage.setItem('sandbox.channel', id);
  renderChannels();
  renderMessages();
  $('messages').scrollTop = $('messages').scrollHeight;
}

function openThread(ts) {
  app.thread = ts;
  $('thread-pane').hidden = false;
  renderMessages();
}

// ---------- live state ----------

function sameMessage(a, b) {
  return a.channel === b.channel && a.ts === b.ts;
}

function apply(event) {
  if (!app.data) return; // the snapshot being loaded already has it
  const { messages, ephemerals } = app.data;
  switch (event.kind) {
    case 'message':
      if (messages.some((m) => sameMessage(m, event.message))) return;
      messages.push(event.message);
      if (event.message.thread_ts) {
        const parent = messages.find(
          (m) => m.channel === event.message.channel && m.ts === event.message.thread_ts,
        );
        if (parent) parent.reply_count = (parent.reply_count ?? 0) + 1;
      }
      break;
    case 'ephemeral':
      if (ephemerals.some((m) => sameMessage(m, event.message))) return;
      ephemerals.push(event.message);
      break;
    case 'message_changed': {
      const list = event.message.visible_to ? ephemerals : messages;
      const index = list.findIndex((m) => sameMessage(m, event.message));
      if (index >= 0) list[index] = event.message;
      else list.push(event.message);
      break;
    }
    case 'message_deleted': {
      const list = event.visible_to ? ephemerals : messages;
      const index = list.findIndex((m) => sameMessage(m, event));
      if (index >= 0) list.splice(index, 1);
      break;
    }
    case 'view':
      if (event.view) app.data.modals[event.user] = event.view;
      else delete app.data.modals[event.user];
      break;
    case 'home':
      app.data.homes ??= {};
      app.data.homes[event.user] = event.view;
      if (event.user === app.user) renderHome();
      return;
    case 'notice':
      if (!event.user || event.user === app.user) toast(event.text, event.level);
      return;
    default:
      return;
  }
  if (event.kind === 'message' || event.kind === 'ephemeral') {
    const m = event.message;
    if (m.channel !== app.channel && (!m.visible_to || m.visible_to === app.user)) {
      const channel = app.data.channels.find((c) => c.id === m.channel);
      if (!channel)
        app.data.channels.push({
          id: m.channel,
          name: m.channel,
          isIm: true,
          user: app.user,
          botIsMember: true,
        });
    }
  }
  renderChannels();
  renderMessages();
  renderModal();
  renderHome();
}

async function load() {
  const response = await fetch('/_page/state');
  app.data = await response.json();
  if (!app.data.users.some((u) => u.id === app.user)) app.user = app.data.users[0]?.id ?? '';
  if (!app.data.channels.some((c) => c.id === app.channel)) {
    app.channel =
      app.data.channels.find((c) => c.botIsMember && !c.isIm)?.id ?? app.data.channels[0]?.id;
  }
  $('team-name').textContent = app.data.team.name;
  renderAll();
  setupLocalAws({
    data: app.data,
    currentUser: () => app.data.users.find((u) => u.id === app.user),
    post,
  });
  $('messages').scrollTop = $('messages').scrollHeight;
  document.body.dataset.ready = 'true';
  if (app.home) void openHome();
}

function listen() {
  const events = new EventSource('/_page/events');
  events.addEventListener('message', (e) => {
    apply(JSON.parse(e.data));
    // The bot acts on AWS around what it posts (a freeze disables a transition): look again.
    void refreshLocalAws();
  });
  events.addEventListener('open', () => {
    document.body.dataset.live = 'true';
  });
  events.addEventListener('error', () => {
    document.body.dataset.live = 'false';
  });
}

$('user-switcher').addEventListener('change', (e) => {
  app.user = e.target.value;
  localStorage.setItem('sandbox.user', app.user);
  app.modalKey = '';
  renderAll();
  if (app.home) void openHome();
});
$('home-link').addEventListener('click', () => void openHome());
$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  send($('composer-input'));
});
$('thread-composer').addEventListener('submit', (e) => {
  e.preventDefault();
  send($('thread-input'), app.thread);
});
$('thread-close').addEventListener('click', () => {
  app.thread = null;
  $('thread-pane').hidden = true;
});

listen();
load().catch((error) => toast(`Could not load the workspace: ${error.message}`, 'error'));
