/* Helpers of the projector pages (the live board and the self check-in screen): the
 * clock in the system's time zone, JSON polling, the offline banner, the full-screen
 * button. Loaded before board.js and selfcheckin.js. */
(function (DJ) {
  'use strict';

  /* HH:MM in ``zone`` (the system's time zone; the projector's own clock may be set otherwise). */
  DJ.hhmm = function (date, zone) {
    try {
      return date.toLocaleTimeString('zh-CN', { timeZone: zone || undefined, hour: '2-digit', minute: '2-digit', hour12: false });
    } catch (e) {
      return ('0' + date.getHours()).slice(-2) + ':' + ('0' + date.getMinutes()).slice(-2);
    }
  };

  /* GET ``url`` as JSON; a non-2xx answer rejects with an Error whose .status is the code. */
  DJ.getJSON = function (url) {
    return fetch(url, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) {
          var error = new Error('HTTP ' + response.status);
          error.status = response.status;
          throw error;
        }
        return response.json();
      });
  };

  /* The error of getJSON() says the login is gone (not the network). */
  DJ.loggedOut = function (error) {
    return !!error && (error.status === 401 || error.status === 403);
  };

  /* The banner that says what is wrong with the connection: show(text), or show(null) to hide. */
  DJ.offlineBanner = function (el) {
    return function show(text) {
      if (text) { el.textContent = text; }
      el.hidden = !text;
    };
  };

  /* A [data-fullscreen] button inside ``root``: fills the projector, or hides where it cannot. */
  DJ.fullscreenButton = function (root) {
    var button = root.querySelector('[data-fullscreen]');
    if (button && document.documentElement.requestFullscreen) {
      button.addEventListener('click', function () { document.documentElement.requestFullscreen(); });
    } else if (button) {
      button.hidden = true;
    }
  };
})(window.DJ = window.DJ || {});
