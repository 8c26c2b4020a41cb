/* Scanner: talking to the server. Every request times out after a few seconds (a scan
 * then waits in the queue rather than keeping the volunteer waiting); a POST carries the
 * CSRF token and, when the server says the token is stale, fetches a new one and tries
 * once more. send() sorts every answer into what the caller must do with the scan. */
(function (DJ) {
  'use strict';

  var REQUEST_TIMEOUT = 4000;  // ms before a live scan is queued instead
  var MAX_AGE = 86400;         // s: the server dates a queued scan back at most a day

  /* A random id for one scan: the server answers a nonce it has seen with its first answer. */
  DJ.newNonce = function () {
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
  };

  /* ``csrf``: the token the page was rendered with; ``csrfUrl``: where to get a new one. */
  DJ.scanNet = function (csrf, csrfUrl) {
    /* Resolves to {status, data}; data is null when the answer is not our JSON. */
    function request(method, url, body) {
      var controller = window.AbortController ? new AbortController() : null;
      var options = {
        method: method, credentials: 'same-origin', cache: 'no-store',
        headers: { 'Accept': 'application/json' }
      };
      if (body !== undefined) {
        options.headers['Content-Type'] = 'application/json';
        options.headers['X-CSRFToken'] = csrf;
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
      return request('GET', csrfUrl).then(function (answer) {
        if (answer.data && answer.data.csrf_token) { csrf = answer.data.csrf_token; return true; }
        return false;
      }, function () { return false; });
    }

    /* Send one scan ({url, body, t}) with its age. Resolves to {outcome, data}:
     *   answer   the server decided (ok / duplicate / refused): done
     *   retry    no answer (network, timeout, 5xx, 429, not JSON): keep it queued
     *   denied   401/403: not allowed now (logged out, link revoked): keep it, stop
     *   rejected another 4xx (a malformed scan): drop it and say why */
    function send(item, csrfRetried) {
      if (navigator.onLine === false) { return Promise.resolve({ outcome: 'retry' }); }
      var body = {};
      for (var key in item.body) { body[key] = item.body[key]; }
      body.age = Math.min(MAX_AGE, Math.max(0, Math.round((Date.now() - item.t) / 1000)));
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

    return { request: request, send: send };
  };
})(window.DJ = window.DJ || {});
