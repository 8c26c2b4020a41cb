/* The organizer's self check-in screen: a new QR every period (the server draws it),
   a visible countdown, live 实到/应到. Vanilla JS, no library; screen.js (loaded first)
   has the clock, the polling and the banner. */
(function (DJ) {
  'use strict';
  var root = document.getElementById('selfscreen');
  if (!root || !window.fetch) { return; }
  var codeUrl = root.getAttribute('data-code-url');
  var summaryUrl = root.getAttribute('data-summary-url');
  var period = Number(root.getAttribute('data-period')) || 15;
  var qr = document.getElementById('selfscreen-qr');
  var seconds = document.getElementById('selfscreen-seconds');
  var countdown = document.getElementById('selfscreen-countdown');
  var present = document.getElementById('selfscreen-present');
  var expected = document.getElementById('selfscreen-expected');
  var problem = DJ.offlineBanner(document.getElementById('selfscreen-offline'));
  var deadline = Date.now() + (Number(root.getAttribute('data-seconds-left')) || period) * 1000;
  var codeTimer = null;

  var zone = root.getAttribute('data-timezone');

  function tick() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    seconds.textContent = String(left);
    // The previous code still works for one more period; after that the QR on screen is dead.
    var stale = Date.now() > deadline + period * 1000;
    qr.classList.toggle('is-stale', stale);
    countdown.classList.toggle('is-stale', stale);
  }

  function nextCode(delay) {
    clearTimeout(codeTimer);
    codeTimer = setTimeout(loadCode, Math.max(200, delay));
  }

  function loadCode() {
    DJ.getJSON(codeUrl).then(function (data) {
      qr.innerHTML = data.svg;
      root.setAttribute('data-code', data.code);
      deadline = Date.now() + data.seconds_left * 1000;
      problem(null);
      tick();
      nextCode(data.seconds_left * 1000 + 300);
    }).catch(function (error) {
      problem(DJ.loggedOut(error) ? '登录已失效，请重新登录后再打开本页。' :
        '网络中断，二维码暂停更换（' + DJ.hhmm(new Date(), zone) + '），正在重试…');
      nextCode(2000);
    });
  }

  function loadCounts() {
    DJ.getJSON(summaryUrl).then(function (data) {
      present.textContent = String(data.present);
      expected.textContent = String(data.expected);
    }).catch(function () { /* keep the last numbers; the QR status line says what is wrong */ });
  }

  DJ.fullscreenButton(root);

  root.setAttribute('data-ready', '1');
  nextCode(deadline - Date.now() + 300);
  setInterval(tick, 250);
  setInterval(loadCounts, 5000);
})(window.DJ);
