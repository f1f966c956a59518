//go:build browser

package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserPagesFitAPhone opens every main page 390px wide: none may be
// wider than the screen (tables, code, DAGs and long requests scroll or
// wrap inside their own boxes), and on the run picture the failed task of
// a run is on screen, not scrolled off to the right.
func TestBrowserPagesFitAPhone(t *testing.T) {
	a := newApp(t)
	ctx := newBrowser(t)
	dir := screenshotDir(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	pages := []struct{ path, ready string }{
		{"/", `[data-testid="start-lesson"]`},
		{"/lessons/jobs-api", `[data-testid="lesson"]`},
		{"/drill", `[data-testid="start"]`},
		{"/sandbox", `#picture [data-testid="run-picture"]`},
		{"/sandbox/picture", `[data-testid="run-picture"]`},
		{"/progress", `main h1`},
		{"/sandbox/challenges", `[data-testid="challenge-list"]`},
	}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			if err := chromedp.Do(ctx,
				chromedp.Navigate(a.srv.URL+p.path),
				chromedp.WaitVisible(chromedp.CSS(p.ready)),
			); err != nil {
				t.Fatal(err)
			}
			wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			if err != nil || wide > 390 {
				culprits, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391).slice(0, 5).map(e => e.tagName + '.' + e.className).join(', ')`))
				t.Errorf("%s is %dpx wide on a 390px phone (%v): %s", p.path, wide, err, culprits)
			}
			screenshot(t, ctx, dir, "phone"+strings.ReplaceAll(strings.TrimSuffix(p.path, "/"), "/", "-")+".png")
		})
	}

	// The fixture run whose quality_check failed: its failed task is on
	// screen, in the stacked layout, once scrolled to.
	failed := `[data-testid="pic-job-nightly-etl"] .pic-run.st-failed [data-stack-task="quality_check"]`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/sandbox/picture"),
		chromedp.WaitVisible(chromedp.CSS(failed)),
		chromedp.ScrollIntoView(chromedp.CSS(failed)),
	); err != nil {
		t.Fatal(err)
	}
	right, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector('`+failed+`').getBoundingClientRect().right`))
	if err != nil || right > 390 || right <= 0 {
		t.Errorf("the failed task ends at x=%v (%v): not on a 390px screen", right, err)
	}
	screenshot(t, ctx, dir, "phone-picture-failed-task.png")
}
