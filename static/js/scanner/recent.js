/* Scanner: 最近记录, the last scans made on this phone, each with its state
 * (核验中 → 成功 / 重复 / 未通过 / 待上传), newest first. */
(function (DJ) {
  'use strict';

  var RECENT_MAX = 10;
  var STATUS_WORDS = {
    ok: ['成功', 'badge-green'], duplicate: ['重复', 'badge-amber'], refused: ['未通过', 'badge-red'],
    queued: ['待上传', 'badge-amber'], error: ['未通过', 'badge-red'], sending: ['核验中', 'badge-grey']
  };

  function clock(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
  }

  function span(className, text) {
    var el = document.createElement('span');
    el.className = className;
    el.textContent = text;
    return el;
  }

  /* ``list``: the <ol>; ``empty``: the 「本机还没有扫码记录」 line. Returns note(item, status, data). */
  DJ.scanRecent = function (list, empty) {
    var recent = [];

    function render() {
      if (!list) { return; }
      list.textContent = '';
      recent.forEach(function (entry) {
        var li = document.createElement('li');
        var words = STATUS_WORDS[entry.status] || STATUS_WORDS.error;
        li.appendChild(span('time', clock(entry.t)));
        li.appendChild(span('who', entry.who + (entry.kind === 'exit' ? '（签退）' : '')));
        li.appendChild(span('badge ' + words[1], words[0]));
        if (entry.message && entry.status !== 'ok') {
          li.appendChild(span('meta block', entry.message));
        }
        list.appendChild(li);
      });
      if (empty) { empty.hidden = recent.length > 0; }
    }

    return function note(item, status, data) {
      var entry = null;
      for (var i = 0; i < recent.length; i++) {
        if (recent[i].nonce === item.nonce) { entry = recent[i]; break; }
      }
      if (!entry) {
        entry = { nonce: item.nonce, t: item.t };
        recent.unshift(entry);
        recent = recent.slice(0, RECENT_MAX);
      }
      entry.status = status;
      entry.kind = item.body.kind;
      entry.who = (data && data.member && data.member.name) || entry.who || item.label;
      entry.message = data && data.message ? data.message : '';
      render();
    };
  };
})(window.DJ = window.DJ || {});
