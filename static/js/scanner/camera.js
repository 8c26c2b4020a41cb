/* Scanner: the camera through the vendored qr-scanner (start, torch, retry) and a photo
 * of the ticket as the fallback where the camera cannot run. Says in plain Chinese why
 * the camera is unavailable; the typed code and the name search work regardless. */
(function (DJ) {
  'use strict';

  var SAME_CODE_PAUSE = 3000;  // ms during which the camera ignores the code just read

  var WHY = {
    insecure: '摄像头不可用：当前网址不是 https 加密连接，手机浏览器不允许网页打开摄像头。' +
      '请用「拍照识别」、输入票码或查找姓名签到；需要直接扫码时，请联系管理员启用 https。',
    unsupported: '摄像头不可用：这个浏览器（或旧版微信）不支持网页打开摄像头。' +
      '请用「拍照识别」、输入票码或查找姓名签到，或换用手机自带浏览器打开本页。',
    denied: '没有获得使用摄像头的允许。请在浏览器设置里允许本网站使用摄像头，然后点「重新打开摄像头」；' +
      '现在可以用「拍照识别」、输入票码或查找姓名签到。',
    nocamera: '没有找到摄像头。请用「拍照识别」、输入票码或查找姓名签到。',
    busy: '摄像头正被其他应用使用。请关闭其他用摄像头的应用，再点「重新打开摄像头」。',
    failed: '摄像头打开失败。请点「重新打开摄像头」再试，或用「拍照识别」、输入票码、查找姓名签到。',
    nolib: '扫码组件没有加载成功。请刷新页面；现在可以输入票码或查找姓名签到。'
  };

  function whyFailed(error) {
    var name = error && error.name ? error.name : '';
    var text = String(error && error.message ? error.message : error || '');
    if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') {
      return 'denied';
    }
    if (name === 'NotFoundError' || name === 'OverconstrainedError' || /not found/i.test(text)) {
      return 'nocamera';
    }
    if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') {
      return 'busy';
    }
    return 'failed';
  }

  /* ``root``: the scanner (gets camera-on / no-camera); ``els``: video, cameraStatus,
   * cameraWhy, torch, retry, photo; ``on``: code(text) for every new code read,
   * busy(word) while a photo is read, error(message) when it holds no code. */
  DJ.scanCamera = function (root, els, legacySrc, on) {
    var scanner = null;
    var lastCode = null;
    var lastSeen = 0;
    var libPromise = null;

    function problem(kind) {
      root.classList.add('no-camera');
      els.cameraStatus.textContent = '摄像头不可用';
      els.cameraWhy.textContent = WHY[kind] || WHY.failed;
      els.cameraWhy.hidden = false;
      els.retry.hidden = kind === 'insecure' || kind === 'unsupported' || kind === 'nolib' ||
        kind === 'nocamera';
    }

    function decoded(result) {
      var text = typeof result === 'string' ? result : (result && result.data);
      if (!text) { return; }
      var now = Date.now();
      if (text === lastCode && now - lastSeen < SAME_CODE_PAUSE) {
        lastSeen = now;  // still in front of the camera: keep ignoring it
        return;
      }
      lastCode = text;
      lastSeen = now;
      on.code(text);
    }

    function loadLibrary() {
      if (window.QrScanner) { return Promise.resolve(window.QrScanner); }
      if (libPromise) { return libPromise; }
      libPromise = new Promise(function (resolve, reject) {
        // The regular build needs async functions; an old WebView gets the legacy build.
        var script = document.createElement('script');
        script.src = legacySrc;
        script.onload = function () { window.QrScanner ? resolve(window.QrScanner) : reject(new Error('nolib')); };
        script.onerror = function () { reject(new Error('nolib')); };
        document.head.appendChild(script);
      });
      return libPromise;
    }

    function start() {
      els.cameraWhy.hidden = true;
      els.retry.hidden = true;
      root.classList.remove('no-camera');
      els.cameraStatus.textContent = '正在打开摄像头…';
      if (window.isSecureContext === false) { problem('insecure'); return; }
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        problem(window.isSecureContext === undefined && location.protocol === 'http:' ?
          'insecure' : 'unsupported');
        return;
      }
      loadLibrary().then(function (QrScanner) {
        if (!scanner) {
          scanner = new QrScanner(els.video, decoded, {
            preferredCamera: 'environment', returnDetailedScanResult: true, maxScansPerSecond: 8,
            highlightScanRegion: true, highlightCodeOutline: true,
            onDecodeError: function () { /* no QR in this frame */ }
          });
        }
        return scanner.start().then(function () {
          root.classList.add('camera-on');
          els.cameraStatus.textContent = '';
          return scanner.hasFlash().then(function (has) {
            els.torch.hidden = !has;
          }, function () { els.torch.hidden = true; });
        });
      }).catch(function (error) {
        problem(error && error.message === 'nolib' ? 'nolib' : whyFailed(error));
      });
    }

    if (els.torch) {
      els.torch.addEventListener('click', function () {
        if (!scanner) { return; }
        scanner.toggleFlash().then(function () {
          var lit = scanner.isFlashOn();
          els.torch.setAttribute('aria-pressed', lit ? 'true' : 'false');
          els.torch.querySelector('span').textContent = lit ? '关闭手电筒' : '打开手电筒';
        }, function () { els.torch.hidden = true; });
      });
    }
    if (els.retry) { els.retry.addEventListener('click', start); }

    if (els.photo) {
      els.photo.addEventListener('change', function () {
        var file = els.photo.files && els.photo.files[0];
        if (!file) { return; }
        on.busy('正在识别照片…');
        loadLibrary().then(function (QrScanner) {
          return QrScanner.scanImage(file, { returnDetailedScanResult: true });
        }).then(function (result) {
          lastCode = result.data;
          lastSeen = Date.now();
          on.code(result.data);
        }, function () {
          on.error('照片里没有找到二维码。请让票面二维码占满画面的一半左右、对准焦点后再拍。');
        }).then(function () { els.photo.value = ''; });
      });
    }

    return { start: start };
  };
})(window.DJ = window.DJ || {});
