package web_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// postFrom posts a form as a client at address addr (X-Forwarded-For,
// believed with -trust-proxy), with extra headers.
func (a *app) postFrom(addr, path string, v url.Values, hdr map[string]string) resp {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	for k, val := range hdr {
		req.Header.Set(k, val)
	}
	return a.do(req)
}

// TestNewcomerLimit: one address may create 100 learners at once (a
// workshop room of 60 phones behind one NAT joins, with room to spare),
// then one every 6 seconds; past that a visitor without a cookie gets a
// 429 that says when to retry, as a page, an htmx message above the page
// or JSON, and nothing is stored. Learners with a cookie, and other
// addresses, are not affected.
func TestNewcomerLimit(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	host := newTestServer(t, testOpts{Now: clk.Now, TrustProxy: true})
	const venue, elsewhere = "203.0.113.7", "198.51.100.9"
	items := wsItems(t)
	_, code := host.createWorkshop(url.Values{"title": {"Room"}, "items": {items[0].ID}, "count": {"1"}, "seconds": {"20"}, "scoring": {"speed"}})
	// The room: 60 phones, one address, each its own new learner.
	for i := range 60 {
		phone := host.otherLearner()
		if r := phone.postFrom(venue, "/join", url.Values{"code": {code}, "name": {"phone " + string(rune('A'+i%26)) + strings.Repeat("x", i/26)}}, nil); r.status != http.StatusSeeOther {
			t.Fatalf("phone %d joins: %d %s", i, r.status, r.text("h1"))
		}
	}
	// Late arrivals and second browsers use up the rest of the burst.
	for i := range 40 {
		if r := host.otherLearner().postFrom(venue, "/sandbox/live/off", nil, nil); r.status != http.StatusSeeOther {
			t.Fatalf("newcomer %d: %d", 61+i, r.status)
		}
	}
	refused := host.otherLearner().postFrom(venue, "/sandbox/token", nil, nil)
	if refused.status != http.StatusTooManyRequests || refused.header.Get("Retry-After") != "6" ||
		!strings.Contains(refused.body, "Too many new visitors") || !strings.Contains(refused.body, "wait 6 seconds") {
		t.Fatalf("101st newcomer: %d, Retry-After %q, body %q", refused.status, refused.header.Get("Retry-After"), refused.text("main"))
	}
	hx := host.otherLearner().postFrom(venue, "/sandbox/send", url.Values{"endpoint": {"jobs/list"}}, map[string]string{"HX-Request": "true"})
	if hx.status != http.StatusTooManyRequests || hx.header.Get("HX-Reswap") != "afterbegin show:top" {
		t.Errorf("htmx newcomer: %d, HX-Reswap %q; want 429 shown above the form", hx.status, hx.header.Get("HX-Reswap"))
	}
	js := host.otherLearner().postFrom(venue, "/drill/sessions", nil, map[string]string{"Accept": "application/json"})
	var body struct{ ErrorCode, Message string }
	_ = json.Unmarshal([]byte(js.body), &struct {
		ErrorCode *string `json:"error_code"`
		Message   *string `json:"message"`
	}{&body.ErrorCode, &body.Message})
	if js.status != http.StatusTooManyRequests || body.ErrorCode != "REQUEST_LIMIT_EXCEEDED" || !strings.Contains(body.Message, "wait") {
		t.Errorf("JSON newcomer: %d %q", js.status, js.body)
	}
	for _, r := range []resp{refused, hx, js} {
		if c := r.header.Get("Set-Cookie"); c != "" {
			t.Errorf("a refused newcomer got a cookie (a learner was stored): %q", c)
		}
	}
	// Learners with a cookie are never limited, at the venue's address
	// or anywhere.
	for range 5 {
		if r := host.postFrom(venue, "/sandbox/live/off", nil, nil); r.status != http.StatusSeeOther {
			t.Fatalf("the host, with a cookie: %d", r.status)
		}
	}
	// Another address has its own budget.
	if r := host.otherLearner().postFrom(elsewhere, "/sandbox/live/off", nil, nil); r.status != http.StatusSeeOther {
		t.Errorf("a newcomer from another address: %d", r.status)
	}
	// Six seconds later one more newcomer from the venue gets in.
	clk.Advance(6 * time.Second)
	if r := host.otherLearner().postFrom(venue, "/sandbox/token", nil, nil); r.status != http.StatusSeeOther {
		t.Errorf("a newcomer after the wait: %d", r.status)
	}
	if r := host.otherLearner().postFrom(venue, "/sandbox/token", nil, nil); r.status != http.StatusTooManyRequests {
		t.Errorf("the next one: %d, want 429", r.status)
	}
}
