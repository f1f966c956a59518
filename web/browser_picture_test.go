//go:build browser

package web_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserPictureUpdatesItself triggers a run through the API and
// watches the open picture follow it to the end without a reload, then
// stop polling.
func TestBrowserPictureUpdatesItself(t *testing.T) {
	// The server and its emulator share one fake clock that only the test
	// moves: the run stays active however long Chromium takes to load the
	// page, and ends when the test says so.
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, TaskDuration: time.Second})
	ctx := newBrowser(t)

	openSandboxWithToken(t, ctx, a.srv.URL)
	snippet, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid="env-snippet"]').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	_, tok, ok := strings.Cut(strings.TrimSpace(snippet), "DATABRICKS_TOKEN=")
	if !ok {
		t.Fatalf("no token in %q", snippet)
	}
	tok = strings.TrimSpace(tok)
	etl := a.picJobID(tok, "nightly-etl")
	// A slow ingest (10 task durations): the run fails at quality_check
	// once the clock has moved past its end.
	_, body := a.api("POST", "/api/2.2/jobs/run-now", tok,
		`{"job_id":`+strconv.FormatInt(etl, 10)+`,"job_parameters":{"simulate_ingest":"slow"}}`)
	run := strconv.FormatInt(picRunID(t, body), 10)
	sel := `[data-testid="pic-run-` + run + `"]`
	attr := func(sel, name string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(sel), name))
		if err != nil {
			t.Fatal(err)
		}
		return v.Value
	}

	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/sandbox/picture"),
		chromedp.WaitVisible(chromedp.CSS(sel)),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__samePage = true`)); err != nil {
		t.Fatal(err)
	}
	if polling, state := attr(`[data-testid="run-picture"]`, "data-polling"), attr(sel, "data-state"); polling != "true" || !slices.Contains([]string{"queued", "pending", "blocked", "running"}, state) {
		t.Fatalf("just triggered: polling=%q state=%q, want polling and an active state", polling, state)
	}
	dir := screenshotDir(t)
	screenshot(t, ctx, dir, "picture-active.png")

	// Past the run's end: the open page, polling every 2s, must show it
	// failed and stop polling by itself.
	clk.Advance(time.Hour)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('`+sel+`[data-state="failed"]') !== null`,
		chromedp.WithPollingTimeout(40*time.Second))); err != nil {
		t.Fatalf("the run never showed as failed: %v", err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('[data-testid="run-picture"]').dataset.polling === "false"`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the picture kept polling: %v", err)
	}
	same, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__samePage === true`))
	if err != nil || !same {
		t.Errorf("the page reloaded instead of updating the picture in place (%v)", err)
	}
	if got := attr(sel+` [data-task="quality_check"]`, "data-state"); got != "failed" {
		t.Errorf("quality_check: %q", got)
	}
	screenshot(t, ctx, dir, "picture-done.png")

	// Repair it: the picture (reloaded, nothing is active) shows the repair
	// badge and the failed attempt it replaced.
	if st, body := a.api("POST", "/api/2.2/jobs/runs/repair", tok, `{"run_id":`+run+`,"rerun_tasks":["quality_check"]}`); st != 200 {
		t.Fatalf("repair: %d %v", st, body)
	}
	clk.Advance(time.Hour) // past the repair's end
	if err := chromedp.Do(ctx, chromedp.Navigate(a.srv.URL+"/sandbox/picture")); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('`+sel+`[data-state="succeeded"] [data-testid="earlier-attempt"][data-earlier-task="quality_check"]') !== null`,
		chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		t.Fatalf("the repair never showed: %v", err)
	}
	// SVG text has no innerText: read textContent.
	badge, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('`+sel+` [data-task="quality_check"] [data-testid="node-badge"]').textContent`))
	if err != nil || badge != "repair 1 · before: failed" {
		t.Errorf("badge %q %v", badge, err)
	}
	screenshot(t, ctx, dir, "picture-repaired.png")
	// On a phone the picture fits: the DAGs scroll inside their boxes.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(a.srv.URL+"/sandbox/picture"), chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		t.Fatal(err)
	}
	if wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)); err != nil || wide > 390 {
		t.Errorf("the phone picture is %dpx wide (%v)", wide, err)
	}
	screenshot(t, ctx, dir, "picture-phone.png")

	// Clicking the run opens runs/get in the console with that run filled in.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel+` a.pic-run-id`)), chromedp.WaitVisible(chromedp.CSS(`#call-form`))); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#call-form input[name="ep"]').value + ' ' + (document.querySelector('[data-testid="param-run_id"]').value || document.querySelector('[data-testid="param-run_id-other"]').value)`))
	if err != nil || got != "runs-get "+run {
		t.Errorf("the run link opened %q (%v), want runs-get %s", got, err, run)
	}
}
