/* Form behaviours any page may ask for by a data- attribute (loaded on every page by
 * base.html, so templates carry no inline script):
 *
 *   <form data-once>              one tap, one submission: after the first submit every
 *                                 submit button is disabled and the pressed one says
 *                                 「正在提交…」; on slow networks a second tap would only
 *                                 meet 「已经报过名了」. A page with such a form is reloaded
 *                                 when the browser's back button restores it from memory.
 *   <button data-select-all="N">  ticks every enabled checkbox named N in its form.
 *   <input data-autoselect>       a tap selects the whole value (a link to copy).
 *   <a data-close-details>        closes the <details> it sits in (「不取消」 in a
 *                                 confirmation); without JavaScript the link reloads the
 *                                 page, which shows it closed as well.
 *
 * It also marks <html class="js">, which shows the .js-only parts of a page.
 */
(function () {
  'use strict';

  document.documentElement.classList.add('js');

  function each(selector, fn) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), fn);
  }

  each('form[data-once]', function (form) {
    var sent = false;
    form.addEventListener('submit', function (event) {
      if (sent) { event.preventDefault(); return; }
      sent = true;
      var buttons = form.querySelectorAll('button[type=submit]');
      var pressed = event.submitter || (buttons.length === 1 ? buttons[0] : null);
      // After the submit has started: a disabled button would not be sent with the form.
      setTimeout(function () {
        Array.prototype.forEach.call(buttons, function (button) { button.disabled = true; });
        if (pressed) { pressed.textContent = '正在提交…'; }
      }, 0);
    });
  });
  if (document.querySelector('form[data-once]')) {
    window.addEventListener('pageshow', function (event) {
      if (event.persisted) { window.location.reload(); }
    });
  }

  each('button[data-select-all]', function (button) {
    var scope = button.form || document;
    var name = button.getAttribute('data-select-all');
    button.addEventListener('click', function () {
      Array.prototype.forEach.call(scope.querySelectorAll('input[type=checkbox]'), function (box) {
        if (box.name === name && !box.disabled) { box.checked = true; }
      });
    });
  });

  each('[data-close-details]', function (link) {
    link.addEventListener('click', function (event) {
      var details = link.closest ? link.closest('details') : null;
      if (!details) { return; }
      event.preventDefault();
      details.open = false;
      var summary = details.querySelector('summary');
      if (summary && summary.focus) { summary.focus(); }
    });
  });

  each('input[data-autoselect]', function (input) {
    input.addEventListener('click', function () { input.select(); });
  });
})();
