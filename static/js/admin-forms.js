// Admin forms: relation autocomplete, filterable multi-selects,
// Escape to cancel a cell editor. Every page works without this file.
(function () {
  "use strict";

  function addFilters(root) {
    var selects = root.querySelectorAll ? root.querySelectorAll("select[data-filterable]") : [];
    for (var i = 0; i < selects.length; i++) {
      var select = selects[i];
      if (select.previousElementSibling && select.previousElementSibling.classList.contains("select-filter")) { continue; }
      var filter = document.createElement("input");
      filter.type = "search";
      filter.className = "select-filter";
      filter.setAttribute("aria-label", "Filter the choices of " + (select.labels && select.labels[0] ? select.labels[0].textContent.trim() : "this list"));
      filter.placeholder = "Filter…";
      filter.addEventListener("input", (function (target) {
        return function (event) {
          var term = event.target.value.toLowerCase();
          for (var j = 0; j < target.options.length; j++) {
            var option = target.options[j];
            option.hidden = term !== "" && option.textContent.toLowerCase().indexOf(term) === -1 && !option.selected;
          }
        };
      })(select));
      select.parentNode.insertBefore(filter, select);
    }
  }

  // keyboard users land in a cell editor when it opens, and back on the cell's pencil after
  var editedCell = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    editedCell = target.closest ? target.closest("td") : null;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    addFilters(event.detail.target);
    if (!editedCell || !editedCell.isConnected) { return; }
    var input = editedCell.querySelector("[data-cell-editor] input:not([type=hidden]), [data-cell-editor] select");
    var pencil = editedCell.querySelector(".cell-edit");
    if (input) { input.focus(); } else if (pencil) { pencil.focus(); }
    editedCell = null;
  });
  document.addEventListener("DOMContentLoaded", function () { addFilters(document); });

  document.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-pick]");
    if (!pick) { return; }
    var box = pick.closest("[data-autocomplete]");
    if (!box) { return; }
    if (box.getAttribute("data-many")) {
      var list = box.querySelector("[data-chosen]");
      var existing = list.querySelector('input[value="' + CSS.escape(pick.getAttribute("data-pick")) + '"]');
      if (existing) { existing.checked = true; } else {
        var item = document.createElement("li");
        var label = document.createElement("label");
        var input = document.createElement("input");
        input.type = "checkbox"; input.checked = true;
        input.name = box.getAttribute("data-name");
        input.value = pick.getAttribute("data-pick");
        label.appendChild(input);
        label.appendChild(document.createTextNode(" " + pick.getAttribute("data-label")));
        item.appendChild(label);
        list.appendChild(item);
      }
    } else {
      box.querySelector(".key-input").value = pick.getAttribute("data-pick");
      var shown = box.querySelector("[data-chosen-label]");
      if (shown) { shown.textContent = pick.getAttribute("data-label"); }
    }
    var options = pick.closest(".options");
    if (options) { options.innerHTML = ""; }
    var search = box.querySelector("input.search");
    if (search) { search.value = ""; search.focus(); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var editor = event.target.closest && event.target.closest("[data-cell-editor]");
    if (!editor) { return; }
    var cancel = editor.querySelector("[data-cell-cancel]");
    if (cancel) { event.preventDefault(); cancel.click(); }
  });
})();
