/* Results pages that follow the scores as they come in: the organizer's 评分进度与排名 and
 * the projector's ranking board. Every [data-live-url] element is replaced, every
 * data-interval milliseconds, by the HTML fragment its URL answers (rendered by the
 * server, so the page and its refreshes look the same). On a network error the last
 * rows stay and [data-live-offline] says from when they are. No library, no inline script. */
(function () {
  'use strict';
  var parts = document.querySelectorAll('[data-live-url]');
  if (!parts.length || !window.fetch) { return; }
  var banner = document.querySelector('[data-live-offline]');
  var lastGood = new Date();

  function hhmm(date) {
    return ('0' + date.getHours()).slice(-2) + ':' + ('0' + date.getMinutes()).slice(-2);
  }

  function offline(text) {
    if (!banner) { return; }
    banner.textContent = text || '';
    banner.hidden = !text;
  }

  function fetchPart(url) {
    // A login redirect must not put the login page inside the board: stop at it.
    return fetch(url, { credentials: 'same-origin', cache: 'no-store', redirect: 'manual',
                        headers: { Accept: 'text/html' } })
      .then(function (response) {
        if (!response.ok) {
          var error = new Error('HTTP ' + response.status);
          error.loggedOut = response.type === 'opaqueredirect' || response.status === 401 ||
            response.status === 403;
          throw error;
        }
        return response.text();
      });
  }

  function follow(el) {
    var url = el.getAttribute('data-live-url');
    var interval = Number(el.getAttribute('data-interval')) || 5000;
    function refresh() {
      fetchPart(url)
        .then(function (html) {
          el.innerHTML = html;
          lastGood = new Date();
          el.setAttribute('data-refreshed', String(Number(el.getAttribute('data-refreshed') || 0) + 1));
          offline(null);
        })
        .catch(function (error) {
          offline(error.loggedOut
            ? '登录已失效，显示的是 ' + hhmm(lastGood) + ' 的数据；请重新登录后再打开本页'
            : '网络中断，显示的是 ' + hhmm(lastGood) + ' 的数据');
        })
        .then(function () { setTimeout(refresh, interval); });
    }
    setTimeout(refresh, interval);
  }

  Array.prototype.forEach.call(parts, follow);
  if (window.DJ && window.DJ.fullscreenButton) { window.DJ.fullscreenButton(document.body); }
  document.documentElement.setAttribute('data-live-ready', '1');
})();
