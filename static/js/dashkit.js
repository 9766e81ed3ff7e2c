// dashkit's own behaviour: theme toggle. Loaded as a file so the CSP needs no inline script.
(function () {
  "use strict";
  var KEY = "dashkit-theme";
  var stored = null;
  try { stored = window.localStorage.getItem(KEY); } catch (e) { stored = null; }
  if (stored === "dark" || stored === "light") {
    document.documentElement.setAttribute("data-theme", stored);
  }
  function currentTheme() {
    var explicit = document.documentElement.getAttribute("data-theme");
    if (explicit) { return explicit; }
    return window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-theme-toggle]");
    if (!button) { return; }
    var next = currentTheme() === "dark" ? "light" : "dark";
    document.documentElement.setAttribute("data-theme", next);
    try { window.localStorage.setItem(KEY, next); } catch (e) { /* private mode */ }
  });
})();

// Flash messages of htmx requests arrive as an HX-Trigger "dashkit:flash" event; failed
// htmx requests that carry a JSON "detail" (403, CSRF) are shown the same way.
(function () {
  "use strict";
  var CATEGORIES = ["info", "success", "warning", "error"];
  function showMessage(category, text) {
    var box = document.getElementById("messages");
    if (!box || !text) { return; }
    var message = document.createElement("p");
    message.className = "message " + (CATEGORIES.indexOf(category) >= 0 ? category : "info");
    message.setAttribute("role", category === "error" ? "alert" : "status");
    message.textContent = text;
    box.appendChild(message);
    if (category !== "error") {
      window.setTimeout(function () { message.remove(); }, 8000);
    }
  }
  document.addEventListener("dashkit:flash", function (event) {
    var messages = (event.detail && event.detail.messages) || [];
    messages.forEach(function (item) { showMessage(item.category, item.message); });
  });
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail && event.detail.xhr;
    if (!xhr || xhr.getResponseHeader("HX-Redirect")) { return; }
    var detail = "The request failed (" + xhr.status + ").";
    try { detail = JSON.parse(xhr.responseText).detail || detail; } catch (e) { /* not JSON */ }
    showMessage("error", detail);
  });
})();
