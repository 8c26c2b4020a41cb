/* The live board: every few seconds the session summary from the API. On a network
   error the last numbers stay, with the time they are from. Vanilla JS, no library. */
(function () {
  'use strict';
  var root = document.getElementById('board');
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute('data-summary-url');
  var interval = Number(root.getAttribute('data-interval')) || 5000;
  var offline = document.getElementById('board-offline');
  var updated = document.getElementById('board-updated');
  var rows = document.getElementById('board-rows');
  var lastGood = new Date();

  var zone = root.getAttribute('data-timezone');

  /* HH:MM in the system's time zone (the projector's own clock may be set otherwise). */
  function hhmm(date) {
    try {
      return date.toLocaleTimeString('zh-CN', { timeZone: zone || undefined, hour: '2-digit', minute: '2-digit', hour12: false });
    } catch (e) {
      return ('0' + date.getHours()).slice(-2) + ':' + ('0' + date.getMinutes()).slice(-2);
    }
  }

  function rate(value) {
    return value === null || value === undefined ? '—' : Math.round(value * 100) + '%';
  }

  function set(field, text) {
    Array.prototype.forEach.call(root.querySelectorAll('[data-field="' + field + '"]'), function (el) {
      el.textContent = text;
    });
  }

  function cell(tag, text, className) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (tag === 'th') { el.scope = 'row'; }
    if (className) { el.className = className; }
    return el;
  }

  function table(list) {
    var el = document.createElement('table');
    el.className = 'board-branches';
    var head = document.createElement('thead');
    var tr = document.createElement('tr');
    ['支部', '实到 / 应到', '请假', '未到'].forEach(function (label) {
      var th = cell('th', label);
      th.scope = 'col';
      tr.appendChild(th);
    });
    head.appendChild(tr);
    el.appendChild(head);
    var body = document.createElement('tbody');
    if (!list.length) {
      var empty = document.createElement('tr');
      empty.className = 'board-empty';
      var td = cell('td', '还没有应到人员');
      td.colSpan = 4;
      empty.appendChild(td);
      body.appendChild(empty);
    }
    list.forEach(function (row) {
      var line = document.createElement('tr');
      line.appendChild(cell('th', row.branch));
      line.appendChild(cell('td', row.present + ' / ' + row.expected));
      line.appendChild(cell('td', String(row.on_leave)));
      line.appendChild(cell('td', String(row.absent), row.absent ? 'has-absent' : ''));
      body.appendChild(line);
    });
    el.appendChild(body);
    return el;
  }

  /* Many branches: denser rows, to stay on one screen. */
  function branches(list) {
    while (rows.firstChild) { rows.removeChild(rows.firstChild); }
    rows.classList.toggle('is-dense', list.length > 10);
    rows.appendChild(table(list));
  }

  function show(data) {
    ['expected', 'present', 'on_leave', 'absent', 'late', 'walk_in'].forEach(function (field) {
      set(field, String(data[field]));
    });
    set('rate', rate(data.rate));
    branches(data.by_branch || []);
    lastGood = new Date();
    updated.textContent = hhmm(lastGood) + ' 更新';
    offline.hidden = true;
    root.classList.remove('is-offline');
  }

  function fail(error) {
    var text = '网络中断，显示的是 ' + hhmm(lastGood) + ' 的数据';
    if (error && (error.status === 401 || error.status === 403)) {
      text = '登录已失效，显示的是 ' + hhmm(lastGood) + ' 的数据；请重新登录后再打开本页';
    }
    offline.textContent = text;
    offline.hidden = false;
    root.classList.add('is-offline');
  }

  function refresh() {
    fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) {
          var error = new Error('HTTP ' + response.status);
          error.status = response.status;
          throw error;
        }
        return response.json();
      })
      .then(show)
      .catch(fail)
      .then(function () { setTimeout(refresh, interval); });
  }

  var fullscreen = root.querySelector('[data-fullscreen]');
  if (fullscreen && document.documentElement.requestFullscreen) {
    fullscreen.addEventListener('click', function () { document.documentElement.requestFullscreen(); });
  } else if (fullscreen) {
    fullscreen.hidden = true;
  }

  root.setAttribute('data-ready', '1');
  setTimeout(refresh, interval);
})();
