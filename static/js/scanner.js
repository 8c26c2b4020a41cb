/* 扫码签到: the scanner page (templates/checkin/scanner.html).
 *
 * Camera scanning with the vendored qr-scanner, plus a typed code, a name search and a
 * photo as fallbacks. Every scan gets a nonce; a scan whose request fails (no network,
 * timeout, a server or proxy error) is kept in a queue in localStorage and resent on
 * "online" events and on a timer. The server answers a nonce it has seen with its first
 * answer, so resending is harmless.
 *
 * Written without async/await, modules or optional chaining, so it runs in older
 * WebViews; if qr-scanner's regular build cannot run there, its legacy build is loaded.
 */
(function () {
  'use strict';

  var root = document.getElementById('scanner');
  if (!root) { return; }
  document.documentElement.classList.add('js');

  var cfg = root.dataset;
  var REQUEST_TIMEOUT = 4000;   // ms before a live scan is queued instead
  var SAME_CODE_PAUSE = 3000;   // ms during which the camera ignores the code just read
  var FLUSH_EVERY = 8000;       // ms between attempts to send the queue
  var SUMMARY_EVERY = 10000;    // ms between counter refreshes
  var IDLE_AFTER = 8000;        // ms before the banner goes back to "ready"
  var QUEUE_KEY = 'dangjian.scanQueue.v1';
  var RECENT_MAX = 10;

  function $(id) { return document.getElementById(id); }
  var els = {
    result: $('scan-result'), counts: {
      present: $('count-present'), expected: $('count-expected'), leave: $('count-leave')
    },
    queue: $('queue-count'), video: $('camera-video'), cameraBox: $('camera-box'),
    cameraStatus: $('camera-status'), cameraWhy: $('camera-why'), torch: $('torch'),
    retry: $('camera-retry'), sound: $('sound'), photo: $('photo-input'),
    codeForm: $('code-form'), codeInput: $('code-input'), searchForm: $('search-form'),
    searchInput: $('search-input'), searchResults: $('search-results'),
    searchNote: $('search-note'), recent: $('recent'), recentEmpty: $('recent-empty')
  };
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var state = {
    kind: cfg.kind === 'exit' ? 'exit' : 'entry',
    csrf: csrfMeta ? csrfMeta.content : '',
    lastCode: null, lastSeen: 0, flushing: false, sound: true, idleTimer: null,
    scanner: null, recent: []
  };

  function verb() { return state.kind === 'exit' ? '签退' : '签到'; }

  // ------------------------------------------------------------------ ids and time

  function newNonce() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return window.crypto.randomUUID();
    }
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < 16; i++) { bytes[i] = Math.floor(Math.random() * 256); }
    }
    var hex = '';
    for (var j = 0; j < 16; j++) { hex += (bytes[j] + 0x100).toString(16).slice(1); }
    return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' +
      hex.slice(16, 20) + '-' + hex.slice(20);
  }

  function clock(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  }

  function shortCode(text) {
    var match = /\/t\/([A-Za-z0-9]+)\/?(?:[?#].*)?$/.exec(text || '');
    var code = (match ? match[1] : (text || '')).toUpperCase();
    return code.length > 16 ? code.slice(0, 16) + '…' : code;
  }

  // ------------------------------------------------------------------ sound and vibration

  var audio = null;
  function wakeAudio() {
    if (!audio) {
      var AC = window.AudioContext || window.webkitAudioContext;
      if (!AC) { return; }
      try { audio = new AC(); } catch (e) { return; }
    }
    if (audio.state === 'suspended' && audio.resume) { audio.resume(); }
  }
  ['pointerdown', 'touchstart', 'keydown', 'click'].forEach(function (name) {
    document.addEventListener(name, wakeAudio, true);
  });

  var TONES = {  // [frequency Hz, seconds, wave] per beep
    ok: [[1175, 0.12, 'sine']],
    dup: [[660, 0.09, 'sine'], [660, 0.09, 'sine']],
    bad: [[196, 0.4, 'square']],
    queued: [[523, 0.08, 'sine'], [784, 0.1, 'sine']]
  };
  var BUZZ = { ok: [60], dup: [60, 80, 60], bad: [300], queued: [40, 60, 40] };

  function signal(kind) {
    if (navigator.vibrate) { try { navigator.vibrate(BUZZ[kind]); } catch (e) { /* not allowed yet */ } }
    if (!state.sound || !audio || audio.state !== 'running') { return; }
    var t = audio.currentTime + 0.01;
    TONES[kind].forEach(function (tone) {
      var osc = audio.createOscillator();
      var gain = audio.createGain();
      osc.type = tone[2];
      osc.frequency.value = tone[0];
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.35, t + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + tone[1]);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(t);
      osc.stop(t + tone[1] + 0.02);
      t += tone[1] + 0.06;
    });
  }

  // Browsers start sound only after a tap: until then the button asks for one.
  function soundLabel() {
    if (!els.sound) { return; }
    var waiting = state.sound && audio && audio.state !== 'running';
    els.sound.setAttribute('aria-pressed', state.sound ? 'true' : 'false');
    els.sound.classList.toggle('needs-tap', !!waiting);
    els.sound.querySelector('span').textContent =
      waiting ? '点此开启提示音' : (state.sound ? '提示音：开' : '提示音：关');
  }

  if (els.sound) {
    els.sound.addEventListener('click', function () {
      if (state.sound && audio && audio.state !== 'running') {
        wakeAudio();  // the first tap turns sound on rather than off
      } else {
        state.sound = !state.sound;
      }
      if (state.sound) { wakeAudio(); setTimeout(function () { signal('ok'); }, 50); }
      soundLabel();
    });
  }
  wakeAudio();
  if (audio) { audio.onstatechange = soundLabel; }
  soundLabel();

  // ------------------------------------------------------------------ the result banner

  function banner(cls, word, name, detail, message) {
    var box = els.result;
    box.className = 'scan-result ' + cls;
    box.querySelector('.sr-word').textContent = word || '';
    box.querySelector('.sr-name').textContent = name || '';
    box.querySelector('.sr-detail').textContent = detail || '';
    box.querySelector('.sr-message').textContent = message || '';
    clearTimeout(state.idleTimer);
    if (cls !== 'is-idle' && cls !== 'is-busy') {
      state.idleTimer = setTimeout(function () {
        box.classList.add('is-fading');
        setTimeout(idle, 400);
      }, IDLE_AFTER);
    }
  }

  function idle() {
    banner('is-idle', '请扫票面二维码' + verb(), '', '', '');
  }

  function showAnswer(data) {
    var member = data.member || {};
    if (data.result === 'ok') {
      banner('is-ok', data.message, member.name, member.branch, '');
      signal('ok');
    } else if (data.result === 'duplicate') {
      banner('is-dup', '重复' + verb(), member.name, member.branch, data.message);
      signal('dup');
    } else {
      banner('is-bad', '不能' + verb(), member.name, member.branch, data.message);
      signal('bad');
    }
  }

  function showError(message) {
    banner('is-bad', '不能' + verb(), '', '', message);
    signal('bad');
  }

  function showQueued(item) {
    banner('is-queued', '已记录', item.label, '', '已记录，网络恢复后自动上传');
    signal('queued');
  }

  // ------------------------------------------------------------------ recent scans on this phone

  var STATUS_WORDS = {
    ok: ['成功', 'badge-green'], duplicate: ['重复', 'badge-amber'], refused: ['未通过', 'badge-red'],
    queued: ['待上传', 'badge-amber'], error: ['未通过', 'badge-red'], sending: ['核验中', 'badge-grey']
  };

  function note(item, status, data) {
    var entry = null;
    for (var i = 0; i < state.recent.length; i++) {
      if (state.recent[i].nonce === item.nonce) { entry = state.recent[i]; break; }
    }
    if (!entry) {
      entry = { nonce: item.nonce, t: item.t };
      state.recent.unshift(entry);
      state.recent = state.recent.slice(0, RECENT_MAX);
    }
    entry.status = status;
    entry.kind = item.body.kind;
    entry.who = (data && data.member && data.member.name) || entry.who || item.label;
    entry.message = data && data.message ? data.message : '';
    renderRecent();
  }

  function renderRecent() {
    if (!els.recent) { return; }
    els.recent.textContent = '';
    state.recent.forEach(function (entry) {
      var li = document.createElement('li');
      var words = STATUS_WORDS[entry.status] || STATUS_WORDS.error;
      var time = document.createElement('span');
      time.className = 'time';
      time.textContent = clock(entry.t);
      var who = document.createElement('span');
      who.className = 'who';
      who.textContent = entry.who + (entry.kind === 'exit' ? '（签退）' : '');
      var badge = document.createElement('span');
      badge.className = 'badge ' + words[1];
      badge.textContent = words[0];
      li.appendChild(time);
      li.appendChild(who);
      li.appendChild(badge);
      if (entry.message && entry.status !== 'ok') {
        var why = document.createElement('span');
        why.className = 'meta block';
        why.textContent = entry.message;
        li.appendChild(why);
      }
      els.recent.appendChild(li);
    });
    if (els.recentEmpty) { els.recentEmpty.hidden = state.recent.length > 0; }
  }

  // ------------------------------------------------------------------ the offline queue

  var memoryQueue = [];
  var storageWorks = (function () {
    try {
      localStorage.setItem(QUEUE_KEY + '.test', '1');
      localStorage.removeItem(QUEUE_KEY + '.test');
      return true;
    } catch (e) { return false; }
  })();

  function loadQueue() {
    if (!storageWorks) { return memoryQueue.slice(); }
    try {
      var items = JSON.parse(localStorage.getItem(QUEUE_KEY) || '[]');
      return Array.isArray(items) ? items : [];
    } catch (e) { return []; }
  }

  function saveQueue(items) {
    memoryQueue = items.slice();
    if (storageWorks) {
      try { localStorage.setItem(QUEUE_KEY, JSON.stringify(items)); } catch (e) { /* full: keep in memory */ }
    }
    showQueueCount(items.length);
  }

  function enqueue(item) {
    var items = loadQueue();
    for (var i = 0; i < items.length; i++) {
      if (items[i].nonce === item.nonce) { return; }
    }
    items.push(item);
    saveQueue(items);
  }

  function dequeue(nonce) {
    saveQueue(loadQueue().filter(function (item) { return item.nonce !== nonce; }));
  }

  function showQueueCount(n) {
    if (!els.queue) { return; }
    els.queue.querySelector('b').textContent = String(n);
    els.queue.setAttribute('data-count', String(n));
    els.queue.classList.toggle('is-empty', n === 0);
  }

  // ------------------------------------------------------------------ talking to the server

  function request(method, url, body) {
    var controller = window.AbortController ? new AbortController() : null;
    var options = {
      method: method, credentials: 'same-origin', cache: 'no-store',
      headers: { 'Accept': 'application/json' }
    };
    if (body !== undefined) {
      options.headers['Content-Type'] = 'application/json';
      options.headers['X-CSRFToken'] = state.csrf;
      options.body = JSON.stringify(body);
    }
    if (controller) { options.signal = controller.signal; }
    var timer;
    var timeout = new Promise(function (resolve, reject) {
      timer = setTimeout(function () {
        if (controller) { controller.abort(); }
        reject(new Error('timeout'));
      }, REQUEST_TIMEOUT);
    });
    var call = fetch(url, options).then(function (response) {
      var type = response.headers.get('Content-Type') || '';
      if (type.indexOf('application/json') === -1) {
        // A captive portal, a proxy's error page, a login page: not our server's answer.
        return { status: response.status, data: null };
      }
      return response.json().then(function (data) {
        return { status: response.status, data: data };
      }, function () { return { status: response.status, data: null }; });
    });
    return Promise.race([call, timeout]).then(function (answer) {
      clearTimeout(timer);
      return answer;
    }, function (error) {
      clearTimeout(timer);
      throw error;
    });
  }

  function refreshCsrf() {
    return request('GET', cfg.apiCsrf).then(function (answer) {
      if (answer.data && answer.data.csrf_token) { state.csrf = answer.data.csrf_token; return true; }
      return false;
    }, function () { return false; });
  }

  /* Send one scan. Resolves to {outcome, data}:
   *   answer   the server decided (ok / duplicate / refused): done
   *   retry    no answer (network, timeout, 5xx, 429, not JSON): keep it queued
   *   denied   401/403: not allowed now (logged out, link revoked): keep it, stop
   *   rejected another 4xx (a malformed scan): drop it and say why */
  function send(item, csrfRetried) {
    if (navigator.onLine === false) { return Promise.resolve({ outcome: 'retry' }); }
    var body = {};
    for (var key in item.body) { body[key] = item.body[key]; }
    body.age = Math.max(0, Math.round((Date.now() - item.t) / 1000));
    return request('POST', item.url, body).then(function (answer) {
      var data = answer.data;
      if (!data) { return { outcome: 'retry' }; }
      if (answer.status === 200 && data.result) { return { outcome: 'answer', data: data }; }
      if (answer.status === 400 && data.code === 'csrf_invalid' && !csrfRetried) {
        return refreshCsrf().then(function (ok) {
          return ok ? send(item, true) : { outcome: 'retry', data: data };
        });
      }
      if (answer.status >= 500 || answer.status === 429 || answer.status === 408 ||
          data.code === 'csrf_invalid') {
        return { outcome: 'retry', data: data };
      }
      if (answer.status === 401 || answer.status === 403) { return { outcome: 'denied', data: data }; }
      return { outcome: 'rejected', data: data };
    }, function () {
      return { outcome: 'retry' };
    });
  }

  function submit(kind, body, label) {
    body.kind = state.kind;
    body.nonce = newNonce();
    var item = {
      nonce: body.nonce, url: kind === 'manual' ? cfg.apiCheckins : cfg.apiScans,
      body: body, t: Date.now(), label: label, session: cfg.sessionId
    };
    banner('is-busy', '正在核验…', label, '', '');
    note(item, 'sending');
    return send(item).then(function (sent) {
      if (sent.outcome === 'answer') {
        showAnswer(sent.data);
        note(item, sent.data.result, sent.data);
        refreshSummary();
      } else if (sent.outcome === 'rejected') {
        showError(sent.data.message);
        note(item, 'error', sent.data);
      } else {
        enqueue(item);
        if (sent.outcome === 'denied') {
          showError(sent.data.message + '（本条已保存在本机，重新登录或获得授权后自动上传）');
        } else {
          showQueued(item);
        }
        note(item, 'queued', sent.data && sent.outcome === 'denied' ? sent.data : null);
      }
      return sent;
    });
  }

  function flush() {
    if (state.flushing) { return Promise.resolve(); }
    var items = loadQueue();
    showQueueCount(items.length);
    if (!items.length || navigator.onLine === false) { return Promise.resolve(); }
    state.flushing = true;
    var uploaded = 0;
    function next(i) {
      if (i >= items.length) { return Promise.resolve(true); }
      var item = items[i];
      return send(item).then(function (sent) {
        if (sent.outcome === 'answer' || sent.outcome === 'rejected') {
          dequeue(item.nonce);
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
      state.flushing = false;
      showQueueCount(loadQueue().length);
      if (uploaded) { refreshSummary(); }
    }, function () {
      state.flushing = false;
    });
  }

  function refreshSummary() {
    return request('GET', cfg.apiSummary).then(function (answer) {
      var data = answer.data;
      if (answer.status !== 200 || !data || typeof data.present !== 'number') { return; }
      els.counts.present.textContent = String(data.present);
      els.counts.expected.textContent = String(data.expected);
      if (els.counts.leave) { els.counts.leave.textContent = String(data.on_leave); }
    }, function () { /* offline: keep the last numbers */ });
  }

  // ------------------------------------------------------------------ entry / exit mode

  function setMode(kind) {
    state.kind = kind === 'exit' ? 'exit' : 'entry';
    root.classList.toggle('mode-exit', state.kind === 'exit');
    root.classList.toggle('mode-entry', state.kind === 'entry');
    Array.prototype.forEach.call(root.querySelectorAll('.mode-switch a'), function (a) {
      if (a.getAttribute('data-mode') === state.kind) { a.setAttribute('aria-current', 'true'); }
      else { a.removeAttribute('aria-current'); }
    });
    Array.prototype.forEach.call(root.querySelectorAll('input[name="kind"]'), function (input) {
      input.value = state.kind;
    });
    Array.prototype.forEach.call(root.querySelectorAll('[data-verb]'), function (button) {
      button.textContent = verb();
    });
    if (window.history && history.replaceState) {
      var url = window.location.pathname + (state.kind === 'exit' ? '?kind=exit' : '');
      history.replaceState(null, '', url);
    }
    idle();
    if (els.searchInput && els.searchInput.value.trim()) { search(els.searchInput.value); }
  }

  Array.prototype.forEach.call(root.querySelectorAll('.mode-switch a'), function (a) {
    a.addEventListener('click', function (event) {
      event.preventDefault();
      setMode(a.getAttribute('data-mode'));
    });
  });

  // ------------------------------------------------------------------ a code from any source

  function handleCode(text) {
    text = (text || '').trim();
    if (!text) { return; }
    submit('scan', { code: text }, shortCode(text));
  }

  function onDecode(result) {
    var text = typeof result === 'string' ? result : (result && result.data);
    if (!text) { return; }
    var now = Date.now();
    if (text === state.lastCode && now - state.lastSeen < SAME_CODE_PAUSE) {
      state.lastSeen = now;  // still in front of the camera: keep ignoring it
      return;
    }
    state.lastCode = text;
    state.lastSeen = now;
    handleCode(text);
  }

  // ------------------------------------------------------------------ the camera

  var WHY = {
    insecure: '摄像头不可用：当前网址不是 https 加密连接，手机浏览器不允许网页打开摄像头。' +
      '请用「拍照识别」、输入票码或查找姓名签到；需要直接扫码时，请联系管理员启用 https。',
    unsupported: '摄像头不可用：这个浏览器（或旧版微信）不支持网页打开摄像头。' +
      '请用「拍照识别」、输入票码或查找姓名签到，或换用手机自带浏览器打开本页。',
    denied: '没有获得使用摄像头的允许。请在浏览器设置里允许本网站使用摄像头，然后点「重新打开摄像头」；' +
      '现在可以用「拍照识别」、输入票码或查找姓名签到。',
    nocamera: '没有找到摄像头。请用「拍照识别」、输入票码或查找姓名签到。',
    busy: '摄像头正被其他应用使用。请关闭其他用摄像头的应用，再点「重新打开摄像头」。',
    failed: '摄像头打开失败。请点「重新打开摄像头」再试，或用「拍照识别」、输入票码、查找姓名签到。',
    nolib: '扫码组件没有加载成功。请刷新页面；现在可以输入票码或查找姓名签到。'
  };

  function cameraProblem(kind) {
    root.classList.add('no-camera');
    els.cameraStatus.textContent = '摄像头不可用';
    els.cameraWhy.textContent = WHY[kind] || WHY.failed;
    els.cameraWhy.hidden = false;
    els.retry.hidden = kind === 'insecure' || kind === 'unsupported' || kind === 'nolib' ||
      kind === 'nocamera';
  }

  function whyFailed(error) {
    var name = error && error.name ? error.name : '';
    var text = String(error && error.message ? error.message : error || '');
    if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') {
      return 'denied';
    }
    if (name === 'NotFoundError' || name === 'OverconstrainedError' || /not found/i.test(text)) {
      return 'nocamera';
    }
    if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') {
      return 'busy';
    }
    return 'failed';
  }

  var libPromise = null;
  function loadLibrary() {
    if (window.QrScanner) { return Promise.resolve(window.QrScanner); }
    if (libPromise) { return libPromise; }
    libPromise = new Promise(function (resolve, reject) {
      // The regular build needs async functions; an old WebView gets the legacy build.
      var script = document.createElement('script');
      script.src = cfg.legacySrc;
      script.onload = function () { window.QrScanner ? resolve(window.QrScanner) : reject(new Error('nolib')); };
      script.onerror = function () { reject(new Error('nolib')); };
      document.head.appendChild(script);
    });
    return libPromise;
  }

  function startCamera() {
    els.cameraWhy.hidden = true;
    els.retry.hidden = true;
    root.classList.remove('no-camera');
    els.cameraStatus.textContent = '正在打开摄像头…';
    if (window.isSecureContext === false) { cameraProblem('insecure'); return; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      cameraProblem(window.isSecureContext === undefined && location.protocol === 'http:' ?
        'insecure' : 'unsupported');
      return;
    }
    loadLibrary().then(function (QrScanner) {
      if (!state.scanner) {
        state.scanner = new QrScanner(els.video, onDecode, {
          preferredCamera: 'environment', returnDetailedScanResult: true, maxScansPerSecond: 8,
          highlightScanRegion: true, highlightCodeOutline: true,
          onDecodeError: function () { /* no QR in this frame */ }
        });
      }
      return state.scanner.start().then(function () {
        root.classList.add('camera-on');
        els.cameraStatus.textContent = '';
        return state.scanner.hasFlash().then(function (has) {
          els.torch.hidden = !has;
        }, function () { els.torch.hidden = true; });
      });
    }).catch(function (error) {
      cameraProblem(error && error.message === 'nolib' ? 'nolib' : whyFailed(error));
    });
  }

  if (els.torch) {
    els.torch.addEventListener('click', function () {
      if (!state.scanner) { return; }
      state.scanner.toggleFlash().then(function () {
        var on = state.scanner.isFlashOn();
        els.torch.setAttribute('aria-pressed', on ? 'true' : 'false');
        els.torch.querySelector('span').textContent = on ? '关闭手电筒' : '打开手电筒';
      }, function () { els.torch.hidden = true; });
    });
  }
  if (els.retry) { els.retry.addEventListener('click', startCamera); }

  // ------------------------------------------------------------------ a photo of the ticket

  if (els.photo) {
    els.photo.addEventListener('change', function () {
      var file = els.photo.files && els.photo.files[0];
      if (!file) { return; }
      banner('is-busy', '正在识别照片…', '', '', '');
      loadLibrary().then(function (QrScanner) {
        return QrScanner.scanImage(file, { returnDetailedScanResult: true });
      }).then(function (result) {
        state.lastCode = result.data;
        state.lastSeen = Date.now();
        handleCode(result.data);
      }, function () {
        showError('照片里没有找到二维码。请让票面二维码占满画面的一半左右、对准焦点后再拍。');
      }).then(function () { els.photo.value = ''; });
    });
  }

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
        showError('请输入票码。');
        els.codeInput.focus();
        return;
      }
      els.codeInput.value = '';
      els.codeInput.focus();
      handleCode(text);
    });
  }

  // ------------------------------------------------------------------ the name search

  var searchSeq = 0;
  var searchTimer = null;

  function renderMatches(data) {
    var list = els.searchResults;
    list.textContent = '';
    var exit = state.kind === 'exit';
    data.items.forEach(function (m) {
      var li = document.createElement('li');
      var who = document.createElement('div');
      who.className = 'who';
      var name = document.createElement('span');
      name.className = 'name';
      name.textContent = m.name;
      who.appendChild(name);
      function badge(text, cls) {
        var b = document.createElement('span');
        b.className = 'badge ' + cls;
        b.textContent = text;
        who.appendChild(document.createTextNode(' '));
        who.appendChild(b);
      }
      if (m.on_leave) { badge('已请假', 'badge-amber'); }
      if (m.walk_in) { badge('列席', 'badge-blue'); }
      if (m.checked_out) { badge('已签退', 'badge-green'); }
      else if (m.checked_in) { badge('已签到', 'badge-green'); }
      else { badge('未签到', 'badge-grey'); }
      var meta = document.createElement('span');
      meta.className = 'meta block';
      meta.textContent = m.branch + ' · ' + m.phone;
      who.appendChild(meta);
      var button = document.createElement('button');
      button.type = 'button';
      var done = exit ? m.checked_out : m.checked_in;
      button.className = 'btn' + (done ? '' : ' btn-primary');
      button.textContent = verb();
      button.setAttribute('aria-label', verb() + ' ' + m.name);
      button.addEventListener('click', function () {
        submit('manual', { registration_id: m.registration_id }, m.name).then(function (sent) {
          if (sent.outcome === 'answer') { search(els.searchInput.value); }
        });
      });
      li.appendChild(who);
      li.appendChild(button);
      list.appendChild(li);
    });
    var q = data.q;
    els.searchNote.textContent = !q ? '' : !data.items.length ?
      '没有找到「' + q + '」，请核对姓名，或改用手机号后 4 位查找。' :
      data.more ? '只显示前 20 人，请输入更完整的姓名。' : '';
  }

  function search(q) {
    q = (q || '').trim();
    var seq = ++searchSeq;
    if (!q) { renderMatches({ q: '', items: [], more: false }); return; }
    els.searchNote.textContent = '正在查找…';
    request('GET', cfg.apiExpected + '?q=' + encodeURIComponent(q)).then(function (answer) {
      if (seq !== searchSeq) { return; }
      if (answer.status === 200 && answer.data && answer.data.items) {
        renderMatches(answer.data);
      } else {
        els.searchNote.textContent = (answer.data && answer.data.message) || '查找失败，请稍后再试。';
      }
    }, function () {
      if (seq === searchSeq) { els.searchNote.textContent = '网络不通，暂时不能查找。请输入票码，网络恢复后再查找。'; }
    });
  }

  if (els.searchForm) {
    els.searchForm.addEventListener('submit', function (event) {
      event.preventDefault();
      search(els.searchInput.value);
    });
    els.searchInput.addEventListener('input', function () {
      clearTimeout(searchTimer);
      var q = els.searchInput.value.trim();
      if (q.length >= 2 || /^\d{4}$/.test(q) || !q) {
        searchTimer = setTimeout(function () { search(q); }, 350);
      }
    });
  }

  // ------------------------------------------------------------------ start

  window.addEventListener('online', function () { flush(); refreshSummary(); });
  setInterval(flush, FLUSH_EVERY);
  setInterval(function () { if (!document.hidden) { refreshSummary(); } }, SUMMARY_EVERY);
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden) { flush(); refreshSummary(); }
  });
  window.addEventListener('storage', function (event) {
    if (event.key === QUEUE_KEY) { showQueueCount(loadQueue().length); }
  });

  if (!els.result.classList.contains('is-idle')) {
    // A result rendered by the server (a form posted without JavaScript): fade as usual.
    state.idleTimer = setTimeout(idle, IDLE_AFTER);
  }
  showQueueCount(loadQueue().length);
  flush();
  startCamera();
})();
