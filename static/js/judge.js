/* The judge's score form: the total (each score × its weight, summed) shown as the judge
 * types, and a score above the criterion's maximum or not a number flagged at its field
 * at once. The server checks the same again; this only saves a round trip. */
(function () {
  'use strict';
  var form = document.getElementById('score-form');
  if (!form) { return; }
  var inputs = form.querySelectorAll('[data-score]');
  var out = form.querySelector('[data-total]');

  /* '92.5' -> 9250; null for anything but a number with at most two decimals. */
  function hundredths(text) {
    text = text.trim().replace(/[．。]/g, '.').replace(/[０-９]/g, function (d) {
      return String.fromCharCode(d.charCodeAt(0) - 0xFF10 + 48);
    });
    if (!/^(\d{1,9}(\.\d{0,2})?|\.\d{1,2})$/.test(text)) { return null; }
    var parts = text.split('.');
    return Number(parts[0] || 0) * 100 + Number(((parts[1] || '') + '00').slice(0, 2));
  }

  /* ten-thousandths -> '85.50' or '10.875' (at least two decimals, exact). */
  function totalText(value) {
    var whole = Math.floor(value / 10000);
    var frac = ('0000' + (value % 10000)).slice(-4).replace(/0{1,2}$/, '');
    return whole + '.' + frac;
  }

  function plain(x100) {
    return String(x100 / 100);
  }

  function check(input) {
    var error = input.parentNode.querySelector('[data-error]');
    var text = input.value.trim();
    var value = text === '' ? null : hundredths(text);
    var max = Number(input.getAttribute('data-max'));
    var message = '';
    if (text !== '' && (value === null || value > max)) {
      message = '「' + input.getAttribute('data-name') + '」的得分请填写 0 到 ' + plain(max) +
        ' 之间的数字，最多两位小数。';
    }
    if (error && (message || input.getAttribute('aria-invalid') === 'client')) {
      error.textContent = message;
      error.hidden = !message;
      if (message) { input.setAttribute('aria-invalid', 'client'); } else { input.removeAttribute('aria-invalid'); }
    }
    return message ? null : value;
  }

  function update() {
    var total = 0;
    var complete = true;
    Array.prototype.forEach.call(inputs, function (input) {
      var value = check(input);
      if (value === null) { complete = false; return; }
      total += value * Number(input.getAttribute('data-weight'));
    });
    out.textContent = complete ? totalText(total) : '—';
  }

  Array.prototype.forEach.call(inputs, function (input) {
    input.addEventListener('input', update);
  });
  if (inputs.length && !form.querySelector('[aria-invalid="true"]')) {
    var first = Array.prototype.filter.call(inputs, function (i) { return !i.value; })[0];
    if (first) { first.focus(); }
  }
})();
