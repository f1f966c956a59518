// Mock exam: the countdown, the keyboard (1-6 pick, f flag, n / p next and
// previous) and the submit at zero. The exam works without this file: the
// deadline is the server's, and every button is a plain form button.
(function () {
  "use strict";

  var form = document.getElementById("exam-form") || document.getElementById("submit-form");
  var countdown = document.getElementById("countdown");

  // send presses the form with go=value (a hidden input, so it works for
  // any value, even one no button carries).
  function send(value) {
    if (!form || form.dataset.sent) return;
    form.dataset.sent = "1";
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = form.id === "exam-form" ? "go" : "timeup";
    input.value = value;
    form.appendChild(input);
    form.submit();
  }

  // The deadline in the learner's own time zone (the page says UTC).
  var deadline = document.querySelector('[data-testid="deadline"] time');
  if (deadline && deadline.dateTime) {
    var at = new Date(deadline.dateTime);
    if (!isNaN(at)) deadline.textContent = at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  if (countdown && form) {
    var end = Date.now() + Number(countdown.dataset.remaining) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((end - Date.now()) / 1000));
      countdown.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
      if (left <= 60) countdown.classList.add("is-low");
      // Submit a second early so the answer on screen is saved before the
      // server's deadline refuses it.
      if (end - Date.now() <= 1000) {
        send("timeup");
        return;
      }
      setTimeout(tick, 250);
    };
    tick();
  }

  document.addEventListener("keydown", function (e) {
    if (!form || form.id !== "exam-form") return;
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    var t = e.target;
    if (t && (t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    var key = e.key;
    if (/^[1-6]$/.test(key)) {
      var input = form.querySelector('input[data-n="' + key + '"]');
      if (!input) return;
      e.preventDefault();
      if (input.type === "checkbox") input.checked = !input.checked;
      else input.checked = true;
      input.focus();
      return;
    }
    if (key === "f") {
      var flag = form.querySelector('input[name="flag"]');
      if (!flag) return;
      e.preventDefault();
      flag.checked = !flag.checked;
      send("stay"); // saved at once, so the navigator shows it
      return;
    }
    if (key === "n" || key === "p") {
      var b = form.querySelector(key === "n" ? '[data-testid="next"]' : '[data-testid="prev"]');
      if (!b) return;
      e.preventDefault();
      b.click();
    }
  });
})();
