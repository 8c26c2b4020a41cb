/* The staff ticket page (扫票签到, templates/checkin/onsite/ticket_staff.html): the 签退
 * button shows only while the chosen session requires check-out (data-checkout="1" on
 * its session_id input). One submission per tap is forms.js's data-once. */
(function () {
  'use strict';
  var form = document.querySelector('form.ticket-check');
  if (!form) { return; }
  var exit = form.querySelector('[data-exit]');
  if (!exit) { return; }

  function sync() {
    var chosen = form.querySelector('input[name=session_id]:checked') ||
      form.querySelector('input[type=hidden][name=session_id]');
    exit.hidden = !(chosen && chosen.getAttribute('data-checkout') === '1');
  }

  Array.prototype.forEach.call(form.querySelectorAll('input[name=session_id]'), function (input) {
    input.addEventListener('change', sync);
  });
  sync();
})();
