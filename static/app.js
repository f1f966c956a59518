// Jobs API Trainer: small progressive enhancements. Every page works without it.
(function () {
  "use strict";
  // A run page URL as the API gives it (run_page_url: <host>/?o=<id>#job/
  // <job>/run/<run>, the real shape) opens that run in the sandbox console;
  // the fragment never reaches the server, so the home page sends it on.
  var runLink = /^#job\/(\d{1,19})\/run\/(\d{1,19})$/.exec(location.hash);
  if (runLink && location.pathname === "/") {
    location.replace("/jobs/" + runLink[1] + "/runs/" + runLink[2]);
    return;
  }
  // htmx swaps only 2xx answers by default. An error answer that names its
  // own target (HX-Retarget, as the server's error pages do) is shown.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var xhr = e.detail.xhr;
    if (xhr.status >= 400 && xhr.getResponseHeader("HX-Retarget")) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
  // Forms with data-confirm ask first (an inline onsubmit would find a
  // field named "confirm" before window.confirm).
  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
  // Wide charts open scrolled to their newest (right-hand) end on phones.
  function scrollChartsRight() {
    document.querySelectorAll(".chart-scroll").forEach(function (el) {
      el.scrollLeft = el.scrollWidth;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scrollChartsRight);
  } else {
    scrollChartsRight();
  }
  // Copy buttons: <button data-copy="#id">.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-copy]");
    if (!b) return;
    var el = document.querySelector(b.getAttribute("data-copy"));
    if (!el || !navigator.clipboard) return;
    // textContent, not innerText: the exact text, whatever CSS wraps.
    navigator.clipboard.writeText(el.textContent).then(function () {
      var old = b.textContent;
      b.textContent = "Copied";
      setTimeout(function () { b.textContent = old; }, 1200);
    });
  });
})();
