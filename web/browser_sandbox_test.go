//go:build browser

package web_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserSandboxConsole picks runs/list, sends it, follows a run_id
// link and sees runs/get's result, with htmx doing the swaps.
func TestBrowserSandboxConsole(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	dir := screenshotDir(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/sandbox"),
		chromedp.WaitVisible(css(`[data-testid="ep-runs-list"]`)),
		chromedp.Click(css(`[data-testid="ep-runs-list"]`)),
		chromedp.WaitVisible(css(`[data-testid="param-active_only"]`)),
		chromedp.Click(css(`[data-testid="send"]`)),
		chromedp.WaitVisible(css(`[data-testid="response-status"]`)),
	); err != nil {
		t.Fatal(err)
	}
	reqLine, err := chromedp.Run(ctx, chromedp.Text(css(`[data-testid="request-line"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(reqLine, "GET /api/2.2/jobs/runs/list") {
		t.Fatalf("request line %q", reqLine)
	}
	screenshot(t, ctx, dir, "sandbox-runs-list.png")

	link := `[data-testid="response-body"] a.id-link[href*="ep=runs-get&"]`
	if err := chromedp.Do(ctx,
		chromedp.ScrollIntoView(css(link)),
		chromedp.Click(css(link)),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
		`(document.querySelector('[data-testid="request-line"]')||{textContent:''}).textContent.includes('/runs/get?')`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("runs/get never shown: %v", err)
	}
	status, err := chromedp.Run(ctx, chromedp.Text(css(`[data-testid="response-status"]`)))
	if err != nil {
		t.Fatal(err)
	}
	body, err := chromedp.Run(ctx, chromedp.Text(css(`[data-testid="response-body"]`)))
	if err != nil {
		t.Fatal(err)
	}
	if status != "200 OK" || !strings.Contains(body, `"tasks"`) || !strings.Contains(body, `"life_cycle_state"`) {
		t.Fatalf("runs/get result: %s\n%s", status, body)
	}
	ep, err := chromedp.Run(ctx, chromedp.AttributeValue(css(`#call-form input[name="ep"]`), "value"))
	if err != nil {
		t.Fatal(err)
	}
	if ep.Value != "runs-get" {
		t.Errorf("form shows %q after following the link, want runs-get", ep.Value)
	}
	// The picker's mark follows the form.
	current, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('[data-testid="endpoint-picker"] a[aria-current="true"]')].map(a => a.dataset.testid).join(',')`))
	if err != nil || current != "ep-runs-get" {
		t.Errorf("picker marks %q (%v), want ep-runs-get", current, err)
	}
	screenshot(t, ctx, dir, "sandbox-runs-get.png")

	// The CLI box: the legacy --job-id on jobs get runs with a truthful note,
	// and the result shows the 0.x form labelled as rejected today.
	jobID, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="response-body"] a.id-link[href*="ep=jobs-get"]').textContent`))
	if err != nil || jobID == "" {
		t.Fatalf("no job_id link in runs/get: %q %v", jobID, err)
	}
	cliRun := func(line string) {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.ScrollIntoView(css(`#cli-line`)),
			chromedp.SetValue(css(`#cli-line`), line),
			chromedp.Click(css(`[data-testid="cli-run"]`)),
		); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Poll[bool](
			`(document.querySelector('[data-testid="cli-parsed"] pre')||{textContent:''}).textContent === `+strconvQuote(line),
			chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			t.Fatalf("%s: no result: %v", line, err)
		}
	}
	cliRun("databricks jobs get --job-id " + jobID)
	note, err := chromedp.Run(ctx, chromedp.Text(css(`[data-testid="cli-note"]`)))
	if err != nil || !strings.Contains(note, "CLI v1.12 takes the job ID positionally") {
		t.Errorf("legacy note %q %v", note, err)
	}
	legacy, err := chromedp.Run(ctx, chromedp.Text(css(`[data-testid="render-cli-legacy"]`)))
	if err != nil || legacy != "databricks jobs get --job-id "+jobID {
		t.Errorf("legacy rendering %q %v", legacy, err)
	}
	screenshot(t, ctx, dir, "sandbox-cli-legacy.png")

	// The same page on a phone.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(a.srv.URL+"/sandbox?try=runs-get")); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, dir, "sandbox-phone.png")
	cliRun("databricks jobs list-runs --job-id " + jobID + " --limit 2")
	notes, err := chromedp.Run(ctx, chromedp.Evaluate[int](`[...document.querySelectorAll('[data-testid="cli-note"]')].filter(n => n.textContent.includes('--limit')).length`))
	if err != nil || notes != 1 {
		t.Errorf("%d --limit notes (%v), want 1", notes, err)
	}
	// Nothing on the phone page is wider than the screen (the DAGs and
	// code blocks scroll inside their own boxes).
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || wide > 390 {
		t.Errorf("the phone page is %dpx wide (%v)", wide, err)
	}
	screenshot(t, ctx, dir, "sandbox-phone-cli.png")
}

func strconvQuote(s string) string { return strconv.Quote(s) }
