/* Scanner: a tone and a buzz for each kind of answer (ok, dup, bad, queued).
 *
 * Browsers start sound only after a tap, so every tap wakes the audio context, and
 * until it runs the sound button says 「点此开启提示音」. Vibration needs no tap.
 */
(function (DJ) {
  'use strict';

  var TONES = {  // [frequency Hz, seconds, wave] per beep
    ok: [[1175, 0.12, 'sine']],
    dup: [[660, 0.09, 'sine'], [660, 0.09, 'sine']],
    bad: [[196, 0.4, 'square']],
    queued: [[523, 0.08, 'sine'], [784, 0.1, 'sine']]
  };
  var BUZZ = { ok: [60], dup: [60, 80, 60], bad: [300], queued: [40, 60, 40] };

  /* ``button``: the 提示音 toggle (optional). Returns signal(kind). */
  DJ.scanSound = function (button) {
    var on = true;
    var audio = null;

    function wake() {
      if (!audio) {
        var AC = window.AudioContext || window.webkitAudioContext;
        if (!AC) { return; }
        try { audio = new AC(); } catch (e) { return; }
      }
      if (audio.state === 'suspended' && audio.resume) { audio.resume(); }
    }

    function signal(kind) {
      if (navigator.vibrate) { try { navigator.vibrate(BUZZ[kind]); } catch (e) { /* not allowed yet */ } }
      if (!on || !audio || audio.state !== 'running') { return; }
      var t = audio.currentTime + 0.01;
      TONES[kind].forEach(function (tone) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = tone[2];
        osc.frequency.value = tone[0];
        gain.gain.setValueAtTime(0.0001, t);
        gain.gain.exponentialRampToValueAtTime(0.35, t + 0.01);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + tone[1]);
        osc.connect(gain);
        gain.connect(audio.destination);
        osc.start(t);
        osc.stop(t + tone[1] + 0.02);
        t += tone[1] + 0.06;
      });
    }

    function label() {
      if (!button) { return; }
      var waiting = on && audio && audio.state !== 'running';
      button.setAttribute('aria-pressed', on ? 'true' : 'false');
      button.classList.toggle('needs-tap', !!waiting);
      button.querySelector('span').textContent =
        waiting ? '点此开启提示音' : (on ? '提示音：开' : '提示音：关');
    }

    ['pointerdown', 'touchstart', 'keydown', 'click'].forEach(function (name) {
      document.addEventListener(name, wake, true);
    });
    if (button) {
      button.addEventListener('click', function () {
        if (on && audio && audio.state !== 'running') {
          wake();  // the first tap turns sound on rather than off
        } else {
          on = !on;
        }
        if (on) { wake(); setTimeout(function () { signal('ok'); }, 50); }
        label();
      });
    }
    wake();
    if (audio) { audio.onstatechange = label; }
    label();
    return signal;
  };
})(window.DJ = window.DJ || {});
