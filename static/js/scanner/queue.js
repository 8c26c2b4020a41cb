/* Scanner: the offline queue. Scans that could not reach the server wait in localStorage
 * (in memory where storage is blocked or full), so a reload or a crash loses none.
 * Another tab of the scanner shares the queue; its changes arrive through "storage". */
(function (DJ) {
  'use strict';

  var KEY = 'dangjian.scanQueue.v1';

  function storageWorks() {
    try {
      localStorage.setItem(KEY + '.test', '1');
      localStorage.removeItem(KEY + '.test');
      return true;
    } catch (e) { return false; }
  }

  /* ``onCount(n)`` is called whenever the number of waiting scans may have changed. */
  DJ.scanQueue = function (onCount) {
    var memory = [];
    var stored = storageWorks();

    function load() {
      if (!stored) { return memory.slice(); }
      try {
        var items = JSON.parse(localStorage.getItem(KEY) || '[]');
        return Array.isArray(items) ? items : [];
      } catch (e) { return []; }
    }

    function save(items) {
      memory = items.slice();
      if (stored) {
        try { localStorage.setItem(KEY, JSON.stringify(items)); } catch (e) { /* full: keep in memory */ }
      }
      onCount(items.length);
    }

    function add(item) {
      var items = load();
      for (var i = 0; i < items.length; i++) {
        if (items[i].nonce === item.nonce) { return; }
      }
      items.push(item);
      save(items);
    }

    function remove(nonce) {
      save(load().filter(function (item) { return item.nonce !== nonce; }));
    }

    window.addEventListener('storage', function (event) {
      if (event.key === KEY) { onCount(load().length); }
    });
    return { load: load, add: add, remove: remove };
  };
})(window.DJ = window.DJ || {});
