//go:build browser

package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserRunPageURLOpensTheRun: the run_page_url the API returns
// (<host>/?o=<id>#job/<job>/run/<run>) opens that run's runs/get in the
// console; its fragment never reaches the server, so app.js on the home
// page sends it on. A plain visit to / stays on the home page.
func TestBrowserRunPageURLOpensTheRun(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ctx := newBrowser(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/?o=900800700600#job/101/run/1013"),
		chromedp.WaitVisible(chromedp.CSS(`#call-panel`)),
	); err != nil {
		t.Fatal(err)
	}
	at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(at, "/sandbox?") || !strings.Contains(at, "ep=runs-get") || !strings.Contains(at, "p_run_id=1013") {
		t.Errorf("run_page_url led to %q, want the console's runs/get of run 1013", at)
	}
	// A visitor's console only fills the call in (sending would make them
	// a learner); a learner's sends it and shows the run, once: the
	// address loses send=1, so a reload only fills it in again.
	if got, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#result").classList.contains("result-empty")`)); err != nil || !got {
		t.Errorf("a visitor's run link sent the call (%v)", err)
	}
	pageFetch(t, ctx, "/sandbox/token", nil)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/sandbox?ep=runs-get"),
		chromedp.WaitVisible(chromedp.CSS(`#call-form`)),
	); err != nil {
		t.Fatal(err)
	}
	run, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#call-form select[name="p_run_id"] option[value]:not([value=""])').value`))
	if err != nil || run == "" {
		t.Fatalf("no run of the learner's workspace to open: %q (%v)", run, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/?o=900800700600#job/101/run/"+run),
		chromedp.WaitVisible(chromedp.CSS(`#result:not(.result-empty) [data-testid="response"]`)),
	); err != nil {
		t.Fatal(err)
	}
	res, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#result").innerText`))
	if err != nil || !strings.Contains(res, `"run_id": `+run) || !strings.Contains(res, "200 OK") {
		t.Errorf("the learner's run link shows %q (%v), want runs/get of run %s", res, err, run)
	}
	if at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`)); err != nil || strings.Contains(at, "send=") {
		t.Errorf("the address still asks to send: %q (%v)", at, err)
	}
	// The answer is on screen, on a laptop and on a phone: right under the
	// request, scrolled to (it came after five renderings, 1,800 px down).
	for _, w := range []int64{1280, phoneW} {
		if err := chromedp.Do(ctx,
			chromedp.EmulateViewport(w, phoneH),
			chromedp.Navigate(a.srv.URL+"/jobs/101/runs/"+run),
			chromedp.WaitVisible(chromedp.CSS(`#result:not(.result-empty) [data-testid="response-status"]`)),
		); err != nil {
			t.Fatal(err)
		}
		waitTrue(t, ctx, fmt.Sprintf("the answer on screen at %d px", w),
			`(() => { const r = document.querySelector('[data-testid="response-status"]').getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; })()`,
			`"the status is at " + Math.round(document.querySelector('[data-testid="response-status"]').getBoundingClientRect().top) + " of " + innerHeight`)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/#job/101"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="home-cards"]`)),
	); err != nil {
		t.Fatal(err)
	}
	if at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`)); err != nil || at != "/" {
		t.Errorf("a fragment that is not a run link left the home page for %q (%v)", at, err)
	}
}
