// Sandbox console: small enhancements. The console works without them.
(function () {
  "use strict";
  // htmx does not swap 4xx answers by default; the console's 400 (bad
  // input, refusals) and 429 (slow down) carry a result panel to show.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var s = e.detail.xhr.status;
    if ((s === 400 || s === 429) && e.detail.target && e.detail.target.id === "result") {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
  // Ctrl/Cmd+Enter sends the form being edited.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || !(e.ctrlKey || e.metaKey)) return;
    var form = e.target.closest && e.target.closest("#call-form, #cli-box form");
    if (!form) return;
    e.preventDefault();
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  });
  // "Format JSON" re-indents the body editor when it parses.
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-format]");
    if (!b) return;
    var ta = document.querySelector(b.getAttribute("data-format"));
    if (!ta) return;
    try {
      ta.value = JSON.stringify(JSON.parse(ta.value), null, 2);
    } catch (err) {
      b.textContent = "Not valid JSON: send it to see where it breaks";
      setTimeout(function () { b.textContent = "Format JSON"; }, 2500);
    }
  });
  // A run or job link from outside (the CLI's run URL, run_page_url)
  // arrives with send=1 and a form marked data-autosend: send it once, and
  // take send=1 off the address so a reload or a bookmark only fills it in.
  function autoSend() {
    if (window.history && history.replaceState && new URL(location.href).searchParams.has("send")) {
      var u = new URL(location.href);
      u.searchParams.delete("send");
      history.replaceState(history.state, "", u.pathname + u.search + u.hash);
    }
    var form = document.querySelector("#call-form[data-autosend]");
    if (!form) return;
    form.removeAttribute("data-autosend");
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }
  // After htmx has set up the form (it does so on DOMContentLoaded, and
  // its deferred script ran before this one), so the answer swaps in.
  if (document.readyState === "complete") {
    autoSend();
  } else {
    document.addEventListener("DOMContentLoaded", autoSend);
  }
  // After a swap, bring the result into view when its top is not in the
  // top quarter of the screen (below the form on a laptop, further down
  // on a phone): the answer sits right under the request.
  document.addEventListener("htmx:afterSwap", function (e) {
    if (!e.detail.target || e.detail.target.id !== "result") return;
    var r = document.getElementById("result");
    if (!r) return;
    var top = r.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight / 4) r.scrollIntoView({ behavior: "smooth", block: "start" });
  });
})();
