'use strict';
// Warren's management UI: a thin client of /api (the same API tooling uses), no framework and no
// build step. Pages render a skeleton once per navigation and refresh their figures on a timer,
// so forms keep what the user typed.

const AUTH_KEY = 'warren.auth';
const REFRESH_KEY = 'warren.refresh';
const state = { auth: sessionStorage.getItem(AUTH_KEY), timer: null, route: null };

const $ = (sel, root = document) => root.querySelector(sel);
const enc = encodeURIComponent; // '/' becomes %2F, as the API wants vhost names

function esc(v) {
  return String(v ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function num(n) {
  return n === undefined || n === null ? '' : Number(n).toLocaleString('en');
}

function rate(details) {
  const r = details && typeof details.rate === 'number' ? details.rate : 0;
  return r.toFixed(1) + '/s';
}

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.reason ? `${body.error}: ${body.reason}` : `HTTP ${status}`);
    this.status = status;
  }
}

async function api(method, path, body) {
  const headers = { 'Authorization': 'Basic ' + state.auth, 'X-Warren-UI': '1' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch('/api' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  // A refusal for a user's tags ("not_authorised") is no failed login ("not_authorized").
  if (res.status === 401 && !(json && json.error === 'not_authorised')) {
    logout('Login failed or session expired.');
    throw new ApiError(401, json);
  }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

// ------------------------------------------------------------------ session

async function login(user, pass) {
  state.auth = btoa(unescape(encodeURIComponent(user + ':' + pass)));
  try {
    const me = await api('GET', '/whoami');
    sessionStorage.setItem(AUTH_KEY, state.auth);
    $('#login-error').textContent = '';
    start(me);
  } catch (e) {
    state.auth = null;
    $('#login-error').textContent = e.status === 401 ? 'Login failed' : e.message;
  }
}

function logout(message) {
  sessionStorage.removeItem(AUTH_KEY);
  state.auth = null;
  clearTimeout(state.timer);
  $('#nav').hidden = true;
  $('#session').hidden = true;
  $('#page').hidden = true;
  $('#login').hidden = false;
  $('#login-error').textContent = message || '';
}

function start(me) {
  $('#login').hidden = true;
  $('#nav').hidden = false;
  $('#session').hidden = false;
  $('#page').hidden = false;
  $('#whoami').textContent = me.name;
  navigate();
}

// ------------------------------------------------------------------ routing and refresh

function route() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(p => p !== '').map(decodeURIComponent);
  if (parts[0] === 'queues' && parts.length === 3) return { page: pages.queue, params: { vhost: parts[1], name: parts[2] }, nav: 'queues' };
  const page = pages[parts[0] || 'overview'] || pages.overview;
  return { page, params: {}, nav: parts[0] || 'overview' };
}

function navigate() {
  if (!state.auth) return;
  clearTimeout(state.timer);
  state.route = route();
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.page === state.route.nav));
  const root = $('#page');
  root.innerHTML = state.route.page.skeleton(state.route.params);
  if (state.route.page.bind) state.route.page.bind(root, state.route.params);
  refresh();
}

async function refresh() {
  clearTimeout(state.timer);
  const current = state.route;
  if (!current || !state.auth) return;
  try {
    await current.page.refresh($('#page'), current.params);
    $('#status').textContent = '';
  } catch (e) {
    if (e.status !== 401) $('#status').textContent = e.message;
  }
  const every = Number($('#refresh').value);
  if (every > 0 && state.route === current) state.timer = setTimeout(refresh, every);
}

// ------------------------------------------------------------------ pages

function tile(label, value, cls) {
  return `<div class="tile ${cls || ''}"><div class="value">${value}</div><div class="label">${esc(label)}</div></div>`;
}

function table(headers, rows, empty) {
  if (rows.length === 0) return `<p class="muted">${esc(empty)}</p>`;
  const head = headers.map(h => `<th class="${h.num ? 'num' : ''}">${esc(h.label)}</th>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function features(q) {
  const tags = [];
  if (q.durable) tags.push('D');
  if (q.auto_delete) tags.push('AD');
  if (q.exclusive) tags.push('Excl');
  if (q.internal) tags.push('I');
  if (q.replicated) tags.push('replicated');
  Object.keys(q.arguments || {}).forEach(k => tags.push(k));
  return tags.map(t => `<span class="tag">${esc(t)}</span>`).join('');
}

const pages = {
  overview: {
    skeleton: () => `<h1>Overview</h1><div id="overview"></div>`,
    async refresh(root) {
      // Only monitoring users and administrators may list nodes, as in RabbitMQ.
      const [o, nodes] = await Promise.all([api('GET', '/overview'),
        api('GET', '/nodes').catch(e => e.status === 401 ? null : Promise.reject(e))]);
      $('#node-name').textContent = o.node || '';
      const s = o.message_stats || {}, t = o.queue_totals || {}, n = o.object_totals || {};
      $('#overview', root).innerHTML = `
        <h2>Queued messages</h2>
        <div class="tiles" id="queued">
          ${tile('Ready', num(t.messages_ready), 'ready')}${tile('Unacked', num(t.messages_unacknowledged), 'unacked')}
          ${tile('Total', num(t.messages), 'total')}
        </div>
        <h2>Message rates</h2>
        <div class="tiles" id="rates">
          ${tile('Publish', rate(s.publish_details), 'publish')}${tile('Confirm', rate(s.confirm_details), 'confirm')}
          ${tile('Deliver / get', rate(s.deliver_get_details), 'deliver')}${tile('Ack', rate(s.ack_details), 'ack')}
          ${tile('Redelivered', rate(s.redeliver_details), 'redeliver')}
        </div>
        <h2>Totals</h2>
        <div class="tiles" id="totals">
          ${tile('Connections', num(n.connections))}${tile('Channels', num(n.channels))}${tile('Exchanges', num(n.exchanges))}
          ${tile('Queues', num(n.queues))}${tile('Consumers', num(n.consumers))}
          ${tile('Published', num(s.publish))}${tile('Delivered', num(s.deliver_get))}${tile('Acked', num(s.ack))}
        </div>
        ${nodes === null ? '' : `<h2>Nodes</h2>
        ${table([{ label: 'Name' }, { label: 'Running' }, { label: 'Heap used', num: true }, { label: 'Memory limit', num: true },
          { label: 'Uptime (s)', num: true }],
          nodes.map(x => `<tr><td>${esc(x.name)}</td><td class="${x.running ? 'ok' : 'error'}">${x.running ? 'running' : 'not running'}</td>
            <td class="num">${x.mem_used === undefined ? '' : num(Math.round(x.mem_used / 1048576)) + ' MiB'}</td>
            <td class="num">${x.mem_limit === undefined ? '' : num(Math.round(x.mem_limit / 1048576)) + ' MiB'}</td>
            <td class="num">${x.uptime === undefined ? '' : num(Math.round(x.uptime / 1000))}</td></tr>`), 'No nodes')}`}
        <p class="muted">${esc(o.product_name)} ${esc(o.product_version)}, cluster ${esc(o.cluster_name)}</p>`;
    }
  },

  connections: {
    skeleton: () => `<h1>Connections</h1><div id="connections"></div><h2>Channels</h2><div id="channels"></div>`,
    bind(root) {
      root.addEventListener('click', async e => {
        const b = e.target.closest('button[data-close]');
        if (!b) return;
        await api('DELETE', '/connections/' + enc(b.dataset.close));
        refresh();
      });
    },
    async refresh(root) {
      const [conns, chans] = await Promise.all([api('GET', '/connections'), api('GET', '/channels')]);
      $('#connections', root).innerHTML = table(
        [{ label: 'Name' }, { label: 'Client name' }, { label: 'User' }, { label: 'Vhost' }, { label: 'State' },
          { label: 'Channels', num: true }, { label: '' }],
        conns.map(c => `<tr data-name="${esc(c.name)}"><td>${esc(c.name)}</td><td>${esc(c.user_provided_name)}</td>
          <td>${esc(c.user)}</td><td>${esc(c.vhost)}</td><td>${esc(c.state)}</td><td class="num">${num(c.channels)}</td>
          <td><button type="button" data-close="${esc(c.name)}">Close</button></td></tr>`),
        'No connections');
      $('#channels', root).innerHTML = table(
        [{ label: 'Channel' }, { label: 'Mode' }, { label: 'Prefetch', num: true }, { label: 'Consumers', num: true },
          { label: 'Unacked', num: true }, { label: 'Publish', num: true }, { label: 'Deliver / get', num: true }],
        chans.map(c => `<tr><td>${esc(c.name)}</td><td>${c.confirm ? 'confirm' : ''}${c.transactional ? 'tx' : ''}</td>
          <td class="num">${num(c.prefetch_count)}</td><td class="num">${num(c.consumer_count)}</td>
          <td class="num">${num(c.messages_unacknowledged)}</td>
          <td class="num">${rate(c.message_stats && c.message_stats.publish_details)}</td>
          <td class="num">${rate(c.message_stats && c.message_stats.deliver_get_details)}</td></tr>`),
        'No channels');
    }
  },

  exchanges: {
    skeleton: () => `<h1>Exchanges</h1><div id="exchanges"></div>
      <h2>Add an exchange</h2>
      <form class="inline" id="add-exchange">
        <label>Vhost <input name="vhost" value="/" required></label>
        <label>Name <input name="name" required></label>
        <label>Type <select name="type"><option>direct</option><option>fanout</option><option>topic</option><option>headers</option></select></label>
        <label>Durable <select name="durable"><option value="true">yes</option><option value="false">no</option></select></label>
        <button type="submit">Add exchange</button>
        <span class="result"></span>
      </form>`,
    bind(root) {
      $('#add-exchange', root).addEventListener('submit', async e => {
        e.preventDefault();
        const f = e.target;
        await submitForm(f, () => api('PUT', `/exchanges/${enc(f.vhost.value)}/${enc(f.name.value)}`,
          { type: f.type.value, durable: f.durable.value === 'true', auto_delete: false, internal: false, arguments: {} }),
          'Exchange declared');
      });
    },
    async refresh(root) {
      const xs = await api('GET', '/exchanges');
      $('#exchanges', root).innerHTML = table(
        [{ label: 'Vhost' }, { label: 'Name' }, { label: 'Type' }, { label: 'Features' }],
        xs.map(x => `<tr data-name="${esc(x.name)}"><td>${esc(x.vhost)}</td><td>${esc(x.name || '(AMQP default)')}</td>
          <td>${esc(x.type)}</td><td>${features(x)}</td></tr>`),
        'No exchanges');
    }
  },

  queues: {
    skeleton: () => `<h1>Queues</h1><div id="queues"></div>
      <h2>Add a queue</h2>
      <form class="inline" id="add-queue">
        <label>Vhost <input name="vhost" value="/" required></label>
        <label>Name <input name="name" required></label>
        <label>Durable <select name="durable"><option value="true">yes</option><option value="false">no</option></select></label>
        <button type="submit">Add queue</button>
        <span class="result"></span>
      </form>`,
    bind(root) {
      $('#add-queue', root).addEventListener('submit', async e => {
        e.preventDefault();
        const f = e.target;
        await submitForm(f, () => api('PUT', `/queues/${enc(f.vhost.value)}/${enc(f.name.value)}`,
          { durable: f.durable.value === 'true', auto_delete: false, arguments: {} }), 'Queue declared');
      });
    },
    async refresh(root) {
      const qs = await api('GET', '/queues');
      $('#queues', root).innerHTML = table(
        [{ label: 'Vhost' }, { label: 'Name' }, { label: 'Features' }, { label: 'State' }, { label: 'Ready', num: true },
          { label: 'Unacked', num: true }, { label: 'Total', num: true }, { label: 'Change', num: true },
          { label: 'Consumers', num: true }],
        qs.map(q => `<tr data-vhost="${esc(q.vhost)}" data-name="${esc(q.name)}">
          <td>${esc(q.vhost)}</td><td><a href="#/queues/${enc(q.vhost)}/${enc(q.name)}">${esc(q.name)}</a></td>
          <td>${features(q)}</td><td>${esc(q.state)}</td><td class="num ready">${num(q.messages_ready)}</td>
          <td class="num unacked">${num(q.messages_unacknowledged)}</td><td class="num total">${num(q.messages)}</td>
          <td class="num">${rate(q.messages_details)}</td><td class="num consumers">${num(q.consumers)}</td></tr>`),
        'No queues');
    }
  },

  queue: {
    skeleton: p => `<h1>Queue <span id="queue-name">${esc(p.name)}</span> <span class="muted">in vhost ${esc(p.vhost)}</span></h1>
      <div class="tiles" id="queue-figures"></div>
      <h2>Consumers</h2><div id="queue-consumers"></div>
      <h2>Publish a message</h2>
      <p class="muted">Published to the default exchange with the queue's name as routing key.</p>
      <form class="inline" id="publish">
        <label>Delivery mode <select name="delivery_mode"><option value="1">1 - transient</option><option value="2">2 - persistent</option></select></label>
        <label>Headers (JSON) <input name="headers" value="{}"></label>
        <label>Payload <textarea name="payload"></textarea></label>
        <button type="submit">Publish message</button>
        <span class="result"></span>
      </form>
      <h2>Get messages</h2>
      <form class="inline" id="get">
        <label>Ack mode <select name="ackmode">
          <option value="ack_requeue_true">Nack, requeue</option>
          <option value="reject_requeue_true">Reject, requeue</option>
          <option value="ack_requeue_false">Ack (remove)</option>
          <option value="reject_requeue_false">Reject, no requeue</option></select></label>
        <label>Encoding <select name="encoding"><option value="auto">Auto string / base64</option><option value="base64">base64</option></select></label>
        <label>Messages <input name="count" type="number" min="1" value="1"></label>
        <button type="submit">Get messages</button>
        <span class="result"></span>
      </form>
      <div id="messages"></div>
      <h2>Purge or delete</h2>
      <form class="inline" id="purge"><button type="submit">Purge messages</button><span class="result"></span></form>
      <form class="inline" id="delete"><button type="submit">Delete queue</button><span class="result"></span></form>`,
    bind(root, p) {
      const path = `/queues/${enc(p.vhost)}/${enc(p.name)}`;
      $('#publish', root).addEventListener('submit', async e => {
        e.preventDefault();
        const f = e.target;
        await submitForm(f, async () => {
          let headers;
          try { headers = JSON.parse(f.headers.value || '{}'); } catch (err) { throw new Error('Headers are not JSON'); }
          const r = await api('POST', `/exchanges/${enc(p.vhost)}/amq.default/publish`, {
            properties: { delivery_mode: Number(f.delivery_mode.value), headers },
            routing_key: p.name, payload: f.payload.value, payload_encoding: 'string'
          });
          if (!r.routed) throw new Error('Message published, but not routed');
        }, 'Message published');
      });
      $('#get', root).addEventListener('submit', async e => {
        e.preventDefault();
        const f = e.target;
        await submitForm(f, async () => {
          const msgs = await api('POST', path + '/get',
            { count: Number(f.count.value), ackmode: f.ackmode.value, encoding: f.encoding.value, truncate: 50000 });
          $('#messages', root).innerHTML = msgs.length === 0 ? '<p class="muted">Queue is empty</p>' : msgs.map((m, i) => `
            <div class="message"><strong>Message ${i + 1}</strong>
              <span class="muted">exchange '${esc(m.exchange)}', routing key '${esc(m.routing_key)}', redelivered ${m.redelivered},
              ${num(m.message_count)} left, ${num(m.payload_bytes)} bytes, ${esc(m.payload_encoding)}</span>
              <div class="muted">properties: ${esc(JSON.stringify(m.properties))}</div>
              <pre class="payload">${esc(m.payload)}</pre></div>`).join('');
        }, null);
      });
      $('#purge', root).addEventListener('submit', async e => {
        e.preventDefault();
        await submitForm(e.target, () => api('DELETE', path + '/contents'), 'Queue purged');
      });
      $('#delete', root).addEventListener('submit', async e => {
        e.preventDefault();
        if (!confirm(`Delete queue ${p.name}?`)) return;
        await submitForm(e.target, async () => { await api('DELETE', path); location.hash = '#/queues'; }, 'Queue deleted');
      });
    },
    async refresh(root, p) {
      const q = await api('GET', `/queues/${enc(p.vhost)}/${enc(p.name)}`);
      $('#queue-figures', root).innerHTML =
        tile('Ready', num(q.messages_ready), 'ready') + tile('Unacked', num(q.messages_unacknowledged), 'unacked') +
        tile('Total', num(q.messages), 'total') + tile('Change', rate(q.messages_details), 'change') +
        tile('Consumers', num(q.consumers), 'consumers') + `<div class="tile"><div class="value">${features(q) || '-'}</div>
        <div class="label">Features</div></div>`;
      $('#queue-consumers', root).innerHTML = table(
        [{ label: 'Channel' }, { label: 'Consumer tag' }, { label: 'Ack required' }, { label: 'Prefetch', num: true }],
        (q.consumer_details || []).map(c => `<tr><td>${esc(c.channel_details && c.channel_details.name)}</td>
          <td>${esc(c.consumer_tag)}</td><td>${c.ack_required}</td><td class="num">${num(c.prefetch_count)}</td></tr>`),
        'No consumers');
    }
  }
};

/** Runs a form's action, shows its outcome next to the button and refreshes the figures. */
async function submitForm(form, action, okText) {
  const out = $('.result', form);
  out.className = 'result';
  out.textContent = '…';
  try {
    await action();
    out.className = 'result ok';
    out.textContent = okText || '';
  } catch (e) {
    out.className = 'result error';
    out.textContent = e.message;
  }
  refresh();
}

// ------------------------------------------------------------------ start

$('#login-form').addEventListener('submit', e => {
  e.preventDefault();
  login($('#login-user').value, $('#login-pass').value);
});
$('#logout').addEventListener('click', () => logout());
$('#refresh').value = localStorage.getItem(REFRESH_KEY) || '5000';
$('#refresh').addEventListener('change', () => {
  localStorage.setItem(REFRESH_KEY, $('#refresh').value);
  refresh();
});
window.addEventListener('hashchange', navigate);

if (state.auth) {
  api('GET', '/whoami').then(start, () => logout());
} else {
  logout();
}
