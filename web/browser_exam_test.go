//go:build browser

package web_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserExamKeyboard takes a 10-question exam in the browser: flags
// question 1 with f, goes on with n and back to it with p, answers it with
// its digit, submits from the confirm screen and reads the review, where
// the flagged question comes first with its explanation.
func TestBrowserExamKeyboard(t *testing.T) {
	a := newApp(t)
	bank := testBank(t)
	ctx := newBrowser(t)
	shots := os.Getenv("SCREENSHOT_DIR")
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	at := func(n int) chromedp.CSS {
		return css(`[data-testid="exam-question"][data-position="` + strconv.Itoa(n) + `"]`)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/exam"),
		chromedp.WaitVisible(css(`[data-testid="size-10"]`)),
		chromedp.Click(css(`[data-testid="size-10"]`)),
		chromedp.Click(css(`[data-testid="start-exam"]`)),
		chromedp.WaitVisible(at(1)),
	); err != nil {
		t.Fatal(err)
	}
	// The countdown runs: it shows m:ss below the 20 minutes it started at.
	left, err := chromedp.Run(ctx, chromedp.Text(css(`#countdown`)))
	if err != nil || !strings.HasPrefix(left, "19:") && left != "20:00" {
		t.Fatalf("countdown %q (%v)", left, err)
	}
	attrs, err := chromedp.Run(ctx, chromedp.Attributes(at(1)))
	if err != nil {
		t.Fatal(err)
	}
	it, ok := bank.Item(attrs["data-item"])
	if !ok {
		t.Fatalf("question 1 shows %q", attrs["data-item"])
	}

	// f flags (saved at once), n goes on, p comes back.
	if err := chromedp.Do(ctx,
		pressKey("f"),
		chromedp.WaitVisible(css(`[data-testid="nav-q-1"][data-state="flagged"]`)),
		pressKey("n"),
		chromedp.WaitVisible(at(2)),
		pressKey("p"),
		chromedp.WaitVisible(at(1)),
	); err != nil {
		t.Fatal(err)
	}
	if shots != "" {
		screenshot(t, ctx, shots, "exam-question.png")
	}
	// Answer with the keys' digits, then n saves and goes on.
	for _, key := range it.Answers() {
		n, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){
			for (const el of document.querySelectorAll('input[name="choice"]')) {
				if (el.value === `+strconv.Quote(key)+`) return el.dataset.n;
			}
			return "";
		})()`))
		if err != nil || n == "" {
			t.Fatalf("key %q not on screen (%v)", key, err)
		}
		if err := chromedp.Do(ctx, pressKey(n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx,
		pressKey("n"),
		chromedp.WaitVisible(at(2)),
		chromedp.WaitVisible(css(`[data-testid="nav-q-1"][data-state="flagged"]`)),
		chromedp.Click(css(`[data-testid="to-confirm"]`)),
		chromedp.WaitVisible(css(`[data-testid="confirm-flagged"]`)),
	); err != nil {
		t.Fatal(err)
	}
	if shots != "" {
		screenshot(t, ctx, shots, "exam-confirm.png")
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(css(`[data-testid="submit-exam"]`)),
		chromedp.WaitVisible(css(`[data-testid="review"]`)),
	); err != nil {
		t.Fatal(err)
	}
	if shots != "" {
		screenshot(t, ctx, shots, "exam-result.png")
	}
	first, err := chromedp.Run(ctx, chromedp.Attributes(css(`[data-testid="review-item"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if first["data-item"] != it.ID || first["data-flagged"] != "true" || first["data-right"] != "true" {
		t.Fatalf("first reviewed %+v, want %s flagged and right", first, it.ID)
	}
	expl, err := chromedp.Run(ctx, chromedp.Text(css(`[data-testid="review-item"] [data-testid="review-explanation"]`)))
	if err != nil || !strings.Contains(expl, strings.Fields(it.Explanation)[0]) {
		t.Fatalf("explanation %q (%v)", expl, err)
	}
	score, err := chromedp.Run(ctx, chromedp.Text(css(`[data-testid="score"]`)))
	if err != nil || score != "1 / 10" {
		t.Fatalf("score %q (%v)", score, err)
	}
	e, err := a.db.Exam(context.Background(), 1, 1)
	if err != nil || !e.Submitted() || !e.Questions[0].Flagged {
		t.Fatalf("stored exam %+v (%v)", e, err)
	}
}
