// Jobs API Trainer: small progressive enhancements. Every page works without it.
(function () {
  "use strict";
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
