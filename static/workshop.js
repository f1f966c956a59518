// Workshops: the live part (#ws-live) follows the server over SSE (the
// htmx sse extension). Without EventSource, or while the stream is down,
// it polls the state URL instead. Countdowns tick locally and fetch the
// state when they reach zero (the server decides; this only redraws).
// Keys 1-8 press the answer buttons.
(function () {
  "use strict";

  var live = document.getElementById("ws-live");
  if (!live) return;
  var stateURL = live.dataset.stateUrl;
  var pollTimer = null;

  function refresh() {
    if (window.htmx && stateURL) {
      window.htmx.ajax("GET", stateURL, { target: "#ws-live", swap: "innerHTML" });
    }
  }
  function startPolling() {
    if (!pollTimer) pollTimer = setInterval(refresh, 3000);
  }
  function stopPolling() {
    if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  }

  if (!window.EventSource) {
    live.removeAttribute("sse-connect");
    startPolling();
  }
  document.body.addEventListener("htmx:sseError", startPolling);
  document.body.addEventListener("htmx:sseClose", startPolling);
  document.body.addEventListener("htmx:sseOpen", function () {
    stopPolling();
    refresh(); // catch up on anything missed while the stream was down
  });

  // The secret host link, shown once (folded) on the first host screen,
  // goes once the workshop leaves the lobby: the projector shows the room
  // every question, and one click would open it.
  document.body.addEventListener("htmx:afterSwap", function () {
    var hostLive = live.querySelector('[data-testid="host-live"]');
    var link = document.querySelector('[data-testid="host-link"]');
    if (hostLive && link && hostLive.dataset.phase !== "lobby") link.remove();
  });

  // Countdowns: each counts down from the seconds it was rendered with.
  var ends = new WeakMap();
  var fetched = new WeakMap();
  setInterval(function () {
    var els = live.querySelectorAll(".ws-countdown");
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!ends.has(el)) ends.set(el, Date.now() + parseInt(el.textContent, 10) * 1000);
      var left = Math.max(0, Math.ceil((ends.get(el) - Date.now()) / 1000));
      el.textContent = left + " s";
      el.classList.toggle("is-low", left <= 5);
      if (left === 0 && !fetched.has(el)) {
        fetched.set(el, true);
        setTimeout(refresh, 300);
      }
    }
  }, 250);

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA")) return;
    var b = live.querySelector('button[data-key="' + e.key + '"]');
    if (b) { e.preventDefault(); b.click(); }
  });
})();
