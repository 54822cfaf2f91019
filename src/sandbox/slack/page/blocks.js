// Block Kit rendered readably and inertly: every piece of message data reaches the DOM through
// textContent or attribute setters, never innerHTML.

/** Creates an element with a class and optional text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function decodeEntities(text) {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Slack mrkdwn → DOM: <links|labels>, <@U…>, <#C…>, <!here>, *bold*, _italic_, ~strike~,
 * `code` and ```blocks```. Unknown syntax stays as text.
 */
export function mrkdwn(text, lookup) {
  const root = el('span', 'mrkdwn');
  const parts = String(text).split(/(```[\s\S]*?```)/);
  for (const part of parts) {
    if (part.startsWith('```') && part.endsWith('```') && part.length >= 6) {
      root.append(el('pre', 'code-block', decodeEntities(part.slice(3, -3))));
    } else {
      appendInline(root, part, lookup);
    }
  }
  return root;
}

function appendInline(parent, text, lookup) {
  const tokens = text.split(/(<[^<>\s][^<>]*>|`[^`\n]+`)/);
  for (const token of tokens) {
    if (!token) continue;
    if (token.startsWith('`') && token.endsWith('`') && token.length > 1) {
      parent.append(el('code', '', decodeEntities(token.slice(1, -1))));
    } else if (token.startsWith('<') && token.endsWith('>')) {
      parent.append(reference(token.slice(1, -1), lookup));
    } else {
      appendEmphasis(parent, token);
    }
  }
}

function reference(inner, lookup) {
  const [target, label] = inner.split('|');
  if (target.startsWith('@')) {
    return el('span', 'mention', `@${label || lookup.userName(target.slice(1))}`);
  }
  if (target.startsWith('#')) {
    return el('span', 'mention', `#${label || lookup.channelName(target.slice(1))}`);
  }
  if (target.startsWith('!date^')) {
    const node = el('span', 'slack-date', slackDate(target, label));
    if (label) node.title = decodeEntities(label);
    return node;
  }
  if (target.startsWith('!subteam^')) {
    return el('span', 'mention', label || `@${lookup.groupHandle(target.slice(9))}`);
  }
  if (target.startsWith('!')) return el('span', 'mention', `@${label || target.slice(1)}`);
  if (/^(https?:|mailto:)/.test(target)) {
    const a = el('a', '', decodeEntities(label || target));
    a.href = target;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    return a;
  }
  return document.createTextNode(decodeEntities(`<${inner}>`));
}

const DAY_MS = 86_400_000;
const fmt = (d, options) => d.toLocaleString(undefined, options);
const dayName = (d) => fmt(d, { weekday: 'long' });
const monthDay = (d, month) => `${fmt(d, { month })} ${d.getDate()}`;
const DATE_TOKENS = {
  date_num: (d) =>
    `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`,
  date_slash: (d) => fmt(d, { day: '2-digit', month: '2-digit', year: 'numeric' }),
  date: (d) => `${monthDay(d, 'long')}, ${d.getFullYear()}`,
  date_short: (d) => `${monthDay(d, 'short')}, ${d.getFullYear()}`,
  date_long: (d) => `${dayName(d)}, ${monthDay(d, 'long')}, ${d.getFullYear()}`,
  date_long_full: (d) => `${monthDay(d, 'long')}, ${d.getFullYear()}`,
  time: (d) => fmt(d, { hour: 'numeric', minute: '2-digit' }),
  time_secs: (d) => fmt(d, { hour: 'numeric', minute: '2-digit', second: '2-digit' }),
};

/** "Today", "Yesterday" or "Tomorrow" in the viewer's own time zone, else undefined. */
function relativeDay(d) {
  const start = (x) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const days = Math.round((start(d) - start(new Date())) / DAY_MS);
  return { '-1': 'Yesterday', 0: 'Today', 1: 'Tomorrow' }[days];
}
for (const base of ['date', 'date_short', 'date_long']) {
  DATE_TOKENS[`${base}_pretty`] = (d) => relativeDay(d) ?? DATE_TOKENS[base](d);
}

/**
 * `<!date^UNIX^tokens|fallback>` as Slack shows it: in the viewer's own time zone (the
 * browser's). A bad timestamp or an unknown token shows the fallback, as Slack does.
 */
function slackDate(target, fallback) {
  const [, unix, format = ''] = target.split('^');
  const d = new Date(Number(unix) * 1000);
  if (!/^\d+$/.test(unix ?? '') || Number.isNaN(d.getTime())) return fallback ?? '';
  let unknown = false;
  const text = format.replace(/\{([a-z_]+)\}/g, (_, token) => {
    const f = DATE_TOKENS[token];
    if (!f) unknown = true;
    return f ? f(d) : '';
  });
  return unknown ? (fallback ?? '') : text;
}

function appendEmphasis(parent, text) {
  const pattern = /(^|[\s(])([*_~])(?=\S)([^\n]*?\S)\2(?=$|[\s).,!?:;])/g;
  let last = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const start = match.index + match[1].length;
    appendText(parent, text.slice(last, start));
    const tag = match[2] === '*' ? 'strong' : match[2] === '_' ? 'em' : 's';
    const inner = el(tag);
    appendEmphasis(inner, match[3]);
    parent.append(inner);
    last = pattern.lastIndex;
  }
  appendText(parent, text.slice(last));
}

const EMOJI = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  rotating_light: '🚨',
  rewind: '⏪',
  arrow_backward: '◀️',
  hourglass_flowing_sand: '⏳',
  hourglass: '⌛',
  lock: '🔒',
  unlock: '🔓',
  snowflake: '❄️',
  no_entry: '⛔',
  no_entry_sign: '🚫',
  rocket: '🚀',
  fire: '🔥',
  large_green_circle: '🟢',
  red_circle: '🔴',
  large_yellow_circle: '🟡',
  information_source: 'ℹ️',
  bell: '🔔',
  eyes: '👀',
  thumbsup: '👍',
  thumbsdown: '👎',
  stopwatch: '⏱️',
  clipboard: '📋',
  leftwards_arrow_with_hook: '↩️',
  arrows_counterclockwise: '🔄',
  alarm_clock: '⏰',
  heavy_multiplication_x: '✖️',
  raised_hand: '✋',
  round_pushpin: '📍',
  white_circle: '⚪',
  large_blue_circle: '🔵',
  black_circle: '⚫',
  arrow_forward: '▶️',
  fast_forward: '⏩',
  double_vertical_bar: '⏸️',
  clock3: '🕒',
  octagonal_sign: '🛑',
  sos: '🆘',
  sunny: '☀️',
  robot_face: '🤖',
  mag: '🔍',
  ballot_box_with_check: '☑️',
  package: '📦',
  grey_question: '❔',
};

function appendText(parent, text) {
  if (!text) return;
  const withEmoji = text.replace(/:([a-z0-9_+-]+):/g, (all, name) => EMOJI[name] ?? all);
  const lines = decodeEntities(withEmoji).split('\n');
  lines.forEach((line, i) => {
    if (i > 0) parent.append(el('br'));
    if (line) parent.append(document.createTextNode(line));
  });
}

function wrapIn(tag, className, child) {
  const node = el(tag, className);
  node.append(child);
  return node;
}

/**
 * A plain_text object as Slack shows it: verbatim, but :shortcodes: become emoji unless
 * `emoji: false` (headers, buttons, options, titles, labels). `fallback` when there is none.
 */
export function plainText(obj, fallback = '') {
  const text = obj?.text ?? fallback;
  if (obj?.emoji === false) return text;
  return text.replace(/:([a-z0-9_+-]+):/g, (all, name) => EMOJI[name] ?? all);
}

/** A text object: plain_text verbatim (but emoji), mrkdwn formatted. */
export function textObject(obj, lookup) {
  if (!obj) return el('span');
  if (obj.type === 'mrkdwn') return mrkdwn(obj.text ?? '', lookup);
  return el('span', 'plain', plainText(obj));
}

/**
 * Renders blocks. `act(element, block, values)` is called when a person uses an element;
 * `surface` is 'message', 'modal' (inputs keep their values in the DOM until submit) or 'home'
 * (the app's Home tab).
 */
export function renderBlocks(blocks, ctx) {
  const container = el('div', 'blocks');
  for (const block of blocks) container.append(renderBlock(block, ctx));
  return container;
}

function renderBlock(block, ctx) {
  const node = el('div', `block block-${block.type}`);
  node.dataset.blockId = block.block_id ?? '';
  switch (block.type) {
    case 'header':
      node.append(el('h3', 'header', plainText(block.text)));
      break;
    case 'section': {
      const body = el('div', 'section-body');
      if (block.text)
        body.append(wrapIn('div', 'section-text', textObject(block.text, ctx.lookup)));
      if (Array.isArray(block.fields)) {
        const fields = el('div', 'fields');
        for (const field of block.fields) {
          fields.append(wrapIn('div', 'field', textObject(field, ctx.lookup)));
        }
        body.append(fields);
      }
      node.append(body);
      if (block.accessory) node.append(renderElement(block.accessory, block, ctx));
      break;
    }
    case 'divider':
      node.append(el('hr'));
      break;
    case 'context':
      for (const element of block.elements ?? []) {
        if (element.type === 'image') node.append(image(element, 'context-image'));
        else node.append(wrapIn('span', 'context-item', textObject(element, ctx.lookup)));
      }
      break;
    case 'actions':
      for (const element of block.elements ?? []) node.append(renderElement(element, block, ctx));
      break;
    case 'image':
      if (block.title) node.append(el('div', 'image-title', plainText(block.title)));
      node.append(image(block, 'block-image-img'));
      break;
    case 'input': {
      const label = el('label', 'input-label', plainText(block.label));
      if (block.optional) label.append(el('span', 'optional', ' (optional)'));
      node.append(label, renderElement(block.element, block, ctx));
      if (block.hint) node.append(el('div', 'hint', plainText(block.hint)));
      const error = ctx.errors?.[block.block_id];
      if (error) node.append(el('div', 'input-error', error));
      break;
    }
    case 'markdown':
      node.append(mrkdwn(block.text ?? '', ctx.lookup));
      break;
    case 'rich_text':
      node.append(el('div', 'rich-text', richText(block)));
      break;
    default:
      node.append(el('div', 'unsupported', `[${block.type} block]`));
  }
  return node;
}

function richText(block) {
  const out = [];
  const walk = (elements) => {
    for (const e of elements ?? []) {
      if (typeof e.text === 'string') out.push(e.text);
      else if (e.type === 'user') out.push(`@${e.user_id}`);
      if (e.elements) walk(e.elements);
    }
  };
  walk(block.elements);
  return out.join('');
}

function image(obj, className) {
  const img = el('img', className);
  img.alt = obj.alt_text ?? '';
  if (typeof obj.image_url === 'string' && /^https?:/.test(obj.image_url)) img.src = obj.image_url;
  return img;
}

function optionsOf(element) {
  if (Array.isArray(element.options)) return element.options;
  return (element.option_groups ?? []).flatMap((g) => g.options ?? []);
}

function renderElement(element, block, ctx) {
  const wrap = el('span', `element element-${element.type}`);
  wrap.dataset.actionId = element.action_id ?? '';
  const inModal = ctx.surface === 'modal';
  const dispatches = block.type !== 'input' || block.dispatch_action === true;
  switch (element.type) {
    case 'button': {
      const button = el(
        'button',
        `btn ${element.style ? `btn-${element.style}` : ''}`,
        plainText(element.text),
      );
      button.type = 'button';
      if (element.url) button.title = element.url;
      if (element.accessibility_label)
        button.setAttribute('aria-label', element.accessibility_label);
      if (element.confirm) button.append(el('span', 'confirm-mark', ' …'));
      button.addEventListener('click', () => ctx.act(element, block, []));
      wrap.append(button);
      break;
    }
    case 'static_select':
    case 'multi_static_select':
    case 'overflow': {
      const select = el('select', 'select');
      select.multiple = element.type === 'multi_static_select';
      const placeholder = el(
        'option',
        '',
        element.type === 'overflow' ? '⋯' : (element.placeholder?.text ?? 'Choose…'),
      );
      placeholder.value = '';
      if (!select.multiple) select.append(placeholder);
      const groups = element.option_groups ?? [{ options: element.options ?? [] }];
      for (const group of groups) {
        const parent = group.label ? el('optgroup') : select;
        if (group.label) {
          parent.label = group.label.text;
          select.append(parent);
        }
        for (const option of group.options ?? []) {
          const o = el('option', '', plainText(option.text, option.value));
          o.value = option.value;
          parent.append(o);
        }
      }
      const initial = element.initial_option?.value;
      if (initial) select.value = initial;
      select.dataset.inputType = element.type;
      if (!inModal || dispatches) {
        select.addEventListener('change', () => {
          const values = [...select.selectedOptions].map((o) => o.value).filter(Boolean);
          if (values.length > 0) ctx.act(element, block, values);
        });
      }
      wrap.append(select);
      break;
    }
    case 'users_select':
    case 'conversations_select':
    case 'channels_select': {
      const select = el('select', 'select');
      select.dataset.inputType = element.type;
      const items = element.type === 'users_select' ? ctx.lookup.users() : ctx.lookup.channels();
      select.append(el('option', '', element.placeholder?.text ?? 'Choose…'));
      select.firstChild.value = '';
      for (const item of items) {
        const o = el('option', '', item.label);
        o.value = item.id;
        select.append(o);
      }
      wrap.append(select);
      break;
    }
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input': {
      const input = element.multiline ? el('textarea', 'text-input') : el('input', 'text-input');
      if (!element.multiline) input.type = element.type === 'number_input' ? 'number' : 'text';
      input.dataset.inputType = element.type;
      if (element.placeholder) input.placeholder = element.placeholder.text;
      if (element.initial_value) input.value = element.initial_value;
      if (element.max_length) input.maxLength = element.max_length;
      wrap.append(input);
      break;
    }
    case 'datepicker': {
      const input = el('input', 'text-input');
      input.type = 'date';
      input.dataset.inputType = element.type;
      if (element.initial_date) input.value = element.initial_date;
      wrap.append(input);
      break;
    }
    case 'radio_buttons':
    case 'checkboxes': {
      const group = el('div', 'choice-group');
      group.dataset.inputType = element.type;
      const name = `${block.block_id}-${element.action_id}`;
      const initial = new Set(
        [element.initial_option, ...(element.initial_options ?? [])]
          .filter(Boolean)
          .map((o) => o.value),
      );
      for (const option of optionsOf(element)) {
        const label = el('label', 'choice');
        const input = el('input');
        input.type = element.type === 'radio_buttons' ? 'radio' : 'checkbox';
        input.name = name;
        input.value = option.value;
        input.checked = initial.has(option.value);
        label.append(input, textObject(option.text, ctx.lookup));
        group.append(label);
      }
      wrap.append(group);
      break;
    }
    case 'image':
      wrap.append(image(element, 'accessory-image'));
      break;
    default:
      wrap.append(el('span', 'unsupported', `[${element.type}]`));
  }
  return wrap;
}

/** Reads what a person entered in a modal's input blocks, keyed by action_id. */
export function readInputs(root) {
  const values = {};
  for (const wrap of root.querySelectorAll('.block-input .element')) {
    const actionId = wrap.dataset.actionId;
    const field = wrap.querySelector('[data-input-type]');
    if (!actionId || !field) continue;
    const type = field.dataset.inputType;
    if (type === 'checkboxes' || type === 'radio_buttons') {
      const checked = [...field.querySelectorAll('input:checked')].map((i) => i.value);
      values[actionId] = type === 'checkboxes' ? checked : (checked[0] ?? null);
    } else if (field.multiple) {
      values[actionId] = [...field.selectedOptions].map((o) => o.value);
    } else {
      values[actionId] = field.value === '' && type !== 'plain_text_input' ? null : field.value;
    }
  }
  return values;
}
