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
  // The drill page's Start button names the topic picked below it.
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!t || t.name !== "topic" || !t.closest(".drill-start")) return;
    var label = document.querySelector('[data-testid="start-topic"]');
    var title = t.closest("label") && t.closest("label").querySelector(".topic-title");
    if (label) label.textContent = t.value && title ? title.textContent : "";
  });
  // Predict, then reveal: opening an answer before writing a guess asks
  // for the guess once (a second click opens it: skipping stays possible).
  document.addEventListener("click", function (e) {
    var summary = e.target.closest && e.target.closest("details.reveal > summary");
    if (!summary) return;
    var details = summary.parentElement;
    var form = details.previousElementSibling;
    if (details.open || !form || !form.classList.contains("predict-form")) return;
    if (form.querySelector(".predict-made") || form.dataset.nudged) return;
    var box = form.querySelector("textarea");
    if (!box || box.value.trim() !== "") return;
    e.preventDefault();
    form.dataset.nudged = "1";
    var nudge = form.querySelector(".predict-nudge");
    if (nudge) nudge.hidden = false;
    box.focus();
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
  // The sticky header's real height, for app.css's scroll-padding-top: it
  // wraps to more rows on a phone, and a jump to #something must land
  // below it. A page opened at #something is scrolled there again once the
  // height is known (the browser jumped before this ran).
  function measureHeader() {
    var h = document.querySelector(".site-header");
    if (!h) return;
    // A header that does not stick (phones) covers nothing.
    var px = getComputedStyle(h).position === "sticky" ? h.getBoundingClientRect().height + "px" : "0px";
    if (document.documentElement.style.getPropertyValue("--header-h") === px) return;
    document.documentElement.style.setProperty("--header-h", px);
  }
  function onReady() {
    measureHeader();
    var target = location.hash.length > 1 && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.getBoundingClientRect().top < document.querySelector(".site-header").getBoundingClientRect().bottom) {
      target.scrollIntoView({ block: "start" });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onReady);
  } else {
    onReady();
  }
  if (window.ResizeObserver) {
    var header = document.querySelector(".site-header");
    if (header) new ResizeObserver(measureHeader).observe(header);
  } else {
    window.addEventListener("resize", measureHeader);
  }

  // Copy buttons: <button data-copy="#id">. navigator.clipboard exists only
  // in secure contexts (https, localhost); on a plain-http LAN address the
  // text is copied through a selection, and when even that is refused it is
  // left selected with a note to press Ctrl+C.
  function copied(b) {
    var old = b.textContent;
    b.textContent = "Copied";
    setTimeout(function () { b.textContent = old; }, 1200);
  }
  function copyBySelection(text) {
    var ta = document.createElement("textarea");
    ta.value = text;
    ta.setAttribute("readonly", "");
    ta.style.position = "fixed";
    ta.style.top = "0";
    ta.style.left = "-9999px";
    var active = document.activeElement;
    document.body.appendChild(ta);
    ta.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (err) { ok = false; }
    document.body.removeChild(ta);
    if (active && active.focus) active.focus({ preventScroll: true });
    return ok;
  }
  function askToCopy(b, el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    var st = b.parentNode.querySelector(".copy-status");
    var say = function () { st.textContent = "Selected. Press Ctrl+C (⌘C) to copy."; };
    if (st) {
      say();
      return;
    }
    // A live region is announced when its text changes, not when it is
    // added with it: add it empty, then fill it.
    st = document.createElement("span");
    st.className = "copy-status";
    st.setAttribute("role", "status");
    st.setAttribute("aria-live", "polite");
    st.setAttribute("data-testid", "copy-status");
    b.insertAdjacentElement("afterend", st);
    setTimeout(say, 100);
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-copy]");
    if (!b) return;
    var el = document.querySelector(b.getAttribute("data-copy"));
    if (!el) return;
    // textContent, not innerText: the exact text, whatever CSS wraps.
    var text = el.textContent;
    var fallback = function () {
      if (copyBySelection(text)) copied(b); else askToCopy(b, el);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { copied(b); }, fallback);
    } else {
      fallback();
    }
  });
})();
