//go:build browser

package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

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
