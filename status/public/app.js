// The status page's script: plain browser JavaScript, no build step. It reads the JSON API, listens to the event
// stream (/api/events) for live counts and run progress, and sends the bearer token with every request it has one for:
// changes always need it, and reads need it too when the page is served beyond loopback.
// Every value that comes from a lead is put into the page as text (textContent / text nodes), never as HTML.
'use strict';

(() => {
  const STATUSES = ['NEW', 'ENRICHED', 'MESSAGED', 'SENT', 'REPLIED', 'BOUNCED', 'FAILED', 'SUPPRESSED'];
  const STAGES = ['generate', 'enrich', 'personalize', 'send'];
  const PAGE_SIZE = 20;
  const TOKEN_KEY = 'leadflow.token';

  const $ = (id) => document.getElementById(id);
  const fmt = new Intl.NumberFormat('en');
  // The lead table pages by cursor: `cursor` names the lead the page starts after (Next) or ends before (Prev), and
  // `page` is counted here, for the "21–40 of 300" label; null cursor is the first page.
  const state = { page: 1, cursor: null, firstId: null, lastId: null, q: '', status: '', campaign: '', detailId: null, running: false, tableTimer: null };

  /** Build an element; string children become text nodes, so data can never become markup. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'dataset') Object.assign(node.dataset, v);
      else node.setAttribute(k, String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  // ---- token: from the URL fragment `leadflow serve` prints, kept for this tab only ----
  (function takeTokenFromFragment() {
    const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (m) {
      sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]));
      history.replaceState(null, '', location.pathname + location.search);
    }
  })();
  const token = () => sessionStorage.getItem(TOKEN_KEY) || '';
  function authHeaders(headers) {
    if (token()) headers.Authorization = 'Bearer ' + token();
    return headers;
  }
  function showTokenForm() {
    $('token-form').hidden = false;
  }
  /** The event stream waits here when the server asked for a token, until one is entered. */
  let tokenWaiter = null;
  const tokenEntered = () => new Promise((resolve) => (tokenWaiter = resolve));
  if (!token()) showTokenForm();
  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const v = $('token-input').value.trim();
    if (v) {
      sessionStorage.setItem(TOKEN_KEY, v);
      $('token-input').value = '';
      $('token-form').hidden = true;
      notice('Token saved for this tab.', true);
      if (tokenWaiter) tokenWaiter();
      tokenWaiter = null;
      loadLeads();
    }
  });

  function notice(text, ok) {
    const n = $('notice');
    n.textContent = text;
    n.classList.toggle('ok', !!ok);
    n.hidden = !text;
  }

  async function api(method, path, body) {
    const headers = authHeaders({ Accept: 'application/json' });
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      if (res.status === 401 || res.status === 403) showTokenForm();
      throw new Error(data.error || `${method} ${path} failed (${res.status})`);
    }
    return data;
  }

  // ---- metrics: cards, funnel, variants, health ----
  /** Widths go through the CSSOM: the page's CSP forbids inline style attributes. */
  function barFill(fraction) {
    const fill = el('div', { class: 'fill' });
    fill.style.width = (Math.max(0, Math.min(1, fraction)) * 100).toFixed(2) + '%';
    return fill;
  }

  function renderMetrics(m) {
    const reached = Object.fromEntries(m.funnel.map((f) => [f.stage, f.leads]));
    const set = (name, text) => {
      for (const node of document.querySelectorAll(`[data-metric="${name}"]`)) node.textContent = text;
    };
    set('total', fmt.format(m.leads.total));
    set('synthetic', m.leads.synthetic ? `${fmt.format(m.leads.synthetic)} synthetic` : '');
    set('enriched', fmt.format(reached.enriched));
    set('messaged', fmt.format(reached.messaged));
    set('messages', `${fmt.format(m.messages.total)} messages`);
    set('sent', fmt.format(reached.sent));
    // Sent is mail that left; a dry run's records are their own figure, never counted as sent.
    set('sendModes', m.simulated.leads ? `${fmt.format(m.simulated.leads)} simulated (dry run, not sent)` : `${fmt.format(m.sends.live)} live send(s)`);
    set('replied', fmt.format(reached.replied));
    set('suppressions', fmt.format(m.suppressions));

    const top = Math.max(1, ...m.funnel.map((f) => f.leads));
    $('funnel').replaceChildren(
      ...m.funnel.map((f, i) =>
        el(
          'div',
          { class: 'step', dataset: { stage: f.stage } },
          el('span', {}, f.stage),
          el('div', { class: 'track' }, barFill(f.leads / top)),
          el('span', { class: 'num' }, fmt.format(f.leads)),
          i === 0 ? null : el('span', { class: 'pct' }, `${f.conversionPct}% of ${m.funnel[i - 1].stage}`),
        ),
      ),
    );

    $('variants').tBodies[0].replaceChildren(
      ...m.variants.map((v) =>
        el(
          'tr',
          { dataset: { variant: v.variant } },
          el('td', {}, v.variant),
          el('td', {}, fmt.format(v.leads)),
          el('td', {}, fmt.format(m.messages.byVariant[v.variant] || 0)),
          el('td', {}, fmt.format(v.sent)),
          el('td', {}, fmt.format(v.replied)),
          el('td', {}, v.sent ? `${((v.replied / v.sent) * 100).toFixed(1)}%` : '–'),
        ),
      ),
    );

    const health = $('health');
    health.replaceChildren(...m.health.notes.map((n) => el('li', {}, n)));
    health.hidden = m.health.notes.length === 0;
  }

  // ---- campaigns: the selector scopes the cards, the funnel and the variants to one campaign ----
  async function loadCampaigns() {
    try {
      const { campaigns } = await api('GET', '/api/campaigns');
      const pick = $('campaign-filter');
      pick.replaceChildren(
        el('option', { value: '' }, 'All campaigns'),
        ...campaigns.map((c) => el('option', { value: c.name, selected: c.name === state.campaign ? '' : null }, `${c.name} (${c.state}, ${fmt.format(c.leads)} leads)`)),
      );
    } catch (err) {
      notice(err.message);
    }
  }

  async function loadMetrics() {
    try {
      const m = await api('GET', '/api/metrics' + (state.campaign ? '?campaign=' + encodeURIComponent(state.campaign) : ''));
      // A slower answer for a campaign no longer chosen is dropped.
      if ((m.campaign ? m.campaign.name : '') !== state.campaign) return;
      renderMetrics(m);
      const info = $('campaign-info');
      info.textContent = m.campaign ? `Campaign ${m.campaign.name} (${m.campaign.state}): ${m.campaign.product}` : '';
      info.hidden = !m.campaign;
    } catch (err) {
      notice(err.message);
    }
  }

  $('campaign-filter').addEventListener('change', () => {
    state.campaign = $('campaign-filter').value;
    document.body.dataset.campaign = state.campaign;
    loadMetrics();
    resetSchedule();
  });

  // ---- schedule: the chosen campaign's next days of sending, simulated by the server; nothing is sent ----
  const SCHEDULE_INTRO = $('schedule-status').textContent;
  /** Asks are numbered: an answer for a campaign no longer chosen, or overtaken by a newer ask, is dropped. */
  let scheduleAsk = 0;
  /** One simulation at a time (the server allows no more): the button waits for the one in flight. */
  let scheduleInFlight = false;
  const count = (n, one, many) => `${fmt.format(n)} ${n === 1 ? one : many}`;

  function scheduleDays() {
    const n = Number($('schedule-days').value);
    return Number.isInteger(n) && n >= 1 && n <= 30 ? n : null;
  }

  function scheduleStatus(text, failed) {
    $('schedule-status').textContent = text;
    $('schedule-status').classList.toggle('error', !!failed);
  }

  function resetSchedule() {
    scheduleAsk++;
    $('schedule').hidden = !state.campaign;
    $('schedule-out').replaceChildren();
    scheduleStatus(SCHEDULE_INTRO);
  }

  /** A UTC date's weekday: the schedule's days are UTC days. */
  const weekday = (date) => new Date(date + 'T00:00:00Z').toLocaleDateString('en', { weekday: 'short', timeZone: 'UTC' });

  function renderScheduleDay(d, leads) {
    const held = Object.entries(d.heldBy);
    return el(
      'section',
      { class: 'day', dataset: { date: d.date } },
      el('h3', {}, `${weekday(d.date)} ${d.date}`, el('span', { class: 'muted' }, ` · ${count(d.sends.length, 'email', 'emails')}`)),
      d.sends.length
        ? el(
            'div',
            { class: 'scroll' },
            el(
              'table',
              {},
              el('thead', {}, el('tr', {}, ['Recipient', 'Step', 'Their time', 'From'].map((h) => el('th', {}, h)))),
              el(
                'tbody',
                {},
                d.sends.map((x) => {
                  const who = leads[x.leadId];
                  return el(
                    'tr',
                    { tabindex: '0', dataset: { id: String(x.leadId), step: String(x.step) } },
                    el('td', { class: 'recipient' }, who && who.name ? el('span', { class: 'name' }, who.name) : null, el('span', { class: 'email' }, x.email)),
                    el('td', { class: 'step' }, String(x.step)),
                    el('td', { class: 'local' }, x.local),
                    el('td', { class: 'from' }, x.from),
                  );
                }),
              ),
            ),
          )
        : el('p', { class: 'muted' }, 'Nothing goes out.'),
      held.length ? el('ul', { class: 'held' }, held.map(([why, ticks]) => el('li', {}, `Held back: ${why} (${count(ticks, 'tick', 'ticks')})`))) : null,
    );
  }

  function renderSchedule(s, days) {
    const total = s.days.reduce((n, d) => n + d.sends.length, 0);
    scheduleStatus(
      `Campaign ${s.campaign}, ${count(days, 'simulated day', 'simulated days')} from ${s.from.slice(0, 16).replace('T', ' ')} UTC: ` +
        `${count(total, 'email', 'emails')}; ` +
        `${fmt.format(s.stillQueued)} still queued at the end. Nothing was sent.`,
    );
    $('schedule-out').replaceChildren(
      ...(s.days.length ? s.days.map((d) => renderScheduleDay(d, s.leads)) : [el('p', { class: 'muted' }, 'Nothing would go out in these days.')]),
    );
  }

  $('schedule-days').addEventListener('input', () => {
    const n = scheduleDays();
    $('schedule-run').textContent = n === null ? 'Simulate (1–30 days)' : `Simulate next ${count(n, 'day', 'days')}`;
  });

  $('schedule-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const days = scheduleDays();
    if (!state.campaign || days === null || scheduleInFlight) return;
    const ask = ++scheduleAsk;
    scheduleInFlight = true;
    $('schedule-run').disabled = true;
    $('schedule-out').replaceChildren();
    scheduleStatus(`Simulating the next ${count(days, 'day', 'days')} of ${state.campaign}…`);
    try {
      const s = await api('GET', `/api/campaigns/${encodeURIComponent(state.campaign)}/schedule?days=${days}`);
      if (ask === scheduleAsk) renderSchedule(s, days);
    } catch (err) {
      if (ask === scheduleAsk) scheduleStatus(err.message, true);
    } finally {
      scheduleInFlight = false;
      $('schedule-run').disabled = false;
    }
  });

  // ---- run progress ----
  function renderProgress(e) {
    const p = e.progress;
    const i = Math.max(0, STAGES.indexOf(e.stage));
    const cur = p[e.stage] || { done: 0, total: 0 };
    const frac = cur.total ? Math.min(1, cur.done / cur.total) : 1;
    const pct = Math.round(((i + frac) / STAGES.length) * 100);
    $('progress').setAttribute('aria-valuenow', String(pct));
    $('progress').firstElementChild.style.width = pct + '%';
    $('run-status').textContent =
      `Run #${e.runId}${e.elsewhere ? ' (started elsewhere)' : ''}: ${e.stage} ${fmt.format(cur.done)} / ${fmt.format(cur.total)} — ${pct}%`;
    $('stages').replaceChildren(
      ...STAGES.map((s, k) =>
        el('li', { 'data-current': k === i ? '' : null }, `${s}: ${fmt.format(p[s] ? p[s].done : 0)}/${fmt.format(p[s] ? p[s].total : 0)}`),
      ),
    );
    setRunning(true);
  }

  function renderRun(r) {
    setRunning(!!r.running);
    if (r.running || r.runId === null) return;
    if (r.status === 'DONE') {
      $('progress').setAttribute('aria-valuenow', '100');
      $('progress').firstElementChild.style.width = '100%';
    }
    const how = r.status === 'DONE' ? 'finished' : r.status === 'STOPPED' ? 'stopped (resume it with `leadflow run --resume`)' : (r.status || 'ended').toLowerCase();
    $('run-status').textContent = `Run #${r.runId} ${how}.` + (r.error ? ` ${r.error}` : '');
    clearTimeout(state.tableTimer);
    state.tableTimer = null;
    loadLeads();
  }

  function setRunning(running) {
    state.running = running;
    $('run-start').disabled = running;
    $('run-stop').disabled = !running;
    document.body.dataset.running = running ? 'yes' : 'no';
  }

  $('run-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const leads = Number($('run-leads').value);
    // About forty batches per run, so the bar moves smoothly whatever the size.
    const batchSize = Math.min(1000, Math.max(50, Math.ceil(leads / 40)));
    try {
      setRunning(true);
      const r = await api('POST', '/api/pipeline/run', {
        leads,
        batchSize,
        dryRun: $('run-dry').checked,
        enrichMode: $('run-enrichment').value,
      });
      notice('');
      $('run-status').textContent = `Run #${r.runId} started.`;
    } catch (err) {
      setRunning(false);
      notice(err.message);
    }
  });

  $('run-stop').addEventListener('click', async () => {
    try {
      const r = await api('POST', '/api/pipeline/stop');
      $('run-status').textContent = r.asked ? 'Stopping after the current batch…' : 'No run is going.';
    } catch (err) {
      notice(err.message);
    }
  });

  // ---- leads table ----
  for (const s of STATUSES) $('status-filter').append(el('option', { value: s }, s));

  function exportHref() {
    return '/api/export.csv' + (state.status ? '?status=' + encodeURIComponent(state.status) : '');
  }

  function firstPage() {
    state.page = 1;
    state.cursor = null;
  }

  async function loadLeads() {
    const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
    if (state.cursor) params.set(state.cursor.kind, String(state.cursor.id));
    if (state.q) params.set('q', state.q);
    if (state.status) params.set('status', state.status);
    try {
      const r = await api('GET', '/api/leads?' + params);
      // The leads this page was reached from are gone (erased, cleared): start again from the first page.
      const backward = state.cursor && state.cursor.kind === 'before';
      if (state.page > 1 && (r.leads.length === 0 || (backward && r.leads.length < PAGE_SIZE))) {
        firstPage();
        return loadLeads();
      }
      $('leads').tBodies[0].replaceChildren(
        ...r.leads.map((l) =>
          el(
            'tr',
            { tabindex: '0', dataset: { id: String(l.id) } },
            el('td', {}, String(l.id)),
            el('td', { class: 'name' }, `${l.firstName} ${l.lastName}`),
            el('td', {}, l.email),
            el('td', {}, l.company),
            el('td', { class: 'wide' }, l.title),
            el('td', {}, el('span', { class: 'status', dataset: { status: l.status } }, l.status)),
            el('td', { class: 'wide' }, l.variant),
          ),
        ),
      );
      state.firstId = r.leads.length ? r.leads[0].id : null;
      state.lastId = r.leads.length ? r.leads[r.leads.length - 1].id : null;
      const from = r.leads.length ? (state.page - 1) * PAGE_SIZE + 1 : 0;
      const to = r.leads.length ? from + r.leads.length - 1 : 0;
      // A search counts its matches up to a cap: past it, the total reads "10,000+".
      $('page-info').textContent = `${fmt.format(from)}–${fmt.format(to)} of ${fmt.format(r.total)}${r.totalIsLowerBound ? '+' : ''}`;
      $('prev').disabled = state.page <= 1;
      // Read backward, this page has the one it came from after it.
      $('next').disabled = backward ? false : !r.hasMore;
      $('export').href = exportHref();
    } catch (err) {
      notice(err.message);
    }
  }

  // A link cannot carry the Authorization header: with a token, the file is fetched with it and saved from memory.
  $('export').addEventListener('click', async (e) => {
    if (!token()) return;
    e.preventDefault();
    try {
      const res = await fetch(exportHref(), { headers: authHeaders({}) });
      if (!res.ok) {
        if (res.status === 401 || res.status === 403) showTokenForm();
        throw new Error((await res.json().catch(() => ({}))).error || `export failed (${res.status})`);
      }
      const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
      const url = URL.createObjectURL(await res.blob());
      const a = el('a', { href: url, download: name ? name[1] : 'leads.csv', hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      notice(err.message);
    }
  });

  function scheduleTable(delay) {
    if (state.tableTimer) return;
    state.tableTimer = setTimeout(() => {
      state.tableTimer = null;
      loadLeads();
    }, delay);
  }

  let searchTimer = null;
  $('search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      state.q = $('search').value.trim();
      firstPage();
      loadLeads();
    }, 250);
  });
  $('filters').addEventListener('submit', (e) => e.preventDefault());
  $('status-filter').addEventListener('change', () => {
    state.status = $('status-filter').value;
    firstPage();
    loadLeads();
  });
  $('prev').addEventListener('click', () => {
    if (state.page <= 1 || state.firstId === null) return;
    state.page -= 1;
    state.cursor = state.page === 1 ? null : { kind: 'before', id: state.firstId };
    loadLeads();
  });
  $('next').addEventListener('click', () => {
    if (state.lastId === null) return;
    state.page += 1;
    state.cursor = { kind: 'after', id: state.lastId };
    loadLeads();
  });
  const openFromRow = (e) => {
    const row = e.target.closest('tr[data-id]');
    if (row) openDetail(Number(row.dataset.id));
  };
  for (const table of [$('leads'), $('schedule-out')]) {
    table.addEventListener('click', openFromRow);
    table.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') openFromRow(e);
    });
  }

  // ---- lead detail ----
  function fields(pairs) {
    return el('dl', {}, pairs.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v === null || v === undefined || v === '' ? '–' : v)]));
  }

  async function openDetail(id) {
    let d;
    try {
      d = await api('GET', '/api/leads/' + id);
    } catch (err) {
      notice(err.message);
      return;
    }
    state.detailId = id;
    const l = d.lead;
    $('detail-name').textContent = `${l.firstName} ${l.lastName}`;
    const parts = [
      fields([
        ['Email', l.email],
        ['Title', l.title],
        ['Company', l.company],
        ['Website', l.website],
        ['LinkedIn', l.linkedinUrl],
        ['Industry', l.industry],
        ['Country', `${l.country} (${l.timezone})`],
        ['Status', l.status + (l.statusReason ? ` — ${l.statusReason}` : '')],
        ['Variant', l.variant],
        ['Source', l.source + (l.synthetic ? ' (synthetic)' : '')],
      ]),
    ];
    if (d.enrichment) {
      const e = d.enrichment;
      const withProv = (key, value) => el('span', {}, value, el('span', { class: 'prov' }, e.provenance[key] || ''));
      parts.push(
        el('h3', {}, `Enrichment (${e.source})`),
        fields([
          ['Company size', withProv('companySize', e.companySize)],
          ['Persona', withProv('persona', e.persona)],
          ['Seniority', withProv('seniority', e.seniority)],
          ['Pain points', withProv('painPoints', e.painPoints.join('; '))],
          ['Buying triggers', withProv('buyingTriggers', e.buyingTriggers.join('; '))],
          ['Confidence', withProv('confidence', e.confidence.toFixed(2))],
        ]),
      );
    }
    if (d.messages.length) {
      parts.push(el('h3', {}, `Messages (${d.messages.length})`));
      for (const m of d.messages) {
        parts.push(
          el('div', { class: 'muted' }, `${m.channel} · variant ${m.variant} · step ${m.step}${m.subject ? ' · ' + m.subject : ''}`),
          el('pre', {}, m.body),
        );
      }
    }
    if (d.sends.length) {
      parts.push(
        el('h3', {}, 'Sends'),
        el(
          'div',
          { class: 'scroll' },
          el(
            'table',
            {},
            el('thead', {}, el('tr', {}, ['Channel', 'Mode', 'State', 'Attempts', 'When'].map((h) => el('th', {}, h)))),
            el(
              'tbody',
              {},
              d.sends.map((s) =>
                el('tr', {}, el('td', {}, s.channel), el('td', {}, s.dryRun ? 'dry run' : 'live'), el('td', {}, s.state), el('td', {}, String(s.attempts)), el('td', {}, s.sentAt || s.error || '')),
              ),
            ),
          ),
        ),
      );
    }
    if (d.events.length) {
      parts.push(el('h3', {}, 'Events'), el('ul', {}, d.events.map((ev) => el('li', {}, `${ev.createdAt} ${ev.type}`))));
    }
    $('detail-body').replaceChildren(...parts);
    if (!$('detail').open) $('detail').showModal();
  }

  $('detail-close').addEventListener('click', () => $('detail').close());
  $('detail-erase').addEventListener('click', async () => {
    const id = state.detailId;
    if (id === null || !confirm('Erase this person? Every record about them is deleted, and their address is blocked from re-import.')) return;
    try {
      await api('DELETE', '/api/leads/' + id);
      $('detail').close();
      notice(`Lead #${id} erased.`, true);
      loadLeads();
    } catch (err) {
      notice(err.message);
    }
  });

  // ---- live updates ----
  // Read with fetch rather than EventSource, which cannot send the Authorization header that every read needs when the
  // page is served beyond loopback. Reconnects after the server's `retry:` delay, as EventSource would.
  const streamHandlers = {
    // The stream's snapshot is the whole store's; with a campaign chosen it is the cue to read that campaign's.
    metrics: (m) => {
      if (state.campaign) loadMetrics();
      else renderMetrics(m);
      if (state.running) scheduleTable(1500);
    },
    progress: (p) => renderProgress(p),
    run: (r) => renderRun(r),
  };

  /** Dispatch one Server-Sent Events block ("event: …", "data: …" lines); returns its `retry:` delay, if it sets one. */
  function dispatchEvent(block) {
    let event = 'message';
    let data = '';
    let retry = null;
    for (const line of block.split('\n')) {
      const colon = line.indexOf(':');
      if (colon === 0) continue;
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data += (data ? '\n' : '') + value;
      else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
    }
    if (data && streamHandlers[event]) streamHandlers[event](JSON.parse(data));
    return retry;
  }

  async function connect() {
    const live = $('live');
    let retryMs = 2000;
    for (;;) {
      try {
        const res = await fetch('/api/events', { headers: authHeaders({ Accept: 'text/event-stream' }), cache: 'no-store' });
        if (res.status === 401 || res.status === 403) {
          showTokenForm();
          live.dataset.state = 'closed';
          live.textContent = 'needs the token';
          await tokenEntered();
          continue;
        }
        if (!res.ok || !res.body) throw new Error(`GET /api/events failed (${res.status})`);
        live.dataset.state = 'open';
        live.textContent = 'live';
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const retry = dispatchEvent(buffer.slice(0, end));
            if (retry !== null) retryMs = retry;
            buffer = buffer.slice(end + 2);
          }
        }
      } catch {
        // the server went away or the connection dropped: wait, then reconnect
      }
      live.dataset.state = 'closed';
      live.textContent = 'reconnecting…';
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  }

  setRunning(false);
  loadCampaigns();
  loadLeads();
  connect();
})();
