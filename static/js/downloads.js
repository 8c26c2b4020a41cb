/* Report and statistics downloads that show they are under way (loaded on every page by
 * base.html; does nothing on a page without such links):
 *
 *   <a class="btn" href="…pdf" data-download="PDF">
 *
 * A district-scale PDF takes seconds to make, and on a phone a plain link shows nothing
 * meanwhile, so people tap again. With this script a tap fetches the file itself: a status
 * line under the buttons says 「正在生成 PDF…」 (after a second, with the seconds spent),
 * every download button of the group is disabled until the answer is in, and the file is
 * saved under the name the server gives (Content-Disposition, the RFC 5987 filename*).
 * An error answer shows the server's own Chinese message where it has one.
 *
 * The plain link stays in charge for a modified click (new tab, save as …), in a browser
 * without fetch, Blob URLs or <a download>, and inside WeChat's browser, which cannot save
 * a blob: there the link downloads as it always did.
 */
(function () {
  'use strict';

  var links = document.querySelectorAll('a[data-download]');
  if (!links.length) { return; }
  if (/MicroMessenger/i.test(navigator.userAgent || '')) { return; }
  if (!window.fetch || !window.Blob || !window.URL || !URL.createObjectURL ||
      !('download' in document.createElement('a'))) { return; }

  var FAILED = '生成失败，请稍后再试';
  var OFFLINE = '网络中断，请稍后再试';
  var HAN = /[\u4e00-\u9fff]/;

  // One status line per group of buttons, made now: a live region that exists before it
  // changes is the one screen readers announce.
  function groupOf(link) {
    var group = link.closest('.downloads, .actions') || link.parentNode;
    if (!group.downloadStatus) {
      var status = document.createElement('p');
      status.className = 'download-status no-print';
      status.setAttribute('role', 'status');
      status.setAttribute('aria-live', 'polite');
      group.parentNode.insertBefore(status, group.nextSibling);
      group.downloadStatus = status;
    }
    return group;
  }

  function setBusy(group, busy) {
    group.downloadBusy = busy;
    Array.prototype.forEach.call(group.querySelectorAll('a[data-download]'), function (link) {
      if (busy) {
        link.setAttribute('aria-disabled', 'true');
      } else {
        link.removeAttribute('aria-disabled');
      }
    });
  }

  function say(group, text, kind) {
    var status = group.downloadStatus;
    status.textContent = text;
    status.className = 'download-status no-print' + (kind ? ' is-' + kind : '');
  }

  // The name of Content-Disposition: filename* (RFC 5987, UTF-8 as the app sends) first,
  // then the plain ASCII filename, then the last part of the address.
  function filenameOf(header, url) {
    var match;
    if (header) {
      match = /filename\*\s*=\s*([\w-]*)'[^']*'([^;\s]+)/i.exec(header);
      if (match) {
        try { return decodeURIComponent(match[2]); } catch (e) { /* not UTF-8: the plain name */ }
      }
      match = /filename\s*=\s*(?:"([^"]*)"|([^;\s]+))/i.exec(header);
      if (match) { return match[1] || match[2]; }
    }
    return decodeURIComponent(url.split('?')[0].split('/').pop()) || 'download';
  }

  // The Chinese message of an error answer: JSON {"error": {"message"}} as the API sends,
  // or an HTML page's marked message, alert or flash.
  function messageOf(response) {
    var type = response.headers.get('Content-Type') || '';
    if (type.indexOf('json') !== -1) {
      return response.json().then(function (body) {
        var error = body && (body.error && body.error.message || body.message);
        return typeof error === 'string' && HAN.test(error) ? error : null;
      }, function () { return null; });
    }
    if (type.indexOf('html') !== -1 && window.DOMParser) {
      return response.text().then(function (html) {
        var page = new DOMParser().parseFromString(html, 'text/html');
        var found = page.querySelector('[data-error-message], .flash-error, main [role="alert"]');
        var text = found && found.textContent.replace(/\s+/g, ' ').trim();
        return text && HAN.test(text) ? text : null;
      }, function () { return null; });
    }
    return Promise.resolve(null);
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);  // after the save began
  }

  function isFile(response) {
    var disposition = response.headers.get('Content-Disposition') || '';
    var type = response.headers.get('Content-Type') || '';
    return /attachment/i.test(disposition) || !/html|json/i.test(type);
  }

  function download(link, group) {
    var label = link.getAttribute('data-download') || '文件';
    var started = Date.now();
    var working = '正在生成 ' + label;
    setBusy(group, true);
    say(group, working + '…');
    var timer = setInterval(function () {
      var seconds = Math.floor((Date.now() - started) / 1000);
      if (seconds >= 1) { say(group, working + '，已用 ' + seconds + ' 秒…'); }
    }, 1000);

    function done(text, kind) {
      clearInterval(timer);
      setBusy(group, false);
      say(group, text, kind);
    }

    fetch(link.href, {credentials: 'same-origin', headers: {'Accept': '*/*'}}).then(function (response) {
      if (response.ok && isFile(response)) {
        var name = filenameOf(response.headers.get('Content-Disposition'), response.url || link.href);
        return response.blob().then(function (blob) {
          save(blob, name);
          done('已生成，正在下载', 'done');
        });
      }
      return messageOf(response).then(function (message) {
        if (!message && response.ok && response.redirected) {
          // A page instead of the file (the login page, say): show it as the link would.
          clearInterval(timer);
          window.location.href = response.url;
          return;
        }
        done(message || FAILED, 'error');
      });
    }).catch(function () {
      done(OFFLINE, 'error');
    });
  }

  Array.prototype.forEach.call(links, function (link) {
    var group = groupOf(link);
    link.addEventListener('click', function (event) {
      if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey ||
          event.shiftKey || event.altKey) { return; }  // a new tab or window: the plain link
      event.preventDefault();
      if (group.downloadBusy) { return; }  // a second tap while the first is being made
      download(link, group);
    });
  });
}());
