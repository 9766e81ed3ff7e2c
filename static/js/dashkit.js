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
