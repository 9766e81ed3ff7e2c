// dashkit admin behaviour: confirmation dialogs, select-all, list status for screen readers,
// cell editors opened in place, the "/" shortcut to search and saving the current view.
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

  // Every cell's pencil is a plain link to that cell's editor page (what a browser without
  // JavaScript opens); one handler for the whole table opens the editor inside the cell.
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".list-table a.cell-edit:not([hx-get])");
    if (!link || !window.htmx || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    window.htmx.ajax("GET", link.getAttribute("href"), { source: link, target: link.closest("td"), swap: "innerHTML" });
  });

  document.addEventListener("mouseover", function (event) {
    var link = event.target.closest && event.target.closest("a.cell-edit:not([title])");
    if (link) { link.title = link.getAttribute("aria-label"); }
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
