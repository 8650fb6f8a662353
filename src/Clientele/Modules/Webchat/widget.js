/*! Clientele webchat widget. Embed with one tag:
 *  <script src="https://YOUR-CLIENTELE-HOST/widget.js" data-channel="pk_…" async></script>
 *  No framework, no build step. Talks to /webchat/{publicKey}/… on the host the script came from. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.getAttribute('data-channel')) {
    var tags = document.querySelectorAll('script[data-channel][src*="widget.js"]');
    script = tags[tags.length - 1];
  }
  if (!script) return;
  var key = script.getAttribute('data-channel');
  if (!key || window['__clienteleWebchat_' + key]) return;
  window['__clienteleWebchat_' + key] = true;
  var base = new URL(script.src, location.href).origin + '/webchat/' + encodeURIComponent(key);
  var storeKey = 'clientele-webchat:' + key;

  var state = { token: null, visitorId: null, conversationId: null, lastSeq: 0, seen: {}, es: null, open: false, config: null, unread: 0, retryTimer: null };
  try {
    var saved = JSON.parse(localStorage.getItem(storeKey) || 'null');
    if (saved && saved.token) { state.token = saved.token; state.visitorId = saved.visitorId; }
  } catch (e) { /* storage blocked: the chat still works for this page view */ }

  function save() {
    try {
      if (state.token) localStorage.setItem(storeKey, JSON.stringify({ token: state.token, visitorId: state.visitorId }));
      else localStorage.removeItem(storeKey);
    } catch (e) { /* ignore */ }
  }

  function api(method, path, body) {
    var headers = { 'Accept': 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (state.token && path !== '/sessions') headers['Authorization'] = 'Bearer ' + state.token;
    return fetch(base + path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), mode: 'cors', credentials: 'omit' })
      .then(function (res) {
        return res.text().then(function (text) {
          var json = null;
          try { json = text ? JSON.parse(text) : null; } catch (e) { json = null; }
          return { status: res.status, ok: res.ok, json: json, retryAfter: res.headers.get('Retry-After') };
        });
      });
  }

  // ---- UI (in a shadow root, so the site's styles and ours never mix) ----
  var host = document.createElement('div');
  host.setAttribute('data-clientele-webchat', key);
  var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
  var css = [
    ':host{all:initial}',
    '*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}',
    '.launcher{position:fixed;right:20px;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;cursor:pointer;background:var(--c);color:#fff;box-shadow:0 6px 20px rgba(0,0,0,.25);z-index:2147483646;display:flex;align-items:center;justify-content:center}',
    '.launcher:focus-visible,.send:focus-visible,.close:focus-visible{outline:3px solid #111;outline-offset:2px}',
    '.launcher svg{width:26px;height:26px;fill:currentColor}',
    '.badge{position:absolute;top:-2px;right:-2px;min-width:20px;height:20px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;line-height:20px;text-align:center;padding:0 5px}',
    '.panel{position:fixed;right:20px;bottom:88px;width:360px;max-width:calc(100vw - 24px);height:520px;max-height:calc(100vh - 110px);background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.25);display:flex;flex-direction:column;overflow:hidden;z-index:2147483647;color:#111827}',
    '.panel[hidden]{display:none}',
    'header{background:var(--c);color:#fff;padding:14px 16px;display:flex;align-items:center;justify-content:space-between}',
    'header h2{margin:0;font-size:16px;font-weight:600}',
    '.close{background:transparent;border:0;color:#fff;font-size:22px;line-height:1;cursor:pointer;padding:2px 6px;border-radius:6px}',
    '.log{flex:1;overflow-y:auto;padding:14px;background:#f8fafc;display:flex;flex-direction:column;gap:8px}',
    '.msg{max-width:80%;padding:9px 12px;border-radius:14px;font-size:14px;line-height:1.4;white-space:pre-wrap;word-wrap:break-word}',
    '.msg.agent{align-self:flex-start;background:#e5e7eb;border-bottom-left-radius:4px}',
    '.msg.visitor{align-self:flex-end;background:var(--c);color:#fff;border-bottom-right-radius:4px}',
    '.msg.pending{opacity:.6}',
    '.msg.failed{background:#fee2e2;color:#991b1b}',
    '.who{display:block;font-size:11px;opacity:.7;margin-bottom:2px}',
    '.status{font-size:12px;color:#b91c1c;padding:0 14px;min-height:0}',
    '.status:not(:empty){padding:6px 14px}',
    'form{display:flex;gap:8px;padding:10px;border-top:1px solid #e5e7eb;background:#fff}',
    'input{flex:1;border:1px solid #cbd5e1;border-radius:20px;padding:9px 14px;font-size:14px;color:#111827;background:#fff}',
    'input:focus{outline:2px solid var(--c);outline-offset:0;border-color:transparent}',
    '.send{border:0;border-radius:20px;background:var(--c);color:#fff;padding:0 16px;font-size:14px;font-weight:600;cursor:pointer}',
    '.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);border:0}',
    '@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100vh;max-height:100vh;border-radius:0}}'
  ].join('\n');
  var icon = '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
  root.innerHTML = '<style>' + css + '</style>' +
    '<button class="launcher" type="button" aria-label="Open chat" aria-expanded="false" aria-controls="cw-panel">' + icon + '<span class="badge" hidden></span></button>' +
    '<section class="panel" id="cw-panel" role="dialog" aria-labelledby="cw-title" hidden>' +
    '<header><h2 id="cw-title"></h2><button class="close" type="button" aria-label="Close chat">&times;</button></header>' +
    '<div class="log" role="log" aria-live="polite" aria-label="Conversation"></div>' +
    '<div class="status" role="status"></div>' +
    '<form><label class="sr" for="cw-input">Type your message</label>' +
    '<input id="cw-input" type="text" autocomplete="off" placeholder="Type your message…" maxlength="2000">' +
    '<button class="send" type="submit">Send</button></form></section>';
  var $ = function (sel) { return root.querySelector(sel); };
  var launcher = $('.launcher'), panel = $('.panel'), log = $('.log'), input = $('#cw-input'), form = $('form'), statusEl = $('.status'), badge = $('.badge');

  function setOpen(open) {
    state.open = open;
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.setAttribute('aria-label', open ? 'Hide chat' : 'Open chat');
    try { sessionStorage.setItem(storeKey + ':open', open ? '1' : ''); } catch (e) { /* ignore */ }
    if (open) {
      state.unread = 0; badge.hidden = true;
      input.focus();
      log.scrollTop = log.scrollHeight;
    }
  }
  launcher.addEventListener('click', function () { setOpen(!state.open); });
  $('.close').addEventListener('click', function () { setOpen(false); launcher.focus(); });
  panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') { setOpen(false); launcher.focus(); } });

  function bubble(role, text, who) {
    var el = document.createElement('div');
    el.className = 'msg ' + (role === 'user' ? 'visitor' : 'agent');
    if (who && role !== 'user') {
      var w = document.createElement('span'); w.className = 'who'; w.textContent = who; el.appendChild(w);
    }
    el.appendChild(document.createTextNode(text));
    log.appendChild(el);
    log.scrollTop = log.scrollHeight;
    return el;
  }

  function showStatus(text) { statusEl.textContent = text || ''; }

  // A message from history or the stream: shown once (by id); the visitor's own optimistic copy is confirmed.
  function receive(m) {
    if (!m || state.seen[m.id]) return;
    if (m.conversation_id && m.conversation_id !== state.conversationId) {
      var switched = state.conversationId !== null;
      state.conversationId = m.conversation_id; state.lastSeq = 0;
      if (switched) { load(); }
    }
    state.seen[m.id] = true;
    if (m.sequence_no > state.lastSeq) state.lastSeq = m.sequence_no;
    var mine = m.client_message_id && log.querySelector('[data-client-id="' + CSS.escape(m.client_message_id) + '"]');
    if (mine) { mine.classList.remove('pending'); mine.removeAttribute('data-client-id'); return; }
    bubble(m.role, m.content, m.agent_name);
    if (!state.open && m.role === 'assistant') { state.unread++; badge.textContent = String(state.unread); badge.hidden = false; }
  }

  function load() {
    if (!state.token) return Promise.resolve();
    return api('GET', '/messages?after=' + state.lastSeq).then(function (r) {
      if (r.status === 401 || r.status === 403) { forget(); return; }
      if (!r.ok || !r.json) return;
      if (r.json.conversation_id && r.json.conversation_id !== state.conversationId) {
        var fromStart = state.lastSeq === 0;
        state.conversationId = r.json.conversation_id; state.lastSeq = 0;
        if (!fromStart) return load(); // a new conversation: read it from its start
      }
      (r.json.data || []).forEach(receive);
      if (r.json.has_more) return load();
    });
  }

  function forget() {
    state.token = null; state.visitorId = null; state.conversationId = null; state.lastSeq = 0;
    if (state.es) { state.es.close(); state.es = null; }
    save();
  }

  function connect() {
    if (!state.token || state.es || typeof EventSource === 'undefined') return;
    var es = new EventSource(base + '/stream?token=' + encodeURIComponent(state.token) + '&after=' + state.lastSeq);
    state.es = es;
    es.onmessage = function (e) { try { receive(JSON.parse(e.data)); } catch (err) { /* ignore a malformed event */ } };
    es.addEventListener('conversation', function (e) {
      try { state.conversationId = JSON.parse(e.data).conversation_id; state.lastSeq = 0; } catch (err) { /* ignore */ }
    });
    es.onerror = function () {
      if (es.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself (Last-Event-ID)
      // Refused (expired token, limits): look again in a while.
      state.es = null;
      clearTimeout(state.retryTimer);
      state.retryTimer = setTimeout(function () { load().catch(function () {}).then(connect); }, 5000);
    };
  }

  function ensureSession() {
    if (state.token) return Promise.resolve(true);
    var body = {};
    var name = script.getAttribute('data-name'), email = script.getAttribute('data-email');
    if (name) body.name = name;
    if (email) body.email = email;
    return api('POST', '/sessions', body).then(function (r) {
      if (r.status !== 201 || !r.json) { showStatus(problem(r, 'The chat is not available right now.')); return false; }
      state.token = r.json.visitor_token; state.visitorId = r.json.visitor_id; save();
      connect();
      return true;
    });
  }

  function problem(r, fallback) {
    if (r.status === 429) return 'You are sending messages too fast. Try again in ' + (r.retryAfter || 'a few') + ' seconds.';
    var j = r.json;
    if (j && j.errors) { for (var f in j.errors) return j.errors[f][0] ? f + ' ' + j.errors[f][0] : fallback; }
    return (j && j.detail) || fallback;
  }

  function send(text, el, clientId, retried) {
    return ensureSession().then(function (ok) {
      if (!ok) { el.classList.add('failed'); return; }
      return api('POST', '/messages', { text: text, client_message_id: clientId }).then(function (r) {
        if (r.status === 202) { showStatus(''); return; }
        if (r.status === 401 && !retried) { forget(); return send(text, el, clientId, true); }
        el.classList.remove('pending'); el.classList.add('failed');
        showStatus(problem(r, 'Your message was not sent.'));
      });
    }).catch(function () {
      el.classList.remove('pending'); el.classList.add('failed');
      showStatus('Your message was not sent: no connection.');
    });
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    var max = (state.config && state.config.max_message_length) || 2000;
    if (text.length > max) { showStatus('Messages can be at most ' + max + ' characters.'); return; }
    input.value = '';
    var clientId = 'c' + Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
    var el = bubble('user', text);
    el.classList.add('pending');
    el.setAttribute('data-client-id', clientId);
    send(text, el, clientId, false);
  });

  function start(config) {
    state.config = config;
    host.style.setProperty('--c', config.color || '#2563eb');
    $('#cw-title').textContent = config.title || 'Chat';
    input.maxLength = config.max_message_length || 2000;
    if (config.greeting) bubble('assistant', config.greeting);
    (document.body || document.documentElement).appendChild(host);
    var reopen = false;
    try { reopen = sessionStorage.getItem(storeKey + ':open') === '1'; } catch (e) { /* ignore */ }
    if (reopen) setOpen(true);
    load().catch(function () {}).then(connect);
  }

  api('GET', '/config').then(function (r) {
    if (r.ok && r.json) start(r.json);
    else if (window.console) console.warn('Clientele webchat: channel ' + key + ' is not available here (' + r.status + (r.json && r.json.detail ? ': ' + r.json.detail : '') + ')');
  }).catch(function () { if (window.console) console.warn('Clientele webchat: cannot reach ' + base); });
})();
