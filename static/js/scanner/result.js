/* Scanner: the big result banner (#scan-result), green / amber / red, with its signal.
 *
 * A banner fades back to 「请扫票面二维码签到」 after a few seconds, so the next person in
 * the queue never sees the previous person's answer as their own.
 */
(function (DJ) {
  'use strict';

  var IDLE_AFTER = 8000;  // ms before the banner goes back to "ready"

  /* ``box``: the banner; ``verb()``: 签到 or 签退 now; ``signal(kind)``: sound and buzz. */
  DJ.scanResult = function (box, verb, signal) {
    var idleTimer = null;

    function show(cls, word, name, detail, message) {
      box.className = 'scan-result ' + cls;
      box.querySelector('.sr-word').textContent = word || '';
      box.querySelector('.sr-name').textContent = name || '';
      box.querySelector('.sr-detail').textContent = detail || '';
      box.querySelector('.sr-message').textContent = message || '';
      clearTimeout(idleTimer);
      if (cls !== 'is-idle' && cls !== 'is-busy') {
        idleTimer = setTimeout(function () {
          box.classList.add('is-fading');
          setTimeout(idle, 400);
        }, IDLE_AFTER);
      }
    }

    function idle() {
      show('is-idle', '请扫票面二维码' + verb(), '', '', '');
    }

    function error(message) {
      show('is-bad', '不能' + verb(), '', '', message);
      signal('bad');
    }

    /* The server's answer to a scan: {result: ok|duplicate|refused, message, member}. */
    function answer(data) {
      var member = data.member || {};
      if (data.result === 'ok') {
        show('is-ok', data.message, member.name, member.branch, '');
        signal('ok');
      } else if (data.result === 'duplicate') {
        show('is-dup', '重复' + verb(), member.name, member.branch, data.message);
        signal('dup');
      } else {
        show('is-bad', '不能' + verb(), member.name, member.branch, data.message);
        signal('bad');
      }
    }

    function queued(label) {
      show('is-queued', '已记录', label, '', '已记录，网络恢复后自动上传');
      signal('queued');
    }

    function busy(word, label) {
      show('is-busy', word, label, '', '');
    }

    if (!box.classList.contains('is-idle')) {
      // A result rendered by the server (a form posted without JavaScript): fade as usual.
      idleTimer = setTimeout(idle, IDLE_AFTER);
    }
    return { idle: idle, busy: busy, answer: answer, error: error, queued: queued };
  };
})(window.DJ = window.DJ || {});
