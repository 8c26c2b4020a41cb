/* The certificates PDF of an event (certificates/job.html): start the download and show
 * how far it got. The request that streams the PDF counts its pages in the job row; this
 * page polls data-progress-url (any app process can answer) until the job is done.
 *
 *   <section id="print-job" data-progress-url data-pdf-url data-start="yes|no">
 *     <progress id="job-bar">, #job-label, #job-done, #job-total, #job-download
 */
(function () {
  'use strict';

  var box = document.getElementById('print-job');
  if (!box) { return; }
  var bar = document.getElementById('job-bar');
  var label = document.getElementById('job-label');
  var done = document.getElementById('job-done');
  var total = document.getElementById('job-total');
  var again = document.getElementById('job-download');
  var hint = document.getElementById('job-hint');
  var finished = false;

  function show(state) {
    bar.value = state.percent;
    bar.textContent = state.percent + '%';
    label.textContent = state.label;
    done.textContent = state.done;
    total.textContent = state.total;
    if (state.status === 'done' || state.status === 'failed') {
      finished = true;
      again.textContent = state.status === 'done' ? '重新下载' : '重新生成并下载';
      again.classList.add('btn-primary');
      if (hint) {
        hint.textContent = state.status === 'done' ? '已全部生成，文件已下载。' : '生成中断了（下载被取消或网络断开），请点下面的按钮重新生成。';
      }
    }
  }

  function poll() {
    var request = new XMLHttpRequest();
    request.open('GET', box.getAttribute('data-progress-url'));
    request.setRequestHeader('Accept', 'application/json');
    request.timeout = 8000;
    request.onload = function () {
      if (request.status === 200) {
        try { show(JSON.parse(request.responseText)); } catch (e) { /* keep polling */ }
      }
      if (!finished) { setTimeout(poll, 700); }
    };
    request.onerror = request.ontimeout = function () { if (!finished) { setTimeout(poll, 2000); } };
    request.send();
  }

  if (box.getAttribute('data-start') === 'yes') {
    // An <a download> click saves the file without leaving this page, which keeps polling.
    var link = document.createElement('a');
    link.href = box.getAttribute('data-pdf-url');
    link.setAttribute('download', '');
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    again.textContent = '如果没有自动开始下载，请点这里';
    setTimeout(poll, 400);
  }
})();
