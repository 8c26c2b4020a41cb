/* The live board: every few seconds the session summary from the API. On a network
   error the last numbers stay, with the time they are from. Vanilla JS, no library;
   screen.js (loaded first) has the clock, the polling and the banner. */
(function (DJ) {
  'use strict';
  var root = document.getElementById('board');
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute('data-summary-url');
  var interval = Number(root.getAttribute('data-interval')) || 5000;
  var offline = DJ.offlineBanner(document.getElementById('board-offline'));
  var updated = document.getElementById('board-updated');
  var rows = document.getElementById('board-rows');
  var lastGood = new Date();

  var zone = root.getAttribute('data-timezone');

  function hhmm(date) { return DJ.hhmm(date, zone); }

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
      var present = cell('td', row.present + ' / ' + row.expected);
      if (row.backfilled) {
        present.appendChild(document.createTextNode(' '));
        present.appendChild(cell('small', '含补录 ' + row.backfilled, 'board-note'));
      }
      line.appendChild(present);
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
    offline(null);
    root.classList.remove('is-offline');
  }

  function fail(error) {
    var text = '网络中断，显示的是 ' + hhmm(lastGood) + ' 的数据';
    if (DJ.loggedOut(error)) {
      text = '登录已失效，显示的是 ' + hhmm(lastGood) + ' 的数据；请重新登录后再打开本页';
    }
    offline(text);
    root.classList.add('is-offline');
  }

  function refresh() {
    DJ.getJSON(url)
      .then(show)
      .catch(fail)
      .then(function () { setTimeout(refresh, interval); });
  }

  DJ.fullscreenButton(root);
  root.setAttribute('data-ready', '1');
  setTimeout(refresh, interval);
})(window.DJ);
