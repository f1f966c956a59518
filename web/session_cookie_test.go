package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestOneSessionCookiePerResponse: a handler that saves the session more
// than once (a visitor's first token creates the learner, stores the token
// and sets a flash; regenerating also revokes the old generation) sends
// one Set-Cookie for it, and the browser keeps the state of the last save.
func TestOneSessionCookiePerResponse(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	cookies := func(r resp) []string {
		var got []string
		for _, c := range r.header.Values("Set-Cookie") {
			if strings.HasPrefix(c, "trainer=") {
				got = append(got, c)
			}
		}
		return got
	}
	steps := []struct {
		name string
		path string
		form url.Values
	}{
		{"first token (new learner)", "/sandbox/token", nil},
		{"regenerated token", "/sandbox/token", url.Values{"confirm": {"yes"}}},
		{"workspace reset", "/sandbox/reset", url.Values{"confirm": {"yes"}}},
		{"live mode off", "/sandbox/live/off", nil},
		{"profile", "/me", url.Values{"display_name": {"Ada"}}},
	}
	for _, st := range steps {
		r := a.postForm(st.path, st.form)
		if r.status != http.StatusSeeOther {
			t.Fatalf("%s: %d", st.name, r.status)
		}
		if got := cookies(r); len(got) != 1 {
			t.Errorf("%s: %d session cookies, want 1: %q", st.name, len(got), got)
		}
		// The flash the last save carried arrives on the next page.
		if loc := r.header.Get("Location"); loc != "" {
			// (a new token's message is in the token panel the page opens at)
			if p := a.get(loc); p.status != http.StatusOK || p.text(`[data-testid="flash"], [data-testid="token-flash"]`) == "" {
				t.Errorf("%s: %s after the redirect: %d, flash %q", st.name, loc, p.status, p.text(`[data-testid="flash"]`))
			}
		}
	}
	// The host link sets the host's cookie once too.
	r := a.postForm("/workshops", url.Values{"title": {"Friday quiz"}, "count": {"3"}, "seconds": {"20"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("workshop: %d", r.status)
	}
	if got := cookies(a.get(r.header.Get("Location"))); len(got) != 1 {
		t.Errorf("host link: %d session cookies, want 1: %q", len(got), got)
	}
	// The token the page shows is the one the API accepts: the cookie kept
	// is the last save's.
	if code, _ := a.api(http.MethodGet, "/api/2.2/jobs/list", tokenFromPage(t, a), ""); code != http.StatusOK {
		t.Errorf("the page's token: jobs/list %d, want 200", code)
	}
}
