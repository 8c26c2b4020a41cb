/* 扫码签到: the scanner page (templates/checkin/scanner.html), wiring the parts under
 * static/js/scanner/ (loaded before this file, in that order): sound, result, recent,
 * queue, net, camera, search.
 *
 * Every scan (camera, photo, typed code, a person picked in the search) gets a nonce and
 * goes to the server; one that cannot get there waits in the queue and is resent on
 * "online", on returning to the page and on a timer. The server answers a nonce it has
 * seen with its first answer, so resending is harmless. Configured by the data-
 * attributes of #scanner: data-kind, data-session-id, data-opened, data-api-scans,
 * data-api-checkins, data-api-summary, data-api-expected, data-api-csrf, data-legacy-src.
 * data-opened is the server's signed "this page was opened at"; every scan carries it, so
 * a queued scan is dated when it happened, but never before the page was opened.
 *
 * Plain scripts without async/await, modules or optional chaining, so the page runs in
 * the older WebViews that qr-scanner's legacy build is there for.
 */
(function (DJ) {
  'use strict';

  var root = document.getElementById('scanner');
  if (!root) { return; }
  document.documentElement.classList.add('js');

  var cfg = root.dataset;
  var FLUSH_EVERY = 8000;       // ms between attempts to send the queue
  var SUMMARY_EVERY = 10000;    // ms between counter refreshes

  function $(id) { return document.getElementById(id); }
  var els = {
    result: $('scan-result'), present: $('count-present'), expected: $('count-expected'),
    leave: $('count-leave'), queue: $('queue-count'), video: $('camera-video'),
    cameraStatus: $('camera-status'), cameraWhy: $('camera-why'), torch: $('torch'),
    retry: $('camera-retry'), sound: $('sound'), photo: $('photo-input'),
    codeForm: $('code-form'), codeInput: $('code-input'), searchForm: $('search-form'),
    searchInput: $('search-input'), searchResults: $('search-results'),
    searchNote: $('search-note'), recent: $('recent'), recentEmpty: $('recent-empty')
  };
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var kind = cfg.kind === 'exit' ? 'exit' : 'entry';
  var flushing = false;

  function currentKind() { return kind; }
  function verb() { return kind === 'exit' ? '签退' : '签到'; }

  function showQueueCount(n) {
    if (!els.queue) { return; }
    els.queue.querySelector('b').textContent = String(n);
    els.queue.setAttribute('data-count', String(n));
    els.queue.classList.toggle('is-empty', n === 0);
  }

  var signal = DJ.scanSound(els.sound);
  var result = DJ.scanResult(els.result, verb, signal);
  var note = DJ.scanRecent(els.recent, els.recentEmpty);
  var queue = DJ.scanQueue(showQueueCount);
  var net = DJ.scanNet(csrfMeta ? csrfMeta.content : '', cfg.apiCsrf);

  function refreshSummary() {
    return net.request('GET', cfg.apiSummary).then(function (answer) {
      var data = answer.data;
      if (answer.status !== 200 || !data || typeof data.present !== 'number') { return; }
      els.present.textContent = String(data.present);
      els.expected.textContent = String(data.expected);
      if (els.leave) { els.leave.textContent = String(data.on_leave); }
    }, function () { /* offline: keep the last numbers */ });
  }

  /* One scan: ``how`` is 'scan' (a ticket code) or 'manual' (a registration picked by name). */
  function submit(how, body, label) {
    body.kind = kind;
    body.nonce = DJ.newNonce();
    if (cfg.opened) { body.opened = cfg.opened; }
    var item = {
      nonce: body.nonce, url: how === 'manual' ? cfg.apiCheckins : cfg.apiScans,
      body: body, t: Date.now(), label: label, session: cfg.sessionId
    };
    result.busy('正在核验…', label);
    note(item, 'sending');
    return net.send(item).then(function (sent) {
      if (sent.outcome === 'answer') {
        result.answer(sent.data);
        note(item, sent.data.result, sent.data);
        if (sent.data.result === 'ok' && body.kind === 'entry') {
          // Moved now, not one more round trip later (3G: half a second); the summary
          // fetched next puts the server's numbers back should they differ.
          els.present.textContent = String((parseInt(els.present.textContent, 10) || 0) + 1);
        }
        refreshSummary();
      } else if (sent.outcome === 'rejected') {
        result.error(sent.data.message);
        note(item, 'error', sent.data);
      } else {
        queue.add(item);
        if (sent.outcome === 'denied') {
          result.error(sent.data.message + '（本条已保存在本机，重新登录或获得授权后自动上传）');
        } else {
          result.queued(item.label);
        }
        note(item, 'queued', sent.data && sent.outcome === 'denied' ? sent.data : null);
      }
      return sent;
    });
  }

  /* Resend the queue in order; stop at the first scan that still gets no answer. */
  function flush() {
    if (flushing) { return Promise.resolve(); }
    var items = queue.load();
    showQueueCount(items.length);
    if (!items.length || navigator.onLine === false) { return Promise.resolve(); }
    flushing = true;
    var uploaded = 0;
    function next(i) {
      if (i >= items.length) { return Promise.resolve(true); }
      var item = items[i];
      return net.send(item).then(function (sent) {
        if (sent.outcome === 'answer' || sent.outcome === 'rejected') {
          queue.remove(item.nonce);
          uploaded += 1;
          note(item, sent.outcome === 'answer' ? sent.data.result : 'error', sent.data);
          return next(i + 1);
        }
        if (sent.outcome === 'denied') {
          // Not allowed for this one now (another event's link, logged out): keep it, go on.
          note(item, 'queued', sent.data);
          return next(i + 1);
        }
        return false;  // no network: try again later
      });
    }
    return next(0).then(function () {
      flushing = false;
      showQueueCount(queue.load().length);
      if (uploaded) { refreshSummary(); }
    }, function () {
      flushing = false;
    });
  }

  // ------------------------------------------------------------------ a code from any source

  function shortCode(text) {
    var match = /\/t\/([A-Za-z0-9]+)\/?(?:[?#].*)?$/.exec(text || '');
    var code = (match ? match[1] : (text || '')).toUpperCase();
    return code.length > 16 ? code.slice(0, 16) + '…' : code;
  }

  function handleCode(text) {
    text = (text || '').trim();
    if (!text) { return; }
    submit('scan', { code: text }, shortCode(text));
  }

  var camera = DJ.scanCamera(root, els, cfg.legacySrc, {
    code: handleCode,
    busy: function (word) { result.busy(word, ''); },
    error: result.error
  });

  var searchAgain = DJ.scanSearch(els, cfg.apiExpected, net.request, currentKind, verb,
    function (m) { return submit('manual', { registration_id: m.registration_id }, m.name); });

  // ------------------------------------------------------------------ entry / exit mode

  function setMode(next) {
    kind = next === 'exit' ? 'exit' : 'entry';
    root.classList.toggle('mode-exit', kind === 'exit');
    root.classList.toggle('mode-entry', kind === 'entry');
    Array.prototype.forEach.call(root.querySelectorAll('.mode-switch a'), function (a) {
      if (a.getAttribute('data-mode') === kind) { a.setAttribute('aria-current', 'true'); }
      else { a.removeAttribute('aria-current'); }
    });
    Array.prototype.forEach.call(root.querySelectorAll('input[name="kind"]'), function (input) {
      input.value = kind;
    });
    Array.prototype.forEach.call(root.querySelectorAll('[data-verb]'), function (button) {
      button.textContent = verb();
    });
    if (window.history && history.replaceState) {
      var url = window.location.pathname + (kind === 'exit' ? '?kind=exit' : '');
      history.replaceState(null, '', url);
    }
    result.idle();
    searchAgain();
  }

  Array.prototype.forEach.call(root.querySelectorAll('.mode-switch a'), function (a) {
    a.addEventListener('click', function (event) {
      event.preventDefault();
      setMode(a.getAttribute('data-mode'));
    });
  });

  // ------------------------------------------------------------------ the typed code

  if (els.codeForm) {
    els.codeInput.addEventListener('input', function (event) {
      if (event.isComposing) { return; }
      var start = els.codeInput.selectionStart;
      var upper = els.codeInput.value.toUpperCase();
      if (upper !== els.codeInput.value) {
        els.codeInput.value = upper;
        try { els.codeInput.setSelectionRange(start, start); } catch (e) { /* not a text field */ }
      }
    });
    els.codeForm.addEventListener('submit', function (event) {
      event.preventDefault();
      var text = els.codeInput.value.trim();
      if (!text) {
        result.error('请输入票码。');
        els.codeInput.focus();
        return;
      }
      els.codeInput.value = '';
      els.codeInput.focus();
      handleCode(text);
    });
  }

  // ------------------------------------------------------------------ start

  window.addEventListener('online', function () { flush(); refreshSummary(); });
  setInterval(flush, FLUSH_EVERY);
  setInterval(function () { if (!document.hidden) { refreshSummary(); } }, SUMMARY_EVERY);
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) { flush(); refreshSummary(); }
  });

  showQueueCount(queue.load().length);
  flush();
  camera.start();
})(window.DJ = window.DJ || {});
