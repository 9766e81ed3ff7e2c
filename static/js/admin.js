// dashkit admin behaviour: confirmation dialogs, select-all, list status for screen readers,
// the pencils of editable list cells and their editors opened in place, the "/" shortcut to search and saving the current view.
// A file, so the CSP needs no inline script.
(function () {
  "use strict";

  function openDialogs(root) {
    root.querySelectorAll("dialog[data-modal]").forEach(function (dialog) {
      if (!dialog.open) { dialog.showModal(); }
      dialog.addEventListener("close", function () { dialog.remove(); }, { once: true });
    });
  }

  function announce() {
    var source = document.querySelector("#results [data-status]");
    var status = document.getElementById("list-status");
    if (source && status) { status.textContent = source.getAttribute("data-status"); }
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target.id === "dialog-slot") { openDialogs(target); }
    if (target.id === "results") { announce(); }
  });

  function closePanels(except) {
    document.querySelectorAll("details.panel[open]").forEach(function (panel) {
      if (panel !== except) { panel.open = false; }
    });
  }

  document.addEventListener("click", function (event) {
    closePanels(event.target.closest("details.panel"));
    var cancel = event.target.closest("dialog [data-close-dialog]");
    if (cancel) {
      event.preventDefault();
      cancel.closest("dialog").close();
    }
  });

  // The search box has its own debounced trigger; its change on blur would resend the
  // form and could overtake a sort or page request made by the click that blurred it.
  document.addEventListener("change", function (event) {
    if (event.target.id === "list-search") { event.stopPropagation(); }
  }, true);

  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (!all) { return; }
    var form = all.closest("form");
    form.querySelectorAll('input[name="pk"]').forEach(function (box) { box.checked = all.checked; });
  });

  // An editable column's header holds its cell editor's URL around the row key
  // (data-edit-before/after), each row its key (data-pk): every editable cell gets a pencil
  // here, a link to the cell's editor page that a plain click opens inside the cell (a link,
  // not a button, so the pencil never wraps away from the cell's text). Without JavaScript
  // a row is edited through its own edit form, which each row links to.
  function headerLabel(head) {
    var mark = head.querySelector(".sort-mark");
    var text = head.textContent;
    return (mark ? text.replace(mark.textContent, "") : text).trim();
  }

  function addCellPencils(root) {
    root.querySelectorAll("table.list-table").forEach(function (table) {
      if (!table.tHead || !table.tBodies.length) { return; }
      var heads = table.tHead.rows[0].cells;
      var editable = [];
      for (var i = 0; i < heads.length; i++) {
        if (heads[i].hasAttribute("data-edit-before")) {
          editable.push({ index: i, label: headerLabel(heads[i]), before: heads[i].getAttribute("data-edit-before"), after: heads[i].getAttribute("data-edit-after") });
        }
      }
      if (!editable.length) { return; }
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var key = row.getAttribute("data-pk");
        if (key === null) { return; }
        editable.forEach(function (column) {
          var cell = row.cells[column.index];
          if (!cell || cell.querySelector(".cell-edit")) { return; }
          var pencil = document.createElement("a");
          pencil.className = "cell-edit";
          pencil.title = "Edit " + column.label;
          pencil.setAttribute("aria-label", "Edit " + column.label + " of " + decodeURIComponent(key));
          pencil.href = column.before + key + column.after;
          cell.appendChild(pencil);
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { addCellPencils(document); });
  document.addEventListener("htmx:historyRestore", function () { addCellPencils(document); });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target.id === "results") { addCellPencils(event.detail.target); }
  });

  document.addEventListener("click", function (event) {
    var pencil = event.target.closest(".list-table a.cell-edit:not([hx-get])");  // a saved cell's own pencil is htmx's
    if (!pencil || !window.htmx || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();  // otherwise the link opens the editor's own page
    window.htmx.ajax("GET", pencil.getAttribute("href"), { source: pencil, target: pencil.closest("td"), swap: "innerHTML" });
  });

  document.addEventListener("submit", function (event) {
    var query = event.target.querySelector("[data-current-query]");
    if (query) { query.value = window.location.search.replace(/^\?/, ""); }
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closePanels(null); }
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var active = document.activeElement;
    if (active && (active.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName))) { return; }
    var search = document.getElementById("list-search");
    if (search) { event.preventDefault(); search.focus(); search.select(); }
  });
})();
