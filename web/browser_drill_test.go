//go:build browser

package web_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/jobs-api-trainer/trainer/quiz"
)

// TestBrowserDrillKeyboard answers a classify with j/r and its endpoint
// with a digit and Enter, going on with Enter: no mouse at all.
func TestBrowserDrillKeyboard(t *testing.T) {
	a := newApp(t)
	bank := testBank(t)
	ctx := newBrowser(t)
	shots := os.Getenv("SCREENSHOT_DIR")

	item := func() (id, kind string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="question"]`))); err != nil {
			t.Fatal(err)
		}
		attrs, err := chromedp.Run(ctx, chromedp.Attributes(chromedp.CSS(`[data-testid="question"]`)))
		if err != nil {
			t.Fatal(err)
		}
		return attrs["data-item"], attrs["data-kind"]
	}
	feedback := func() bool {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`[data-testid="feedback"]`))); err != nil {
			t.Fatal(err)
		}
		attrs, err := chromedp.Run(ctx, chromedp.Attributes(chromedp.CSS(`[data-testid="feedback"]`)))
		if err != nil {
			t.Fatal(err)
		}
		return attrs["data-correct"] == "true"
	}

	// Enter on the landing page starts (the Start button has focus).
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/drill?topic=job-vs-run"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="start"]`)),
		pressKey(kb.Enter),
	); err != nil {
		t.Fatal(err)
	}
	id, kind := item()
	if kind != "classify" {
		t.Fatalf("first item %s is %s", id, kind)
	}
	it, _ := bank.Item(id)
	if shots != "" {
		screenshot(t, ctx, shots, "drill-classify.png")
	}
	if err := chromedp.Do(ctx, pressKey(it.Key[:1])); err != nil { // j or r
		t.Fatal(err)
	}
	if !feedback() {
		t.Fatalf("pressing %q for %s was graded wrong", it.Key[:1], id)
	}
	if shots != "" {
		screenshot(t, ctx, shots, "drill-feedback.png")
	}
	if err := chromedp.Do(ctx, pressKey(kb.Enter)); err != nil {
		t.Fatal(err)
	}

	id2, kind2 := item()
	_, ep, _ := bank.Pair(it.Scenario)
	if id2 != ep.ID || kind2 != string(quiz.Endpoint) {
		t.Fatalf("second item %s (%s), want endpoint %s", id2, kind2, ep.ID)
	}
	// Find the key's digit on screen, then press it and Enter.
	n, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){
		for (const el of document.querySelectorAll('input[name="choice"]')) {
			if (el.value === `+strconv.Quote(ep.Key)+`) return el.dataset.n;
		}
		return "";
	})()`))
	if err != nil || n == "" {
		t.Fatalf("key %q not on screen (%v)", ep.Key, err)
	}
	if shots != "" {
		screenshot(t, ctx, shots, "drill-endpoint.png")
	}
	if err := chromedp.Do(ctx, pressKey(n), pressKey(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	if !feedback() {
		t.Fatalf("digit %s + Enter for %s was graded wrong", n, id2)
	}
	if err := chromedp.Do(ctx, pressKey(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	id3, _ := item()
	if id3 == id || id3 == id2 {
		t.Fatalf("third item %s repeats one answered", id3)
	}

	// Exactly two answers, both right: the feedback was rendered after
	// the store had them.
	if n := countAttempts(t, a.db, 1); n != 2 {
		t.Fatalf("%d attempts stored, want 2", n)
	}
	var right int
	_ = a.db.Attempts(context.Background(), 1, func(at quiz.Attempt) error {
		if at.Correct {
			right++
		}
		return nil
	})
	if right != 2 {
		t.Fatalf("%d of 2 answers right", right)
	}
	// The shortcuts panel opens with ?.
	if err := chromedp.Do(ctx, pressKey("?")); err != nil {
		t.Fatal(err)
	}
	open, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("shortcuts").open`))
	if err != nil || !open {
		t.Fatalf("? did not open the shortcuts (open=%v, err=%v)", open, err)
	}
}
