//go:build browser

package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserWorkshop runs a workshop in three browser contexts (separate
// cookies): the host on a 1920 px projector and two participants, one on a
// 375 px phone answering by keyboard. The screens follow the host over SSE.
func TestBrowserWorkshop(t *testing.T) {
	a := newApp(t)
	items := wsItems(t)
	hostCtx := newBrowser(t)
	dir := screenshotDir(t)
	newPart := func() context.Context {
		ctx, cancel := chromedp.NewContext(hostCtx, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		return ctx
	}
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("host creates", chromedp.Do(hostCtx,
		chromedp.EmulateViewport(1920, 1080),
		chromedp.Navigate(a.srv.URL+"/workshops/new"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="title"]`), "Friday <team>"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="items"]`), items[0].ID+"\n"+items[1].ID),
		chromedp.SetValue(chromedp.CSS(`[data-testid="count"]`), "2"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="seconds"]`), "0"),
		chromedp.Click(chromedp.CSS(`[data-testid="create"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="join-code"]`)),
		chromedp.WaitVisible(chromedp.CSS(`img[data-testid="qr"]`)),
	))
	code, err := chromedp.Run(hostCtx, chromedp.Text(chromedp.CSS(`[data-testid="join-code"]`)))
	must("join code", err)

	laptop, phone := newPart(), newPart()
	must("phone viewport", chromedp.Do(phone, chromedp.EmulateViewport(375, 740, chromedp.EmulateScale(2), chromedp.EmulateMobile)))
	for i, ctx := range []context.Context{laptop, phone} {
		must("join", chromedp.Do(ctx,
			chromedp.Navigate(a.srv.URL+"/join/"+code),
			chromedp.SetValue(chromedp.CSS(`[data-testid="name"]`), "Player "+strconv.Itoa(i+1)),
			chromedp.Click(chromedp.CSS(`[data-testid="join"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="waiting"]`)),
		))
	}
	// The projector shows both without a reload (SSE), then starts.
	must("host sees joins", chromedp.Do(hostCtx,
		chromedp.WaitVisible(`//*[@data-testid="seat-count"][normalize-space(.)="2 joined"]`),
	))
	screenshot(t, hostCtx, dir, "workshop-projector-lobby.png")
	must("next", chromedp.Do(hostCtx, chromedp.Click(chromedp.CSS(`[data-testid="host-next"]`))))
	key := keyOption(items[0])
	must("laptop answers by tap", chromedp.Do(laptop,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="stem"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="choice-`+strconv.Itoa(key)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="locked"]`)),
	))
	must("phone answers by keyboard", chromedp.Do(phone,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="stem"]`)),
		pressKey(strconv.Itoa(key+1)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="locked"]`)),
	))
	screenshot(t, phone, dir, "workshop-phone-locked.png")
	wide, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || wide > 375 {
		t.Errorf("the phone screen is %dpx wide (%v), want at most 375", wide, err)
	}
	must("host sees answers and reveals", chromedp.Do(hostCtx,
		chromedp.WaitVisible(`//*[@data-testid="answer-count"][normalize-space(.)="2"]`),
		chromedp.Click(chromedp.CSS(`[data-testid="host-reveal"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="explanation"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="leaderboard"]`)),
	))
	screenshot(t, hostCtx, dir, "workshop-projector-reveal.png")
	for _, ctx := range []context.Context{laptop, phone} {
		must("participant sees the reveal", chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="result"]`))))
		res, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`[data-testid="result"]`)))
		if err != nil || !strings.HasPrefix(res, "Right!") {
			t.Errorf("result %q (%v)", res, err)
		}
	}
	screenshot(t, phone, dir, "workshop-phone-reveal.png")
	// The title is escaped on every screen.
	title, _ := chromedp.Run(hostCtx, chromedp.Text(chromedp.CSS(`.ws-bar h1`)))
	if title != "Friday <team>" {
		t.Errorf("projector title %q", title)
	}
}

// TestBrowserWorkshopScreensFit runs the longest question of the bank on
// a 375×667 phone and the reveal on a 1280×900 host screen: the phone
// shows no site navigation, and the countdown, the question and its four
// options are all above the fold; the host's Next button and whole
// leaderboard are above the fold on the reveal. The projector's visible
// text and address never hold the host key, the lobby warns that phones
// cannot reach the loopback address, and axe finds no serious problem on
// either screen. Viewport screenshots (what is above the fold) are saved.
func TestBrowserWorkshopScreensFit(t *testing.T) {
	a := newApp(t)
	hostCtx := newBrowser(t)
	dir := screenshotDir(t)
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	shot := func(ctx context.Context, name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		must("screenshot", err)
		must("save screenshot", os.WriteFile(filepath.Join(dir, name), png, 0o644))
		t.Logf("screenshot: %s", filepath.Join(dir, name))
	}
	// aboveFold reports the elements of sel that end below the viewport
	// or start above it (none when all are on screen).
	aboveFold := func(ctx context.Context, what, sel string) {
		t.Helper()
		out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const els = [...document.querySelectorAll(`+strconv.Quote(sel)+`)];
			if (els.length === 0) return "nothing matches";
			return els.map(e => e.getBoundingClientRect()).filter(r => r.top < 0 || r.bottom > window.innerHeight || r.height === 0)
				.map(r => Math.round(r.top) + ".." + Math.round(r.bottom) + " of " + window.innerHeight).join(", ");
		})()`))
		if err != nil || out != "" {
			t.Errorf("%s (%s) not above the fold: %s %v", what, sel, out, err)
		}
	}
	axe := func(ctx context.Context, where string) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axeSource+";true"))
		must(where+": load axe", err)
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(
			r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(" | "))))`,
			chromedp.EvalAwaitPromise))
		if err != nil || raw != "[]" {
			t.Errorf("%s: axe: %s %v", where, raw, err)
		}
	}
	const longest = "pag-queue-22-job-queued" // the longest single-answer question and options of the bank
	if _, ok := testBank(t).Item(longest); !ok {
		t.Fatalf("no item %s", longest)
	}
	must("host creates", chromedp.Do(hostCtx,
		bypassCSP(),
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(a.srv.URL+"/workshops/new"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="title"]`), "Thursday platform team"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="items"]`), longest+"\nbl-deploy-order"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="count"]`), "2"),
		chromedp.SetValue(chromedp.CSS(`[data-testid="seconds"]`), "120"),
		chromedp.Click(chromedp.CSS(`[data-testid="create"]`)),
		chromedp.WaitVisible(chromedp.CSS(`img[data-testid="qr"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="loopback-note"]`)),
	))
	code, err := chromedp.Run(hostCtx, chromedp.Text(chromedp.CSS(`[data-testid="join-code"]`)))
	must("join code", err)
	secret, err := chromedp.Run(hostCtx, chromedp.Evaluate[string](`(() => {
		const d = document.querySelector('details[data-testid="host-link"]');
		if (!d || d.open) return "the host link is not in a closed <details>";
		if (location.href.includes("key=")) return "the address bar holds the key: " + location.href;
		if (document.body.innerText.includes("key=")) return "the visible text holds the key";
		return "";
	})()`))
	if err != nil || secret != "" {
		t.Errorf("host link on the projector: %s %v", secret, err)
	}
	shot(hostCtx, "workshop-host-lobby-1280.png")
	axe(hostCtx, "host lobby")

	phoneCtx, cancel := chromedp.NewContext(hostCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	must("phone joins", chromedp.Do(phoneCtx,
		bypassCSP(),
		chromedp.EmulateViewport(375, 667, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(a.srv.URL+"/join/"+code),
		chromedp.SetValue(chromedp.CSS(`[data-testid="name"]`), "Maximiliane Phone"),
		chromedp.Click(chromedp.CSS(`[data-testid="join"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="waiting"]`)),
	))
	var others []*app
	for i := range 9 {
		p := a.otherLearner()
		p.joinAs(code, "Participant number "+strconv.Itoa(i+1))
		others = append(others, p)
	}
	must("host starts", chromedp.Do(hostCtx,
		chromedp.WaitVisible(`//*[@data-testid="seat-count"][normalize-space(.)="10 joined"]`),
		chromedp.Click(chromedp.CSS(`[data-testid="host-next"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="countdown"]`)),
	))
	if n, err := chromedp.Run(hostCtx, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="host-link"]').length`)); err != nil || n != 0 {
		t.Errorf("the folded host link is still on the projector after the start: %d (%v)", n, err)
	}
	// Before the reveal there are no bars: the options take the row (an
	// endpoint path wrapped at a third of the projector's width).
	share, err := chromedp.Run(hostCtx, chromedp.Evaluate[float64](`document.querySelector('.ws-bar-row .ws-opt').getBoundingClientRect().width / document.querySelector('.ws-bars').getBoundingClientRect().width`))
	if err != nil || share < 0.8 {
		t.Errorf("the host's options are %.0f %% of their list's width before the reveal (%v)", share*100, err)
	}
	must("phone shows the question", chromedp.Do(phoneCtx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="choice-3"]`))))
	nav, err := chromedp.Run(phoneCtx, chromedp.Evaluate[bool](`[...document.querySelectorAll('.site-header nav, .site-footer')].some(e => e.getClientRects().length > 0)`))
	if err != nil || nav {
		t.Errorf("the phone's play screen shows the site navigation or footer (%v)", err)
	}
	aboveFold(phoneCtx, "phone countdown", `[data-testid="countdown"]`)
	aboveFold(phoneCtx, "phone question", `[data-testid="stem"]`)
	aboveFold(phoneCtx, "phone options", `.ws-answer`)
	wide, err := chromedp.Run(phoneCtx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || wide > 375 {
		t.Errorf("the phone screen is %dpx wide (%v)", wide, err)
	}
	shot(phoneCtx, "workshop-phone-question-375x667.png")
	axe(phoneCtx, "phone question")

	it, _ := testBank(t).Item(longest)
	for i, p := range others {
		choice := keyOption(it)
		if i%3 == 0 {
			choice = wrongOption(it)
		}
		p.answer(code, 0, choice)
	}
	must("phone answers", chromedp.Do(phoneCtx,
		chromedp.Click(chromedp.CSS(`[data-testid="choice-`+strconv.Itoa(keyOption(it))+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="locked"]`)),
	))
	must("host reveals", chromedp.Do(hostCtx,
		chromedp.WaitVisible(`//*[@data-testid="answer-count"][normalize-space(.)="10"]`),
		chromedp.Click(chromedp.CSS(`[data-testid="host-reveal"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="leaderboard"]`)),
	))
	aboveFold(hostCtx, "host Next", `[data-testid="host-next"]`)
	aboveFold(hostCtx, "host leaderboard", `[data-testid="board-row"]`)
	shot(hostCtx, "workshop-host-reveal-1280x900.png")
	axe(hostCtx, "host reveal")
	must("phone sees the reveal", chromedp.Do(phoneCtx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="result"]`))))
	shot(phoneCtx, "workshop-phone-reveal-375x667.png")

	// The second question has code in its text: it fits too.
	must("host next", chromedp.Do(hostCtx, chromedp.Click(chromedp.CSS(`[data-testid="host-next"]`)),
		chromedp.WaitVisible(`//*[@data-testid="round"][normalize-space(.)="Round 2 of 2"]`)))
	must("phone shows question 2", chromedp.Do(phoneCtx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="stem"] code`))))
	aboveFold(phoneCtx, "phone options, question 2", `.ws-answer`)
	shot(phoneCtx, "workshop-phone-code-375x667.png")
	shot(hostCtx, "workshop-host-question-1280x900.png")
}

// bypassCSP lets the test inject axe-core into the page.
func bypassCSP() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.SetBypassCSP, page.SetBypassCSPParams{Enabled: true})
		return err
	})
}
