/* 签名签到: a signature drawn with a finger (or a mouse) on <div data-signature>'s <canvas>.
 *
 * On submit, the drawing goes with the form as a PNG file (input.signature-file), or as a
 * data: URL in the hidden signature_data field where a browser cannot put a file in a
 * form. A box with data-signature-required stops an entry without a signature and says
 * so; 「重签」 clears the box. The box sends nothing while hidden, or when the button
 * pressed is 签退 (name="kind" value="exit").
 *
 * On the staff ticket page the box shows only while the chosen session asks for a
 * signature (data-signature-session="1" on its session_id input). No library; no inline script.
 */
(function () {
  'use strict';

  var pads = document.querySelectorAll('[data-signature]');
  if (!pads.length) { return; }

  function setUp(box) {
    var canvas = box.querySelector('canvas');
    var context = canvas.getContext('2d');
    var drawing = false;
    var last = null;
    box.drawn = false;

    function clear() {
      context.clearRect(0, 0, canvas.width, canvas.height);
      box.drawn = false;
      box.classList.remove('signed');
    }

    function point(clientX, clientY) {
      var rect = canvas.getBoundingClientRect();
      return {
        x: (clientX - rect.left) * canvas.width / rect.width,
        y: (clientY - rect.top) * canvas.height / rect.height
      };
    }

    function start(p) {
      drawing = true;
      last = p;
      context.beginPath();
      context.arc(p.x, p.y, 1.8, 0, Math.PI * 2);
      context.fill();
    }

    function move(p) {
      if (!drawing) { return; }
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(p.x, p.y);
      context.stroke();
      last = p;
      if (!box.drawn) {
        box.drawn = true;
        box.classList.add('signed');
        var missing = box.querySelector('[data-signature-missing]');
        if (missing) { missing.hidden = true; }
      }
    }

    function stop() { drawing = false; }

    context.lineWidth = 4;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#000';
    context.fillStyle = '#000';

    if (window.PointerEvent) {
      canvas.addEventListener('pointerdown', function (event) {
        event.preventDefault();
        if (canvas.setPointerCapture) { canvas.setPointerCapture(event.pointerId); }
        start(point(event.clientX, event.clientY));
      });
      canvas.addEventListener('pointermove', function (event) {
        if (drawing) { event.preventDefault(); move(point(event.clientX, event.clientY)); }
      });
      canvas.addEventListener('pointerup', stop);
      canvas.addEventListener('pointercancel', stop);
    } else {  // old WebViews: touch and mouse
      canvas.addEventListener('touchstart', function (event) {
        event.preventDefault();
        start(point(event.touches[0].clientX, event.touches[0].clientY));
      });
      canvas.addEventListener('touchmove', function (event) {
        event.preventDefault();
        move(point(event.touches[0].clientX, event.touches[0].clientY));
      });
      canvas.addEventListener('touchend', stop);
      canvas.addEventListener('mousedown', function (event) { start(point(event.clientX, event.clientY)); });
      canvas.addEventListener('mousemove', function (event) { move(point(event.clientX, event.clientY)); });
      window.addEventListener('mouseup', stop);
    }

    var clearButton = box.querySelector('[data-signature-clear]');
    if (clearButton) { clearButton.addEventListener('click', clear); }
  }

  /* The PNG of the canvas into the form: a file where the browser allows it, else the
   * data: URL (sent as a plain field). Synchronous, so the submit goes on as it is. */
  function attach(box) {
    var canvas = box.querySelector('canvas');
    var url = canvas.toDataURL('image/png');
    var file = box.querySelector('input.signature-file');
    var data = box.querySelector('input[name=signature_data]');
    try {
      var bytes = atob(url.split(',')[1]);
      var array = new Uint8Array(bytes.length);
      for (var i = 0; i < bytes.length; i += 1) { array[i] = bytes.charCodeAt(i); }
      var transfer = new DataTransfer();
      transfer.items.add(new File([array], 'signature.png', { type: 'image/png' }));
      file.files = transfer.files;
      if (file.files.length === 1) { data.value = ''; return; }
    } catch (ignore) { /* no DataTransfer: send the data: URL instead */ }
    data.value = url;
  }

  function detach(box) {
    var file = box.querySelector('input.signature-file');
    try { file.value = ''; } catch (ignore) { /* read-only in old browsers */ }
    box.querySelector('input[name=signature_data]').value = '';
  }

  var pressed = null;
  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('button[type=submit]') : null;
    if (button) { pressed = button; }
  }, true);

  /* Capture phase on the document: before forms.js's data-once marks the form as sent. */
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var box = form.querySelector('[data-signature]');
    if (!box) { return; }
    var submitter = event.submitter || pressed;
    var exit = submitter && submitter.name === 'kind' && submitter.value === 'exit';
    if (box.hidden || exit) { detach(box); return; }
    if (!box.drawn) {
      detach(box);
      if (box.hasAttribute('data-signature-required')) {
        event.preventDefault();
        event.stopPropagation();
        var missing = box.querySelector('[data-signature-missing]');
        if (missing) { missing.hidden = false; }
        box.scrollIntoView({ block: 'center' });
      }
      return;
    }
    attach(box);
  }, true);

  /* The staff ticket page: show the box only for a session with 签名签到. */
  function follow(form, box) {
    var inputs = form.querySelectorAll('input[name=session_id]');
    if (!inputs.length) { return; }
    function sync() {
      var chosen = form.querySelector('input[name=session_id]:checked') ||
        form.querySelector('input[type=hidden][name=session_id]');
      box.hidden = !(chosen && chosen.getAttribute('data-signature-session') === '1');
    }
    Array.prototype.forEach.call(inputs, function (input) { input.addEventListener('change', sync); });
    sync();
  }

  Array.prototype.forEach.call(pads, function (box) {
    setUp(box);
    var form = box.closest('form');
    if (form) { follow(form, box); }
  });
})();
