//go:build browser

package web_test

import (
	"os"
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
	dir := os.Getenv("SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
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
	screenshot(t, ctx, dir, "sandbox-runs-get.png")

	// The same page on a phone.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844), chromedp.Navigate(a.srv.URL+"/sandbox?try=runs-get")); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, dir, "sandbox-phone.png")
}
