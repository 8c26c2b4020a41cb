/* Scanner: 查找姓名, the fallback when a ticket cannot be scanned. Searches the session's
 * expected list as the volunteer types (a name from two characters, or the last four
 * digits of a phone), shows each person's state and a 签到/签退 button per person. */
(function (DJ) {
  'use strict';

  function badge(parent, text, cls) {
    var b = document.createElement('span');
    b.className = 'badge ' + cls;
    b.textContent = text;
    parent.appendChild(document.createTextNode(' '));
    parent.appendChild(b);
  }

  /* ``els``: searchForm, searchInput, searchResults, searchNote; ``url``: the expected-list
   * API; ``request``: net's request(); ``kind()``: entry or exit now; ``verb()``: 签到 or 签退;
   * ``pick(person)``: check one person in, resolving to net's {outcome}. */
  DJ.scanSearch = function (els, url, request, kind, verb, pick) {
    var seq = 0;
    var timer = null;

    function person(m) {
      var li = document.createElement('li');
      var who = document.createElement('div');
      who.className = 'who';
      var name = document.createElement('span');
      name.className = 'name';
      name.textContent = m.name;
      who.appendChild(name);
      if (m.on_leave) { badge(who, '已请假', 'badge-amber'); }
      if (m.walk_in) { badge(who, '列席', 'badge-blue'); }
      if (m.checked_out) { badge(who, '已签退', 'badge-green'); }
      else if (m.checked_in) { badge(who, '已签到', 'badge-green'); }
      if (m.backfilled) { badge(who, '补录', 'badge-amber'); }
      else { badge(who, '未签到', 'badge-grey'); }
      var meta = document.createElement('span');
      meta.className = 'meta block';
      meta.textContent = m.branch + ' · ' + m.phone;
      who.appendChild(meta);
      var button = document.createElement('button');
      button.type = 'button';
      var done = kind() === 'exit' ? m.checked_out : m.checked_in;
      button.className = 'btn' + (done ? '' : ' btn-primary');
      button.textContent = verb();
      button.setAttribute('aria-label', verb() + ' ' + m.name);
      button.addEventListener('click', function () {
        pick(m).then(function (sent) {
          if (sent.outcome === 'answer') { search(els.searchInput.value); }
        });
      });
      li.appendChild(who);
      li.appendChild(button);
      return li;
    }

    function render(data) {
      els.searchResults.textContent = '';
      data.items.forEach(function (m) { els.searchResults.appendChild(person(m)); });
      var q = data.q;
      els.searchNote.textContent = !q ? '' : !data.items.length ?
        '没有找到「' + q + '」，请核对姓名，或改用手机号后 4 位查找。' :
        data.more ? '只显示前 20 人，请输入更完整的姓名。' : '';
    }

    function search(q) {
      q = (q || '').trim();
      var mine = ++seq;
      if (!q) { render({ q: '', items: [], more: false }); return; }
      els.searchNote.textContent = '正在查找…';
      request('GET', url + '?q=' + encodeURIComponent(q)).then(function (answer) {
        if (mine !== seq) { return; }
        if (answer.status === 200 && answer.data && answer.data.items) {
          render(answer.data);
        } else {
          els.searchNote.textContent = (answer.data && answer.data.message) || '查找失败，请稍后再试。';
        }
      }, function () {
        if (mine === seq) { els.searchNote.textContent = '网络不通，暂时不能查找。请输入票码，网络恢复后再查找。'; }
      });
    }

    if (els.searchForm) {
      els.searchForm.addEventListener('submit', function (event) {
        event.preventDefault();
        search(els.searchInput.value);
      });
      els.searchInput.addEventListener('input', function () {
        clearTimeout(timer);
        var q = els.searchInput.value.trim();
        if (q.length >= 2 || /^\d{4}$/.test(q) || !q) {
          timer = setTimeout(function () { search(q); }, 350);
        }
      });
    }

    /* Search again for what is typed (after a switch between 签到 and 签退). */
    return function refresh() {
      if (els.searchInput && els.searchInput.value.trim()) { search(els.searchInput.value); }
    };
  };
})(window.DJ = window.DJ || {});
