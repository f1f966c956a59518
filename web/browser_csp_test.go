//go:build browser

package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserCSPLetsHTMXWork: under the Content-Security-Policy, htmx
// loads with its config from the meta tag, injects no inline <style>, and
// a console send swaps its result in without any policy violation.
func TestBrowserCSPLetsHTMXWork(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	if err := chromedp.Do(ctx,
		chromedp.Navigate(a.srv.URL+"/sandbox"),
		chromedp.WaitVisible(css(`[data-testid="send"]`)),
	); err != nil {
		t.Fatal(err)
	}
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[typeof htmx, String(htmx.config.includeIndicatorStyles), String(document.querySelectorAll('style').length)].join(' ')`))
	if err != nil {
		t.Fatal(err)
	}
	if state != "object false 0" {
		t.Fatalf("htmx type, includeIndicatorStyles, <style> count = %q, want \"object false 0\"", state)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI)); true`)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(css(`[data-testid="send"]`)),
		chromedp.WaitVisible(css(`[data-testid="response-status"]`)),
	); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`window.__csp.join('; ')`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(got) != "" {
		t.Fatalf("CSP violations: %s", got)
	}
}
