//go:build browser

package web_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserConsoleSendRefreshesPicture sends run-now from the console
// form, then from the CLI box, and sees each new run appear in the run
// picture below without a reload (the send answers HX-Trigger:
// picture-changed, the picture reloads itself), then follow the run to its
// end by its own polling. The clock is the test's: the run stays active
// until the test moves it on, however slow the machine.
func TestBrowserConsoleSendRefreshesPicture(t *testing.T) {
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
	ctx := newBrowser(t)
	dir := screenshotDir(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	poll := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(30*time.Second))); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}

	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/sandbox?ep=run-now"),
		chromedp.WaitVisible(css(`#picture [data-testid="pic-job-nightly-etl"]`)),
	); err != nil {
		t.Fatal(err)
	}
	if got := eval(`document.querySelector('#picture [data-testid="run-picture"]').dataset.polling`); got != "false" {
		t.Fatalf("the fixtures' picture polls: %q", got)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__samePage = true`)); err != nil {
		t.Fatal(err)
	}

	// run-now from the form: its default body runs nightly-etl.
	if err := chromedp.Do(ctx,
		chromedp.Click(css(`[data-testid="send"]`)),
		chromedp.WaitVisible(css(`[data-testid="response-status"]`)),
	); err != nil {
		t.Fatal(err)
	}
	run := eval(`String(JSON.parse(document.querySelector('[data-testid="response-body"]').textContent).run_id)`)
	if _, err := strconv.ParseInt(run, 10, 64); err != nil {
		t.Fatalf("run-now gave run_id %q", run)
	}
	sel := `#picture [data-testid="pic-run-` + run + `"]`
	poll("the new run never appeared in the picture", `document.querySelector('`+sel+`') !== null`)
	if got := eval(`document.querySelector('#picture [data-testid="run-picture"]').dataset.polling`); got != "true" {
		t.Errorf("the picture does not poll while run %s is active: %q", run, got)
	}
	screenshot(t, ctx, dir, "console-picture-new-run.png")

	// The run ends on the test's clock; the picture's own polling shows it.
	clk.Advance(time.Hour)
	poll("the run never showed as failed", `document.querySelector('`+sel+`[data-state="failed"]') !== null`)
	poll("the picture kept polling", `document.querySelector('#picture [data-testid="run-picture"]').dataset.polling === "false"`)

	// The CLI box refreshes the picture the same way.
	etl := eval(`document.querySelector('#picture [data-testid="pic-job-nightly-etl"]').dataset.jobId`)
	if err := chromedp.Do(ctx,
		chromedp.SetValue(css(`#cli-line`), "databricks jobs run-now "+etl+" --no-wait"),
		chromedp.Click(css(`[data-testid="cli-run"]`)),
	); err != nil {
		t.Fatal(err)
	}
	poll("the CLI call got no result", `(document.querySelector('[data-testid="cli-parsed"] pre')||{textContent:''}).textContent.includes('run-now')`)
	cliRun := eval(`String(JSON.parse(document.querySelector('[data-testid="response-body"]').textContent).run_id)`)
	poll("the CLI's run never appeared in the picture", `document.querySelector('#picture [data-testid="pic-run-`+cliRun+`"]') !== null`)

	if same, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__samePage === true`)); err != nil || !same {
		t.Errorf("the page reloaded instead of updating the picture in place (%v)", err)
	}
	screenshot(t, ctx, dir, "console-picture-cli-run.png")
}
