//go:build browser

package web_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestBrowserLessonReveal(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/"),
		chromedp.Click(chromedp.CSS(`[data-testid="start-lesson"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="lesson"] #pagination`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	sel := `aside[data-testid="predict"] details.reveal`
	open, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('`+sel+`').open`))
	if err != nil || open {
		t.Fatalf("the first answer is revealed before the click (open=%v, err=%v)", open, err)
	}
	// The first click asks for a guess; the second opens the answer.
	if err := chromedp.Do(ctx,
		chromedp.ScrollIntoView(chromedp.CSS(sel+" summary")),
		chromedp.Click(chromedp.CSS(sel+" summary")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="predict-nudge"]`)),
	); err != nil {
		t.Fatal(err)
	}
	if open, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('`+sel+`').open`)); err != nil || open {
		t.Fatalf("the answer opened before a guess was asked for (open=%v, err=%v)", open, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(sel+" summary")),
		chromedp.WaitVisible(chromedp.CSS(sel+" > p")),
	); err != nil {
		t.Fatal(err)
	}
	answer, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel+" > p")))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(answer, "Answer") {
		t.Fatalf("revealed text %q", answer)
	}
	p := screenshot(t, ctx, t.TempDir(), "lesson.png")
	if st, err := os.Stat(p); err != nil || st.Size() < 10_000 {
		t.Fatalf("screenshot too small: %v %v", st, err)
	}
	if dir := os.Getenv("SCREENSHOT_DIR"); dir != "" {
		screenshot(t, ctx, dir, "lesson.png")
	}
}
