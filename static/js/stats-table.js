/* The branch statistics table (templates/stats/branches.html): rows expand and collapse
   along the tree, headers sort. Without JavaScript every row shows in tree order. */
(function () {
  "use strict";
  var table = document.querySelector("[data-stats-table]");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows).filter(function (row) { return row.dataset.id; });
  var byId = {};
  rows.forEach(function (row) { byId[row.dataset.id] = row; });
  var tools = document.querySelector(".stats-tools");
  var sorted = null;

  function collapsed(row) {
    var toggle = row.querySelector(".tree-toggle");
    return toggle && toggle.getAttribute("aria-expanded") === "false";
  }

  function hiddenByTree(row) {
    var parent = byId[row.dataset.parent];
    while (parent) {
      if (collapsed(parent)) { return true; }
      parent = byId[parent.dataset.parent];
    }
    return false;
  }

  function refresh() {
    rows.forEach(function (row) { row.hidden = sorted === null && hiddenByTree(row); });
  }

  function setOpen(row, open) {
    var toggle = row.querySelector(".tree-toggle");
    if (!toggle) { return; }
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.textContent = open ? "−" : "+";
  }

  rows.forEach(function (row) {
    var toggle = row.querySelector(".tree-toggle");
    if (!toggle) { return; }
    toggle.hidden = false;
    setOpen(row, Number(row.dataset.depth) < 1);  // the top and its branches show at first
    toggle.addEventListener("click", function () {
      setOpen(row, collapsed(row));
      refresh();
    });
  });

  function value(row, index) {
    var cell = row.cells[index];
    return cell ? Number(cell.dataset.value) : 0;
  }

  function treeOrder() {
    sorted = null;
    table.classList.remove("is-sorted");
    rows.forEach(function (row) { body.appendChild(row); });
    headers.forEach(function (th) { th.removeAttribute("aria-sort"); });
    if (tools) { tools.hidden = true; }
    refresh();
  }

  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  headers.forEach(function (th, index) {
    if (!th.dataset.sort) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort-button";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () {
      if (index === 0) { treeOrder(); return; }
      var descending = th.getAttribute("aria-sort") !== "descending";
      headers.forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      sorted = rows.slice().sort(function (a, b) {
        var diff = value(a, index) - value(b, index);
        return (descending ? -diff : diff) || value(a, 0) - value(b, 0);
      });
      sorted.forEach(function (row) { body.appendChild(row); });
      table.classList.add("is-sorted");
      if (tools) { tools.hidden = false; }
      refresh();
    });
  });
  var reset = document.querySelector("[data-tree-order]");
  if (reset) { reset.addEventListener("click", treeOrder); }
  refresh();
}());
