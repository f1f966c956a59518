//go:build browser

package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserDestructiveFormsAskFirst: Regenerate token and Reset workspace
// do nothing when the learner cancels the confirmation, and act when they
// accept it.
func TestBrowserDestructiveFormsAskFirst(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	snippet := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="env-snippet"]').textContent`))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(s)
	}
	// prevented dispatches a cancelable submit event at the form, with
	// window.confirm answering answer, and reports whether the page's
	// script cancelled it, and how often it asked.
	prevented := func(answer bool, form string) (bool, int) {
		t.Helper()
		js := `(() => { let asked = 0; window.confirm = () => { asked++; return ` + map[bool]string{true: "true", false: "false"}[answer] + `; };` +
			`const ev = new Event('submit', {bubbles: true, cancelable: true});` +
			`document.querySelector('[data-testid="` + form + `"]').dispatchEvent(ev);` +
			`return [ev.defaultPrevented, asked]; })()`
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](js))
		if err != nil || len(got) != 2 {
			t.Fatalf("dispatch: %v %v", got, err)
		}
		n, _ := got[1].(float64)
		return got[0] == true, int(n)
	}
	openSandboxWithToken(t, ctx, a.srv.URL)
	before := snippet()

	for _, form := range []string{"regenerate-form", "reset-form"} {
		if p, asked := prevented(false, form); !p || asked != 1 {
			t.Fatalf("%s: cancelling: prevented=%v asked=%d, want true, 1", form, p, asked)
		}
		if p, asked := prevented(true, form); p || asked != 1 {
			t.Fatalf("%s: accepting: prevented=%v asked=%d, want false, 1", form, p, asked)
		}
	}
	if got := snippet(); got != before {
		t.Fatal("a cancelled confirmation changed the token")
	}

	// Accepting for real regenerates the token.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.confirm = () => true;`+
		`document.querySelector('[data-testid="regenerate-form"] button[type=submit]').click(); true`)); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		flash, err := chromedp.Run(ctx, chromedp.Evaluate[string](
			`(document.querySelector('[data-testid="flash"]')||{textContent:''}).textContent`))
		if err == nil && strings.Contains(flash, "New sandbox token") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("accepting did not regenerate the token (last: %q, %v)", flash, err)
		}
		// The page is navigating: ask again shortly.
		_ = chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(`body`)))
	}
	if got := snippet(); got == before {
		t.Fatal("the token did not change after accepting")
	}
}
