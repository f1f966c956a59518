//go:build browser

package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
)

// Phone is the narrow screen of the new-user review (an iPhone SE).
const phoneW, phoneH = 375, 667

// headerGapJS is JavaScript for the distance in px from the bottom of the
// sticky header (the top of the screen when the header has scrolled away,
// as it does on a phone) to the top of the element sel (negative: under it).
func headerGapJS(sel string) string {
	return `(() => { const el = document.querySelector(` + strconvQuote(sel) + `); if (!el) return -9999;
		return el.getBoundingClientRect().top - Math.max(0, document.querySelector(".site-header").getBoundingClientRect().bottom); })()`
}

// waitTrue polls the JavaScript condition cond for up to 5 s; on timeout
// it fails the test with what the JavaScript why returns. A poll that
// loses its page's execution context to a reload still under way ("Cannot
// find context with specified id") is no answer: it polls again.
func waitTrue(t *testing.T, ctx context.Context, what, cond, why string) {
	t.Helper()
	var err error
	for range 3 {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingTimeout(5*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
		if err == nil {
			return
		}
		if !strings.Contains(err.Error(), "Cannot find context") {
			break
		}
	}
	got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](why))
	t.Errorf("%s: %s (%v)", what, got, err)
}

// clearsHeader checks that the element sel is on screen below the sticky
// header: its top between the header's bottom and the middle of the screen.
func clearsHeader(t *testing.T, ctx context.Context, what, sel string) {
	t.Helper()
	gap := headerGapJS(sel)
	waitTrue(t, ctx, what, `(`+gap+`) >= -1 && (`+gap+`) < window.innerHeight / 2`,
		`"top of " + `+strconvQuote(sel)+` + " is " + Math.round(`+gap+`) + "px below the header's bottom (" + Math.round(document.querySelector(".site-header").getBoundingClientRect().bottom) + "px), scrollY " + Math.round(scrollY)`)
}

// TestBrowserJumpsClearTheHeader follows every kind of in-page jump at
// 375 and 1280 px: its target lands below the sticky header, not under it.
func TestBrowserJumpsClearTheHeader(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	dir := screenshotDir(t)
	base := a.srv.URL
	openSandboxWithToken(t, ctx, base)
	for _, w := range []int64{phoneW, 1280} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, phoneH)); err != nil {
			t.Fatal(err)
		}
		at := fmt.Sprintf(" at %dpx", w)
		// A lesson's table of contents.
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/lessons/jobs-api"),
			chromedp.WaitVisible(chromedp.CSS(`.lesson-toc a[href="#pagination"]`)),
			chromedp.Click(chromedp.CSS(`.lesson-toc a[href="#pagination"]`)),
		); err != nil {
			t.Fatal(err)
		}
		clearsHeader(t, ctx, "table of contents"+at, "#pagination")
		viewShot(t, ctx, dir, fmt.Sprintf("jump-toc-%d.png", w))
		// "Record my prediction, then reveal" comes back to its question
		// (a new one at each width: a recorded one folds its box away).
		pid := "#predict-2"
		if w != phoneW {
			pid = "#predict-3"
		}
		if err := chromedp.Do(ctx,
			chromedp.ScrollIntoView(chromedp.CSS(pid+` textarea`)),
			chromedp.SendKeys(chromedp.CSS(pid+` textarea`), "a guess"),
			chromedp.Click(chromedp.CSS(pid+` [data-testid="predict-submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(pid+` [data-testid="prediction"]`)),
		); err != nil {
			t.Fatal(err)
		}
		clearsHeader(t, ctx, "prediction recorded"+at, pid)
		viewShot(t, ctx, dir, fmt.Sprintf("jump-predict-%d.png", w))
		// An endpoint picked in the sandbox.
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/sandbox?ep=runs-get#call-panel"),
			chromedp.WaitVisible(chromedp.CSS(`#call-panel`)),
		); err != nil {
			t.Fatal(err)
		}
		clearsHeader(t, ctx, "endpoint picked"+at, "#call-panel")
		viewShot(t, ctx, dir, fmt.Sprintf("jump-call-panel-%d.png", w))
		// A call sent: its result comes into view with its Request heading.
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/sandbox?ep=jobs-list#call-panel"),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="send"]`)),
			chromedp.Click(chromedp.CSS(`[data-testid="send"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#result [data-testid="request"]`)),
		); err != nil {
			t.Fatal(err)
		}
		clearsHeader(t, ctx, "result"+at, "#result h3")
		viewShot(t, ctx, dir, fmt.Sprintf("jump-result-%d.png", w))
		// The bundles panel.
		if err := chromedp.Do(ctx,
			chromedp.Navigate(base+"/sandbox#bundles-panel"),
			chromedp.WaitVisible(chromedp.CSS(`#bundles-panel`)),
		); err != nil {
			t.Fatal(err)
		}
		clearsHeader(t, ctx, "bundles panel"+at, "#bundles-panel")
	}
}

// TestBrowserDrillKeepsTheVerdictInView answers by keyboard on a phone:
// the verdict and the marked options are on screen after an answer (with
// Next focused), and the next question starts at its top, below the
// header.
func TestBrowserDrillKeepsTheVerdictInView(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	dir := screenshotDir(t)
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(phoneW, phoneH),
		chromedp.Navigate(a.srv.URL+"/drill?topic=job-vs-run"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="start"]`)),
		pressKey(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="question"][data-kind="classify"]`)),
	); err != nil {
		t.Fatal(err)
	}
	clearsHeader(t, ctx, "first question", `[data-testid="question"]`)
	for round := range 2 {
		if err := chromedp.Do(ctx, pressKey("j"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="feedback"]`))); err != nil {
			t.Fatal(err)
		}
		clearsHeader(t, ctx, "verdict", `[data-testid="verdict"]`)
		waitTrue(t, ctx, "marked options",
			`document.querySelector(".answers").getBoundingClientRect().bottom <= innerHeight && document.activeElement === document.querySelector('[data-testid="next"]')`,
			`"options end at " + Math.round(document.querySelector(".answers").getBoundingClientRect().bottom) + " of " + innerHeight + "; focus on " + document.activeElement.outerHTML.slice(0, 60)`)
		// Next stays on screen too (it sticks to the bottom on phones).
		waitTrue(t, ctx, "Next on screen",
			`(() => { const b = document.querySelector('[data-testid="next"]').getBoundingClientRect(); return b.top >= 0 && b.bottom <= innerHeight; })()`,
			`"Next at " + Math.round(document.querySelector('[data-testid="next"]').getBoundingClientRect().top) + " of " + innerHeight`)
		viewShot(t, ctx, dir, fmt.Sprintf("drill-phone-feedback-%d.png", round))
		if err := chromedp.Do(ctx, pressKey(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`[data-testid="question"]`))); err != nil {
			t.Fatal(err)
		}
		clearsHeader(t, ctx, "next question", `[data-testid="question"]`)
		screenshot(t, ctx, dir, fmt.Sprintf("drill-phone-question-%d.png", round))
		// An endpoint question follows a classify: pick option 1 and check.
		kind, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="question"]').dataset.kind`))
		if err != nil {
			t.Fatal(err)
		}
		if kind != "classify" {
			if err := chromedp.Do(ctx, pressKey("1"), pressKey(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`[data-testid="feedback"]`))); err != nil {
				t.Fatal(err)
			}
			clearsHeader(t, ctx, "verdict on "+kind, `[data-testid="verdict"]`)
			if err := chromedp.Do(ctx, pressKey(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`[data-testid="question"][data-kind="classify"]`))); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestBrowserDrillUndoMessage: after Undo on a phone the page opens with
// "Answer undone…" in view (it landed scrolled past it), in plain text (no
// Markdown backticks), and the message goes with the next answer instead
// of staying above every later card.
func TestBrowserDrillUndoMessage(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(phoneW, phoneH),
		chromedp.Navigate(a.srv.URL+"/drill?topic=cli"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="start"]`)),
		pressKey(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="question"]`)),
		pressKey("1"), pressKey(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="feedback"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="undo"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="flash"]`)),
	); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, ctx, "the undo message in view", `(() => { const r = document.querySelector('[data-testid="flash"]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`,
		`"the message is at " + Math.round(document.querySelector('[data-testid="flash"]').getBoundingClientRect().top) + ", scrollY " + Math.round(scrollY)`)
	if msg, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="flash"]').textContent`)); err != nil || !strings.HasPrefix(msg, "Answer undone") || strings.Contains(msg, "`") {
		t.Errorf("undo message %q (%v)", msg, err)
	}
	if err := chromedp.Do(ctx, pressKey("1"), pressKey(kb.Enter), chromedp.WaitVisible(chromedp.CSS(`[data-testid="feedback"]`))); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, ctx, "the message gone after the next answer", `!document.querySelector('[data-testid="flash"]')`, `"still there"`)
}

// startExamWith starts an exam for learner 1 holding exactly ids, in order.
func startExamWith(t *testing.T, a *app, ids ...string) {
	t.Helper()
	bank := testBank(t)
	now := time.Now()
	e := store.Exam{LearnerID: 1, Seed: 1, PassPercent: 70, StartedAt: now, Deadline: now.Add(time.Hour)}
	for _, id := range ids {
		it, ok := bank.Item(id)
		if !ok {
			t.Fatalf("no item %s", id)
		}
		e.Questions = append(e.Questions, quiz.ExamQuestion{ItemID: id, Topic: it.Topic})
	}
	if _, started, err := a.db.StartExam(context.Background(), e); err != nil || !started {
		t.Fatalf("start exam: %v (started %v)", err, started)
	}
}

// sidewaysJS names the page's width and what sticks out when it is wider
// than the window; "" when it fits.
const sidewaysJS = `(() => {
	const w = document.documentElement.scrollWidth;
	if (w <= window.innerWidth) return "";
	const out = [];
	for (const el of document.querySelectorAll("body *")) {
		const r = el.getBoundingClientRect();
		if (r.right > window.innerWidth + 1) out.push(el.tagName.toLowerCase() + "." + [...el.classList].join(".") + " " + Math.round(r.right));
		if (out.length >= 4) break;
	}
	return w + "px wide: " + out.join(", ");
})()`

// TestBrowserNothingScrollsSideways opens the learner's pages at 375 px,
// among them an exam whose explanations hold long unbreakable strings: no
// page is wider than the screen, and the explanations' `backticks` are
// code.
func TestBrowserNothingScrollsSideways(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	dir := screenshotDir(t)
	base := a.srv.URL
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneW, phoneH), chromedp.Navigate(base+"/")); err != nil {
		t.Fatal(err)
	}
	pageFetch(t, ctx, "/me", map[string]string{"display_name": "Phone"})
	pageFetch(t, ctx, "/sandbox/token", nil)
	callURL := pageFetch(t, ctx, "/sandbox/send", map[string]string{"ep": "runs-export"})
	drillURL := pageFetch(t, ctx, "/drill/sessions", map[string]string{"topic": "run-endpoints", "size": "5"})
	startExamWith(t, a, "or-task-values", "jvr-ids", "re-incident-link-endpoint", "or-runif-cleanup", "bd-ids-differ")
	pageFetch(t, ctx, "/exam/1/submit", nil)

	pages := []string{"/lessons/jobs-api", "/lessons/jobs-orchestration", "/drill", strings.TrimPrefix(drillURL, base),
		"/exam/1/result", "/progress", "/sandbox", strings.TrimPrefix(callURL, base), "/me", "/drill/items"}
	for _, p := range pages {
		if err := chromedp.Do(ctx, chromedp.Navigate(base+p), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
			t.Fatal(err)
		}
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[string](sidewaysJS))
		if err != nil || wide != "" {
			t.Errorf("%s scrolls sideways at %dpx: %s (%v)", p, phoneW, wide, err)
		}
		screenshot(t, ctx, dir, "sideways"+strings.NewReplacer("/", "-", "?", "-").Replace(p)+".png")
	}
	// On the result: an explanation's backticks are code.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/exam/1/result"), chromedp.WaitReady(chromedp.CSS("main"))); err != nil {
		t.Fatal(err)
	}
	code, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const li = document.querySelector('[data-testid="review-item"][data-item="bd-ids-differ"]');
		const ex = li.querySelector('[data-testid="review-explanation"]');
		return ex.textContent.includes("`+"`"+`") ? "backticks shown: " + ex.textContent : [...ex.querySelectorAll("code")].map(c => c.textContent).join("|");
	})()`))
	if err != nil || !strings.Contains(code, "jobs run-now --job-id 222") {
		t.Errorf("explanation code spans %q (%v)", code, err)
	}
}

// TestBrowserCopyWithoutClipboardAPI copies on a plain-http LAN address,
// where navigator.clipboard does not exist: the button copies through a
// selection, and when even that fails it selects the text and says how to
// copy it.
func TestBrowserCopyWithoutClipboardAPI(t *testing.T) {
	a := newApp(t)
	// lan.test is not localhost: http://lan.test:PORT is not a secure context.
	ctx := newBrowserWith(t, 4*time.Minute, chromedp.Flag("host-resolver-rules", "MAP lan.test 127.0.0.1"))
	base := strings.Replace(a.srv.URL, "127.0.0.1", "lan.test", 1)
	openSandboxWithToken(t, ctx, base)
	secure, err := chromedp.Run(ctx, chromedp.Evaluate[string](`String(window.isSecureContext) + " " + typeof navigator.clipboard`))
	if err != nil || secure != "false undefined" {
		t.Fatalf("secure context, clipboard: %q (%v); the test needs an insecure origin", secure, err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.addEventListener("copy", e => {
		const t = e.target;
		window.copied = t && t.tagName === "TEXTAREA" ? t.value.slice(t.selectionStart, t.selectionEnd) : String(document.getSelection());
	}); true`)); err != nil {
		t.Fatal(err)
	}
	want, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#env-snippet").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	btn := chromedp.CSS(`button[data-copy="#env-snippet"]`)
	// A token just created shows unfolded; the snippet's details must be
	// open (a click on its summary would fold it again).
	if open, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("details.token-reveal").open`)); err != nil || !open {
		t.Errorf("the new token's snippet is folded (%v)", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("details.token-reveal").open = true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(btn), chromedp.Click(btn)); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, ctx, "copy through a selection", `window.copied === `+strconvQuote(want)+` && document.querySelector('button[data-copy="#env-snippet"]').textContent === "Copied"`,
		`"copied " + JSON.stringify(window.copied) + ", button " + document.querySelector('button[data-copy="#env-snippet"]').textContent`)
	// execCommand refuses (as some browsers do): the text is selected and
	// the page says to press Ctrl+C.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.execCommand = () => false; window.copied = undefined; true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(btn)); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, ctx, "manual copy", `(() => {
		const st = document.querySelector('[data-testid="copy-status"]');
		return String(document.getSelection()) === `+strconvQuote(want)+` && st && st.getAttribute("aria-live") === "polite" &&
			st.textContent.includes("Press Ctrl+C (⌘C) to copy") && st.getBoundingClientRect().height > 0;
	})()`, `"selection " + JSON.stringify(String(document.getSelection())) + ", status " + (document.querySelector('[data-testid="copy-status"]') || {}).outerHTML`)
	screenshot(t, ctx, screenshotDir(t), "copy-manual.png")
}

// TestBrowserSmallLayoutFixes checks the review's small findings: arrows
// and endpoint paths break only where they should at 375 px, a wrong
// choice strikes through its text only, the exam's shortcuts line up with
// its column at 1280 px, the sandbox hides "Ctrl+Enter sends" on touch
// screens, and the drill's Start button is on the first screen.
func TestBrowserSmallLayoutFixes(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	dir := screenshotDir(t)
	base := a.srv.URL
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneW, phoneH), chromedp.Navigate(base+"/drill")); err != nil {
		t.Fatal(err)
	}
	// The Start button is on the first screen, and starts the topic picked
	// further down.
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="start"]`))); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, ctx, "Start on the first screen", `scrollY === 0 && document.querySelector('[data-testid="start"]').getBoundingClientRect().bottom <= innerHeight`,
		`"Start ends at " + Math.round(document.querySelector('[data-testid="start"]').getBoundingClientRect().bottom) + " of " + innerHeight + ", scrollY " + scrollY`)
	screenshot(t, ctx, dir, "drill-home-phone.png")
	if err := chromedp.Do(ctx,
		chromedp.ScrollIntoView(chromedp.CSS(`input[name="topic"][value="run-endpoints"]`)),
		chromedp.Click(chromedp.CSS(`input[name="topic"][value="run-endpoints"]`)),
	); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, ctx, "Start names the topic picked, whole", `(() => { const el = document.querySelector('[data-testid="start-topic"]');
		return el.textContent.includes("run") && el.scrollWidth <= el.clientWidth; })()`,
		`"Start reads " + document.querySelector('[data-testid="start"]').textContent + ", the topic line " + document.querySelector('[data-testid="start-topic"]').scrollWidth + " of " + document.querySelector('[data-testid="start-topic"]').clientWidth + " px"`)
	waitTrue(t, ctx, "Start in view after picking a topic", `(() => { const r = document.querySelector('[data-testid="start"]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`,
		`"Start at " + Math.round(document.querySelector('[data-testid="start"]').getBoundingClientRect().top)`)
	screenshot(t, ctx, dir, "drill-home-phone-topic.png")
	// Walking the topics with the keyboard brings each one into view above
	// the sticky Start bar, the last one too (it stopped behind the bar).
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0); document.querySelector('input[name="topic"]').focus(); true`)); err != nil {
		t.Fatal(err)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('input[name="topic"]').length`))
	if err != nil || n < 2 {
		t.Fatalf("%d topics (%v)", n, err)
	}
	for range n - 1 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
			t.Fatal(err)
		}
	}
	waitTrue(t, ctx, "the focused last topic clears the Start bar", `(() => {
		const f = document.activeElement, all = document.querySelectorAll('input[name="topic"]');
		if (f !== all[all.length - 1]) return false;
		return f.closest("label").getBoundingClientRect().bottom <= document.querySelector(".start-row").getBoundingClientRect().top + 1; })()`,
		`(() => { const f = document.activeElement; return "focus on " + (f.value || f.tagName) + ", its card ends at " + Math.round(f.closest("label") ? f.closest("label").getBoundingClientRect().bottom : -1) + ", the Start bar starts at " + Math.round(document.querySelector(".start-row").getBoundingClientRect().top); })()`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="start"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid="question"]`))); err != nil {
		t.Fatal(err)
	}
	topic, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`.drill-topic`)))
	if err != nil || !strings.Contains(strings.ToLower(topic), "run") {
		t.Errorf("the drill started on %q (%v), want the run endpoints", topic, err)
	}

	// Endpoint paths break only after / ? & = (or at spaces, or after the
	// visible hyphen of run-now), never mid-word: not "jobs/lis t".
	badBreaks := func(sel string) string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const bad = [];
			for (const el of document.querySelectorAll(`+strconvQuote(sel)+`)) {
				const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
				let prevTop = null, prevCh = "";
				for (let n = walker.nextNode(); n; n = walker.nextNode()) {
					for (let i = 0; i < n.data.length; i++) {
						const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
						const rects = r.getClientRects(); if (!rects.length) continue;
						const top = rects[0].top, ch = n.data[i];
						if (prevTop !== null && top > prevTop + 2 && !"/?&= -".includes(prevCh) && ch !== " ") bad.push(el.textContent + " before " + JSON.stringify(ch));
						prevTop = top; prevCh = ch;
					}
				}
			}
			return bad.slice(0, 5).join("; ");
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/lessons/jobs-api"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="lesson"]`))); err != nil {
		t.Fatal(err)
	}
	if bad := badBreaks(`.prose table code`); bad != "" {
		t.Errorf("lesson tables break paths mid-word: %s", bad)
	}
	// Drill options: endpoint questions of the run endpoints, each
	// answered wrong (with the last option): only the option text is
	// struck through, not its "your choice" note.
	pageFetch(t, ctx, "/me", map[string]string{"display_name": "Phone"})
	drillURL := pageFetch(t, ctx, "/drill/sessions", map[string]string{"topic": "run-endpoints", "size": "10"})
	if err := chromedp.Do(ctx, chromedp.Navigate(drillURL)); err != nil {
		t.Fatal(err)
	}
	checked, struck := 0, 0
	for range 6 {
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="question"]`))); err != nil {
			t.Fatal(err)
		}
		if n := mustEval[int](t, ctx, `document.querySelectorAll(".option-code").length`); n > 0 {
			checked++
			if bad := badBreaks(`.option-code`); bad != "" {
				t.Errorf("drill options break paths mid-word: %s", bad)
			}
			screenshot(t, ctx, dir, "drill-phone-endpoints.png")
		}
		mustEval[bool](t, ctx, `(() => { const f = document.querySelector("form.answer-form"); const ins = f.querySelectorAll('input[name="choice"]');
			if (ins.length) { ins[ins.length - 1].checked = true; f.querySelector('[data-testid="submit"]').click(); } else { f.querySelector('[data-testid="choice-run"]').click(); } return true; })()`)
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="feedback"]`))); err != nil {
			t.Fatal(err)
		}
		if wrong := mustEval[string](t, ctx, `(() => { const li = document.querySelector('[data-testid="answer-chosen"]'); if (!li) return "";
			return getComputedStyle(li).textDecorationLine + "|" + getComputedStyle(li.querySelector(".answer-text")).textDecorationLine; })()`); wrong != "" {
			struck++
			if wrong != "none|line-through" {
				t.Errorf("a wrong choice's decoration (item | its text): %s, want none|line-through", wrong)
			}
			screenshot(t, ctx, dir, "drill-phone-wrong.png")
		}
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="next"]`))); err != nil {
			t.Fatal(err)
		}
	}
	if checked == 0 || struck == 0 {
		t.Errorf("%d endpoint questions with code options, %d wrong answers came up", checked, struck)
	}

	// The exam question: "ingest -> transform" keeps its arrows whole.
	startExamWith(t, a, "or-runif-cleanup", "re-incident-link-endpoint")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/exam/1/q/1"), chromedp.WaitVisible(chromedp.CSS(`#stem`))); err != nil {
		t.Fatal(err)
	}
	// Whether the arrows split depends on the font: try every width from
	// 320 to 420 px.
	for w := int64(320); w <= 420; w += 4 {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, phoneH)); err != nil {
			t.Fatal(err)
		}
		split, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const stem = document.querySelector("#stem"); const text = stem.textContent; const walker = document.createTreeWalker(stem, NodeFilter.SHOW_TEXT);
			const nodes = []; for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n);
			const at = (k) => { for (const n of nodes) { if (k < n.data.length) return [n, k]; k -= n.data.length; } };
			const bad = [];
			for (let i = text.indexOf("->"); i >= 0; i = text.indexOf("->", i + 2)) {
				const [a, ao] = at(i), [b, bo] = at(i + 1);
				const r = document.createRange(); r.setStart(a, ao); r.setEnd(b, bo + 1);
				const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
				if (tops.size > 1) bad.push(text.slice(Math.max(0, i - 10), i + 12));
			}
			return bad.join("; ");
		})()`))
		if err != nil || split != "" {
			t.Errorf("arrows split across lines at %dpx: %q (%v)", w, split, err)
			screenshot(t, ctx, dir, fmt.Sprintf("exam-arrows-%d.png", w))
			break
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(phoneW, phoneH)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, dir, "exam-phone-arrows.png")
	// The clock stays in sight when a long question scrolls.
	waitTrue(t, ctx, "the exam clock sticks", `(() => { window.scrollTo(0, document.documentElement.scrollHeight);
		const h = document.querySelector(".exam-head"); return getComputedStyle(h).position === "sticky" && document.querySelector(".exam-clock").getBoundingClientRect().top >= 0; })()`,
		`"clock at " + Math.round(document.querySelector(".exam-clock").getBoundingClientRect().top) + ", position " + getComputedStyle(document.querySelector(".exam-head")).position`)

	// At 1280 px the exam's shortcuts line up with its left column.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/exam/1/q/1"), chromedp.WaitVisible(chromedp.CSS(`#shortcuts`))); err != nil {
		t.Fatal(err)
	}
	off, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector("#shortcuts").getBoundingClientRect().left - document.querySelector("#exam-form").getBoundingClientRect().left`))
	if err != nil || off < -1 || off > 1 {
		t.Errorf("the exam's shortcuts start %vpx right of its form (%v)", off, err)
	}
	// The question's type sits by "Question n of N", not against the
	// clock ("Concept 19:58"); the deadline is in the browser's time zone.
	gap, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector(".exam-clock").getBoundingClientRect().left - document.querySelector(".exam-head .drill-kind").getBoundingClientRect().right`))
	if err != nil || gap < 100 {
		t.Errorf("the question type ends %vpx before the clock (%v)", gap, err)
	}
	if at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="deadline"] time').textContent`)); err != nil || strings.Contains(at, "UTC") || at == "" {
		t.Errorf("deadline shown as %q (%v), want local time", at, err)
	}
	screenshot(t, ctx, dir, "exam-1280.png")

	// "Ctrl+Enter sends" shows with a keyboard and mouse, not on touch screens.
	hint := func() string {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('[data-testid="send-shortcut"]')).display`))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	pageFetch(t, ctx, "/sandbox/token", nil)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/sandbox?ep=jobs-list"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="send"]`))); err != nil {
		t.Fatal(err)
	}
	if d := hint(); d == "none" {
		t.Errorf("the Ctrl+Enter hint is hidden on a desktop")
	}
	if err := chromedp.Do(ctx,
		chromedp.EmulateViewport(phoneW, phoneH, chromedp.EmulateTouch, chromedp.EmulateMobile),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "pointer", Value: "coarse"}, {Name: "hover", Value: "none"}},
			})
			return err
		}),
		chromedp.Navigate(base+"/sandbox?ep=jobs-list"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="send"]`)),
	); err != nil {
		t.Fatal(err)
	}
	if d := hint(); d != "none" {
		t.Errorf("the Ctrl+Enter hint shows on a touch screen (display %s)", d)
	}
}

// mustEval evaluates expr or fails the test.
func mustEval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// TestBrowserHeaderStaysOnlyWhereItFits: at 1280 px the header sticks to
// the top; at 375 px, where its links take two or three rows, it scrolls
// away with the page (it kept ~140 px, a fifth of the screen, on every
// page), and a jump then needs no room for it.
func TestBrowserHeaderStaysOnlyWhereItFits(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	for _, tt := range []struct {
		w     int64
		stays bool
	}{{1280, true}, {phoneW, false}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(tt.w, phoneH), chromedp.Navigate(a.srv.URL+"/lessons/jobs-api")); err != nil {
			t.Fatal(err)
		}
		waitTrue(t, ctx, fmt.Sprintf("header at %d px after scrolling", tt.w),
			`(() => { window.scrollTo(0, 1200); const b = document.querySelector(".site-header").getBoundingClientRect();
				return `+fmt.Sprint(tt.stays)+` ? b.top === 0 && b.bottom > 0 : b.bottom <= 0; })()`,
			`"header top " + Math.round(document.querySelector(".site-header").getBoundingClientRect().top) + ", bottom " + Math.round(document.querySelector(".site-header").getBoundingClientRect().bottom) + ", scrollY " + Math.round(scrollY)`)
		// Where the header scrolls away, a corner link leads back to the
		// lesson's contents; where the contents stick beside the text, none.
		shown, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('[data-testid="to-contents"]')).display !== "none"`))
		if err != nil || shown == tt.stays {
			t.Errorf("at %d px the contents link shows: %v (%v)", tt.w, shown, err)
		}
		if !tt.stays {
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`[data-testid="to-contents"]`))); err != nil {
				t.Fatal(err)
			}
			waitTrue(t, ctx, "the contents after the corner link", `(() => { const r = document.querySelector("#contents").getBoundingClientRect(); return r.top >= -1 && r.top < innerHeight / 2; })()`,
				`"contents at " + Math.round(document.querySelector("#contents").getBoundingClientRect().top)`)
		}
	}
}

// TestBrowserPredictBeforeReveal: opening an answer before writing a
// guess asks for the guess once (a second click opens it: skipping stays
// possible); a recorded guess shows beside the open answer with changing
// it folded away.
func TestBrowserPredictBeforeReveal(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	first := `document.querySelectorAll('[data-testid="predict-form"]')[0]`
	reveal := first + `.nextElementSibling`
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(a.srv.URL+"/lessons/jobs-api"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="predict-form"]`))); err != nil {
		t.Fatal(err)
	}
	click := func() {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](reveal+`.querySelector("summary").click(); true`)); err != nil {
			t.Fatal(err)
		}
	}
	click()
	waitTrue(t, ctx, "the first click asks for a guess", `!`+reveal+`.open && !`+first+`.querySelector(".predict-nudge").hidden && document.activeElement === `+first+`.querySelector("textarea")`,
		`"open " + `+reveal+`.open + ", nudge hidden " + `+first+`.querySelector(".predict-nudge").hidden`)
	click()
	waitTrue(t, ctx, "the second click opens the answer", reveal+`.open`, `"still closed"`)
	// A recorded guess: shown, the answer open, the box folded away.
	if err := chromedp.Do(ctx, chromedp.Navigate(a.srv.URL+"/lessons/jobs-api"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="predict-form"] textarea`)),
		chromedp.SendKeys(`[data-testid="predict-form"] textarea`, "a run"),
		chromedp.Click(`[data-testid="predict-form"] [data-testid="predict-submit"]`),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="prediction"]`))); err != nil {
		t.Fatal(err)
	}
	waitTrue(t, ctx, "the guess beside the open answer", reveal+`.open && `+first+`.querySelector('[data-testid="prediction"]').textContent.includes("a run") && !`+first+`.querySelector("textarea").checkVisibility()`,
		`"open " + `+reveal+`.open + ", box visible " + `+first+`.querySelector("textarea").checkVisibility()`)
}
