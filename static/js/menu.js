/* The top menu's 「管理」 group (details.navgroup in base.html) opens and closes without
 * JavaScript; this only closes it on a tap elsewhere or on Escape, as a menu should. */
(function () {
  'use strict';
  var groups = document.querySelectorAll('details.navgroup');
  if (!groups.length) { return; }

  function closeAll(except) {
    Array.prototype.forEach.call(groups, function (group) {
      if (group !== except && group.open) { group.open = false; }
    });
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    closeAll(target && target.closest ? target.closest('details.navgroup') : null);
  });
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') { return; }
    var open = document.querySelector('details.navgroup[open]');
    if (!open) { return; }
    open.open = false;
    open.querySelector('summary').focus();
  });
})();
