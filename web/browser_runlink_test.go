//go:build browser

package web_test

import (
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
