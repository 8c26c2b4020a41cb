/* The event form (staff): show the parts that fit the chosen kind, and add
   session or item rows by copying a <template>. Without JavaScript the form
   still works: the kind's parts show as rendered, and 「添加场次」 asks the
   server for one more row. */
(function () {
  'use strict';
  var form = document.querySelector('form[data-event-form]');
  if (!form) { return; }

  var kind = form.querySelector('select[name="kind"]');
  function syncKind() { form.setAttribute('data-kind', kind.value); }
  if (kind) {
    kind.addEventListener('change', syncKind);
    syncKind();
  }

  function renumber(list) {
    var numbers = list.querySelectorAll('[data-row-no]');
    for (var i = 0; i < numbers.length; i++) { numbers[i].textContent = String(i + 1); }
  }

  // After a refused save, bring the first field to correct into view.
  var wrong = form.querySelector('.has-error, .error');
  if (wrong && wrong.scrollIntoView) { wrong.scrollIntoView({ block: 'center' }); }

  var buttons = form.querySelectorAll('button[data-add-row]');
  Array.prototype.forEach.call(buttons, function (button) {
    button.addEventListener('click', function (event) {
      var name = button.getAttribute('data-add-row');
      var list = document.getElementById(name + '-rows');
      var template = document.getElementById(name + '-template');
      if (!list || !template) { return; }  // let the server add the row
      event.preventDefault();
      var next = parseInt(list.getAttribute('data-next-index'), 10) || 0;
      list.setAttribute('data-next-index', String(next + 1));
      var holder = document.createElement('div');
      holder.innerHTML = template.innerHTML.replace(/__index__/g, String(next)).trim();
      var row = holder.firstElementChild;
      list.appendChild(row);
      renumber(list);
      var first = row.querySelector('input:not([type="hidden"])');
      if (first) { first.focus(); }
      if (row.scrollIntoView) { row.scrollIntoView({ block: 'start', behavior: 'smooth' }); }
    });
  });
})();
