// Drill keyboard: j / r answer Job / Run, 1-6 pick an option, space toggles
// a focused "select all" option, Enter answers and goes on, ? shows the
// shortcuts. The drill works without this file: it only presses the same
// buttons a mouse would.
(function () {
  "use strict";

  function typing(el) {
    if (!el) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    var t = (el.type || "text").toLowerCase();
    return t !== "radio" && t !== "checkbox" && t !== "button" && t !== "submit";
  }

  function drill() { return document.getElementById("drill"); }

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (typing(e.target)) return;
    var root = drill();
    if (!root) return;
    var key = e.key;

    if (key === "?") {
      var panel = document.getElementById("shortcuts");
      if (panel) {
        panel.open = !panel.open;
        e.preventDefault();
      }
      return;
    }
    // While a request is in flight, ignore keys: one answer per showing.
    if (root.classList.contains("htmx-request") || root.querySelector(".htmx-request")) return;

    var form = root.querySelector("form.answer-form");
    if (form) {
      if (key === "j" || key === "r") {
        var b = form.querySelector('button[data-key="' + key + '"]');
        if (b) {
          e.preventDefault();
          b.click();
        }
        return;
      }
      if (/^[1-6]$/.test(key)) {
        var input = form.querySelector('input[data-n="' + key + '"]');
        if (!input) return;
        e.preventDefault();
        if (input.type === "checkbox") input.checked = !input.checked;
        else input.checked = true;
        input.focus();
        return;
      }
      if (key === "Enter") {
        // A focused button answers by itself; anywhere else, Enter checks.
        if (e.target.tagName === "BUTTON" || e.target.tagName === "A") return;
        var submit = form.querySelector('button[type="submit"][data-testid="submit"]');
        if (submit) {
          e.preventDefault();
          submit.click();
        }
      }
      return;
    }

    if (key === "Enter") {
      if (e.target.tagName === "BUTTON" || e.target.tagName === "A") return;
      var next = root.querySelector('[data-testid="next"]');
      if (next) {
        e.preventDefault();
        next.click();
      }
    }
  });

  // After htmx swaps a new card in, put focus where the keyboard expects
  // it without scrolling to it (a focused Next button at the bottom of the
  // feedback would scroll the verdict off a phone's screen), then show
  // what matters: the verdict after an answer, the top of a new question.
  // htmx itself focuses [autofocus] (with a scroll) before this runs.
  function settle(onLoad) {
    var root = drill();
    if (!root) return;
    var el = root.querySelector("[autofocus]");
    if (el) el.focus({ preventScroll: true });
    // A page that opens with a message (e.g. "Answer undone…") keeps it
    // in view: the question is right below it.
    if (onLoad && document.querySelector('[data-testid="flash"]')) return;
    var card = root.querySelector(".drill-card");
    if (!card) return;
    var header = document.querySelector(".site-header");
    var top = header ? header.getBoundingClientRect().bottom : 0;
    var r = card.getBoundingClientRect();
    var show = root.querySelector('[data-testid="feedback"] .answers') || card;
    // Scroll only when the card's top is hidden or what follows it is off
    // screen: a card that already fits stays put.
    if (r.top < top || show.getBoundingClientRect().bottom > window.innerHeight) {
      card.scrollIntoView({ block: "start" }); // app.css: below the header
    }
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    var root = drill();
    if (!root || e.target !== root) return;
    // A page's one-time message belongs to the card it came with, not to
    // the ones the drill swaps in after it.
    var flash = document.querySelector('[data-testid="flash"]');
    if (flash) flash.remove();
    settle(false);
  });
  // A whole page (a reload, or the answer sent without htmx) is focused
  // by the browser's autofocus, which may scroll too: settle once loaded.
  window.addEventListener("load", function () {
    requestAnimationFrame(function () { settle(true); });
  });
})();
