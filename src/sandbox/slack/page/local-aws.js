// The sidebar's local AWS part, shown only when the page has an AWS control URL: the scenario
// controls (select boxes filled from the world's pipelines and alarms, the choice kept in
// localStorage) and the "Local AWS" panel (each pipeline's stages: the release in each, and a
// release held before a disabled transition, with the transition's reason).
import { el } from './blocks.js';

const KEYS = { pipeline: 'sandbox.scenario.pipeline', alarm: 'sandbox.scenario.alarm' };
/** The panel re-reads the endpoint this often while the page is visible (stages move on their own). */
const REFRESH_MS = 2000;

const $ = (id) => document.getElementById(id);

let page; // { data, currentUser(), post(path, body) }

function names() {
  const s = page.data.scenarios ?? {};
  return {
    pipelines: s.pipelines ?? [],
    alarms: s.alarms ?? [],
    details: s.pipelineDetails ?? {},
    alarmRegions: s.alarmRegions ?? {},
  };
}

function option(name) {
  const o = el('option', '', name);
  o.value = name;
  return o;
}

/** The alarm select for this pipeline: its own alarms first (picked), then the others. */
function fillAlarms(pipeline, wanted) {
  const { alarms, details } = names();
  const own = (details[pipeline]?.alarms ?? []).filter((a) => alarms.includes(a));
  const others = alarms.filter((a) => !own.includes(a));
  const group = (label, list) => {
    const g = el('optgroup');
    g.label = label;
    g.append(...list.map(option));
    return g;
  };
  const select = $('sc-alarm');
  if (own.length === 0) select.replaceChildren(...others.map(option));
  else {
    select.replaceChildren(
      group(`${pipeline}'s environments`, own),
      ...(others.length > 0 ? [group('Other alarms', others)] : []),
    );
  }
  select.value = alarms.includes(wanted) ? wanted : (own[0] ?? others[0] ?? '');
}

function revision() {
  const id = Array.from(crypto.getRandomValues(new Uint8Array(20)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  const subjects = [
    'Speed up checkout',
    'Fix login redirect',
    'Bump payment SDK',
    'Tune cache TTL',
  ];
  return {
    id,
    message: subjects[Math.floor(Math.random() * subjects.length)],
    author: page.currentUser()?.realName ?? 'sandbox',
  };
}

/** The control API call of a scenario button: [path under /_sandbox/, body]. */
function request(kind, pipeline, alarm) {
  const { details, alarmRegions } = names();
  if (kind === 'alarm' || kind === 'clear') {
    const region = alarmRegions[alarm];
    const body =
      kind === 'alarm'
        ? {
            name: alarm,
            state: 'ALARM',
            reason: 'Threshold crossed: 5xx rate above 5% (fired from the workspace page)',
          }
        : { name: alarm, state: 'OK', reason: 'Back to normal (cleared from the workspace page)' };
    return ['alarms/state', region ? { ...body, region } : body];
  }
  const info = details[pipeline] ?? {};
  const body = { pipelineName: pipeline, revision: revision() };
  if (info.region) body.region = info.region;
  if (kind === 'fail') body.outcome = { failStage: info.failStage ?? 'Deploy' };
  if (kind === 'bake-alarm') body.outcome = { alarmAfterSuccess: { alarm, afterMs: 3000 } };
  return ['executions', body];
}

/** What a scenario did, in words: "Started web-app execution 9dce5c80 (fails in Deploy)". */
function done(kind, body, answer) {
  if (kind === 'alarm') return `${body.name} is in ALARM.`;
  if (kind === 'clear') return `${body.name} is OK again.`;
  const id = String(answer?.pipelineExecutionId ?? '').slice(0, 8);
  const how = kind === 'fail' ? `, failing in ${body.outcome.failStage}` : '';
  const bake =
    kind === 'bake-alarm'
      ? `, then ${body.outcome.alarmAfterSuccess.alarm} fires while baking`
      : '';
  return `Started ${body.pipelineName} execution ${id}${how}${bake}.`;
}

async function scenario(kind) {
  const result = $('scenario-result');
  const [path, body] = request(kind, $('sc-pipeline').value, $('sc-alarm').value);
  result.textContent = 'Sending…';
  try {
    const answer = await page.post(`/_page/aws/${path}`, body);
    result.textContent = done(kind, body, answer);
    result.dataset.executionId = answer?.pipelineExecutionId ?? '';
  } catch (error) {
    result.textContent = `Failed: ${error.message}`;
  }
  void refreshLocalAws();
}

function setupScenarios() {
  const { pipelines, alarms, details } = names();
  const pipelineSelect = $('sc-pipeline');
  const alarmSelect = $('sc-alarm');
  pipelineSelect.replaceChildren(...pipelines.map(option));
  const saved = localStorage.getItem(KEYS.pipeline);
  pipelineSelect.value = pipelines.includes(saved) ? saved : (pipelines[0] ?? '');
  fillAlarms(pipelineSelect.value, localStorage.getItem(KEYS.alarm));
  pipelineSelect.addEventListener('change', () => {
    localStorage.setItem(KEYS.pipeline, pipelineSelect.value);
    // Keep the alarm if it belongs to the new pipeline too (or the pipeline has none of its own).
    const own = details[pipelineSelect.value]?.alarms ?? [];
    const current = alarmSelect.value;
    fillAlarms(pipelineSelect.value, own.length === 0 || own.includes(current) ? current : '');
    localStorage.setItem(KEYS.alarm, alarmSelect.value);
  });
  alarmSelect.addEventListener('change', () => localStorage.setItem(KEYS.alarm, alarmSelect.value));
  for (const button of $('scenarios').querySelectorAll('[data-scenario]')) {
    const kind = button.dataset.scenario;
    const needs = kind === 'alarm' || kind === 'clear' ? alarms : pipelines;
    button.disabled = needs.length === 0;
    button.addEventListener('click', () => scenario(kind));
  }
}

// ---------- the "Local AWS" panel ----------

const STATUS = {
  InProgress: '⟳ deploying',
  Succeeded: '✓ succeeded',
  Failed: '✗ failed',
  Stopping: '■ stopping',
  Stopped: '■ stopped',
  Cancelled: '– cancelled',
};

function shortSha(id) {
  return /^[0-9a-f]{12,}$/i.test(id) ? id.slice(0, 7) : id;
}

function releaseLine(release, prefix) {
  const line = el('div', 'aws-release');
  if (prefix) line.append(el('span', 'aws-muted', `${prefix} `));
  line.append(el('code', '', shortSha(release.revisionId)));
  if (release.revisionMessage) line.append(document.createTextNode(` ${release.revisionMessage}`));
  line.title = `execution ${release.pipelineExecutionId}`;
  return line;
}

function renderStage(stage) {
  const item = el('li', 'aws-stage');
  item.dataset.testid = 'aws-stage';
  item.dataset.stage = stage.name;
  const head = el('div', 'aws-stage-head');
  head.append(el('span', 'aws-stage-name', stage.name));
  const current = stage.current;
  if (current) {
    const status = el('span', `aws-status aws-${current.status.toLowerCase()}`);
    status.textContent = STATUS[current.status] ?? current.status;
    head.append(status);
  }
  item.append(head);
  if (current) {
    item.append(releaseLine(current, current.executionType === 'ROLLBACK' ? 'rollback to' : ''));
  }
  if (!stage.transition.enabled) {
    item.classList.add('aws-locked');
    const lock = el('div', 'aws-lock', '🔒 Inbound transition disabled');
    lock.dataset.testid = 'aws-lock';
    item.append(lock);
  }
  for (const waiting of stage.waiting) {
    const held = waiting.heldBy === 'transition';
    const box = el('div', held ? 'aws-held' : 'aws-waiting');
    box.dataset.testid = held ? 'aws-held' : 'aws-waiting';
    box.append(el('div', 'aws-held-label', held ? '⏸ Held before this stage' : '⏳ Waiting'));
    box.append(releaseLine(waiting));
    if (held) {
      box.append(
        el('div', 'aws-why', `Why: ${stage.transition.disabledReason || '(no reason given)'}`),
      );
    }
    item.append(box);
  }
  return item;
}

function renderPanel(pipelines) {
  const root = $('aws-pipelines');
  if (pipelines.length === 0) {
    root.replaceChildren(el('p', 'aws-muted', 'No pipelines in this world.'));
    return;
  }
  root.replaceChildren(
    ...pipelines.map((p) => {
      const box = el('div', 'aws-pipeline');
      box.dataset.testid = 'aws-pipeline';
      box.dataset.pipeline = p.name;
      box.append(el('h3', '', `${p.name} · ${p.region}`));
      const stages = el('ol', 'aws-stages');
      stages.append(...p.stages.map(renderStage));
      box.append(stages);
      return box;
    }),
  );
}

let loading = false;
let again = false;
let shown = '';

/** Reads GET /_sandbox/pipelines through the page and redraws the panel when it changed. */
export async function refreshLocalAws() {
  if (!page?.data.awsControl) return;
  if (loading) {
    again = true;
    return;
  }
  loading = true;
  try {
    const response = await fetch('/_page/aws/pipelines');
    const answer = await response.json();
    if (!response.ok) throw new Error(answer.error ?? `HTTP ${response.status}`);
    const key = JSON.stringify(answer.pipelines);
    if (key !== shown) {
      shown = key;
      renderPanel(answer.pipelines ?? []);
    }
    document.body.dataset.awsPanel = 'ready';
  } catch (error) {
    shown = '';
    $('aws-pipelines').replaceChildren(
      el('p', 'aws-muted', `Could not read the local AWS endpoint: ${error.message}`),
    );
  } finally {
    loading = false;
  }
  if (again) {
    again = false;
    void refreshLocalAws();
  }
}

/** `context`: { data: the /_page/state snapshot, currentUser(), post(path, body) }. */
export function setupLocalAws(context) {
  page = context;
  const on = Boolean(page.data.awsControl);
  $('scenarios').hidden = !on;
  $('aws-panel').hidden = !on;
  if (!on) return;
  setupScenarios();
  void refreshLocalAws();
  setInterval(() => {
    if (document.visibilityState === 'visible') void refreshLocalAws();
  }, REFRESH_MS);
}
