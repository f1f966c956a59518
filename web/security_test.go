package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/gorilla/sessions"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/web"
)

// sessionCookies is a copy of the client's cookies for the server.
func (a *app) sessionCookies() []*http.Cookie {
	a.t.Helper()
	u, _ := url.Parse(a.srv.URL)
	cs := a.c.Jar.Cookies(u)
	if len(cs) == 0 {
		a.t.Fatal("the client has no session cookie")
	}
	return cs
}

// withCookies is a new client of the same server holding only cs: a
// replayed (copied, stolen or backed-up) cookie.
func (a *app) withCookies(cs []*http.Cookie) *app {
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(a.srv.URL)
	jar.SetCookies(u, cs)
	return &app{t: a.t, db: a.db, srv: a.srv, c: &http.Client{Jar: jar, CheckRedirect: a.c.CheckRedirect}}
}

// cookieValues decodes the session cookie with the test keys: everything
// the cookie carries, as text.
func cookieValues(t *testing.T, cs []*http.Cookie) string {
	t.Helper()
	store := sessions.NewCookieStore(testKeys.auth, testKeys.enc)
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	for _, c := range cs {
		req.AddCookie(c)
	}
	s, err := store.Get(req, "trainer")
	if err != nil {
		t.Fatalf("decode the session cookie: %v", err)
	}
	return fmt.Sprint(s.Values)
}

// TestLiveOffRevokesOlderCookies: the PAT is never in the cookie; a cookie
// saved while live mode was on is refused once live mode is off (the
// replayer is a fresh visitor: not the learner, not live, and nothing goes
// to the live host); a restart forgets the PAT but not the learner.
func TestLiveOffRevokesOlderCookies(t *testing.T) {
	t.Parallel()
	remote := newLiveWorkspace(t)
	var hits atomic.Int64
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		remote.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(counting.Close)
	opts := testOpts{Web: web.Options{LiveAllowHosts: []string{strings.TrimPrefix(counting.URL, "http://")}}}
	a := newTestServer(t, opts)
	a.postForm("/me", url.Values{"display_name": {"Ada"}})
	if r := a.postForm("/sandbox/live", url.Values{"host": {counting.URL}, "token": {livePAT}}); r.status != http.StatusSeeOther {
		t.Fatalf("live on: %d %s", r.status, r.text(`[data-testid="live-error"]`))
	}
	saved := a.sessionCookies()
	if v := cookieValues(t, saved); strings.Contains(v, livePAT) || strings.Contains(v, livePAT[4:20]) {
		t.Fatalf("the session cookie carries the PAT: %s", v)
	}
	// While live mode is on, the same session is live.
	if a.withCookies(saved).get("/sandbox").doc().Find(`[data-testid="live-off"]`).Length() != 1 {
		t.Fatal("live mode is not on for the session")
	}

	if r := a.postForm("/sandbox/live/off", nil); r.status != http.StatusSeeOther {
		t.Fatalf("live off: %d", r.status)
	}
	replay := a.withCookies(saved)
	page := replay.get("/sandbox")
	if page.doc().Find(`[data-testid="live-off"]`).Length() != 0 || strings.Contains(page.body, counting.URL) {
		t.Error("a cookie saved in live mode is still live after live off")
	}
	if got := replay.get("/me").text(`[data-testid="nav-me"]`); got == "Ada" {
		t.Error("a cookie saved in live mode still opens the learner's session after live off")
	}
	before := hits.Load()
	replay.postForm("/sandbox/send", url.Values{"ep": {"jobs-list"}})
	if hits.Load() != before {
		t.Error("a replayed cookie sent a call to the live workspace")
	}
	// This browser carries on, as Ada, in the sandbox.
	if got := a.get("/me").text(`[data-testid="nav-me"]`); got != "Ada" {
		t.Errorf("after live off the learner is %q, want Ada", got)
	}

	// Live again, then a restart: the learner stays, the PAT is gone.
	a.postForm("/sandbox/live", url.Values{"host": {counting.URL}, "token": {livePAT}})
	cur := a.sessionCookies()
	restarted := newTestServer(t, testOpts{DB: a.db, Web: opts.Web})
	u, _ := url.Parse(restarted.srv.URL)
	for _, c := range cur {
		restarted.c.Jar.SetCookies(u, []*http.Cookie{{Name: c.Name, Value: c.Value, Path: "/"}})
	}
	p := restarted.get("/sandbox")
	if p.doc().Find(`[data-testid="live-off"]`).Length() != 0 {
		t.Error("live mode survived a restart: the PAT was kept somewhere")
	}
	if got := p.text(`[data-testid="nav-me"]`); got != "Ada" {
		t.Errorf("after a restart the learner is %q, want Ada", got)
	}
}

// TestTokenRegenerationRevokesOlderCookies: a cookie copied before the
// sandbox token was regenerated no longer opens the session (it held the
// old token), while this browser carries on with the new token.
func TestTokenRegenerationRevokesOlderCookies(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.postForm("/me", url.Values{"display_name": {"Ada"}})
	old := tokenFromPage(t, a)
	saved := a.sessionCookies()
	if r := a.postForm("/sandbox/token", url.Values{"confirm": {"yes"}}); r.status != http.StatusSeeOther {
		t.Fatalf("regenerate: %d", r.status)
	}
	replay := a.withCookies(saved)
	if got := replay.get("/me").text(`[data-testid="nav-me"]`); got == "Ada" {
		t.Error("a cookie from before the regeneration still opens the session")
	}
	if strings.Contains(replay.get("/sandbox").body, old) {
		t.Error("a cookie from before the regeneration still shows the old token")
	}
	if got := a.get("/me").text(`[data-testid="nav-me"]`); got != "Ada" {
		t.Errorf("after regenerating the learner is %q, want Ada", got)
	}
	if tok := tokenFromPage(t, a); tok == old {
		t.Error("the token did not change")
	}
	if status, _ := a.api("GET", "/api/2.2/jobs/list", old, ""); status != http.StatusForbidden {
		t.Errorf("the old token answers %d, want 403", status)
	}
}

// echoPAT is a "live workspace" that echoes the Authorization header
// everywhere it can: in a header and an error body (jobs/list), and at
// the end of a body longer than the history keeps, so the cut falls in
// the middle of the token (jobs/get).
func echoPAT(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("X-Echo-Authorization", auth)
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/jobs/get") {
			pad := strings.Repeat("x", store.MaxSandboxResponse-20)
			fmt.Fprintf(w, `{"pad":"%s%s"}`, pad, auth)
			return
		}
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprintf(w, `{"error_code":"PERMISSION_DENIED","message":"Bad credentials: %s (token %s)"}`, auth, url.QueryEscape(strings.TrimPrefix(auth, "Bearer ")))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestLivePATIsScrubbedFromHistoryAndPage: whatever the live workspace
// echoes, the PAT reaches neither the saved call history (SQLite) nor any
// page; the masked form stands in its place.
func TestLivePATIsScrubbedFromHistoryAndPage(t *testing.T) {
	t.Parallel()
	echo := echoPAT(t)
	a := newTestServer(t, testOpts{Web: web.Options{LiveAllowHosts: []string{strings.TrimPrefix(echo.URL, "http://")}}})
	if r := a.postForm("/sandbox/live", url.Values{"host": {echo.URL}, "token": {livePAT}}); r.status != http.StatusSeeOther {
		t.Fatalf("live on: %d %s", r.status, r.text(`[data-testid="live-error"]`))
	}
	leaks := func(where, s string) {
		t.Helper()
		if strings.Contains(s, livePAT) || strings.Contains(s, livePAT[:12]) {
			t.Errorf("the PAT is in %s", where)
		}
	}
	list := a.send("/sandbox/send", url.Values{"ep": {"jobs-list"}})
	if got := list.text(`[data-testid="response-status"]`); !strings.HasPrefix(got, "403") {
		t.Fatalf("echo jobs/list: %q", got)
	}
	if !strings.Contains(list.text(`[data-testid="response-body"]`), "dapi…live") {
		t.Errorf("the masked token does not stand in for the echoed one: %s", list.text(`[data-testid="response-body"]`))
	}
	leaks("the page of an echoing error", list.body)

	get := a.send("/sandbox/send", url.Values{"ep": {"jobs-get"}, "p_job_id_other": {"1"}})
	leaks("the page of a body cut mid-token", get.body)
	leaks("the sandbox page with its history", a.get("/sandbox").body)
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(a.db.Path() + suffix)
		if err != nil && suffix == "" {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(livePAT)) || bytes.Contains(b, []byte(livePAT[:12])) {
			t.Errorf("the PAT is in the database file%s", suffix)
		}
	}
	// Shown again from the history, with live mode off, still nothing.
	calls, err := a.db.SandboxCalls(t.Context(), 1, 10)
	if err != nil || len(calls) != 2 {
		t.Fatalf("history: %d calls, %v", len(calls), err)
	}
	a.postForm("/sandbox/live/off", nil)
	for _, c := range calls {
		leaks(fmt.Sprintf("call %d shown from the history", c.ID), a.get(fmt.Sprintf("/sandbox?call=%d", c.ID)).body)
	}
}

// routePattern is one route line of routes.go.
var routePattern = regexp.MustCompile(`(?m)^\s*(?:pages|root)\.Handle(?:Func)?\("(?:([A-Z]+) )?([^"]+)"`)

// TestSecurityHeadersOnEveryRoute walks every route in routes.go (plus
// the API, a static file, a 404 and a 405) and checks the security headers
// on each answer, whoever wrote it.
func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := tokenFromPage(t, a)
	css, _ := a.get("/").doc().Find(`link[rel="stylesheet"]`).First().Attr("href")
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatal(err)
	}
	fill := strings.NewReplacer("{slug}", "jobs-api", "{showing}", "x", "{$}", "")
	type req struct{ method, path, token string }
	var reqs []req
	for _, m := range routePattern.FindAllStringSubmatch(string(src), -1) {
		method, path := m[1], m[2]
		if method == "" {
			method = http.MethodGet
		}
		switch {
		case path == "/":
			path = "/no/such/page"
		case path == "/static/":
			path = css
		case strings.HasPrefix(path, "/sandbox/challenges/{id}"):
			path = strings.Replace(path, "{id}", "repair-failed-task", 1)
		}
		path = strings.Replace(fill.Replace(path), "{id}", "1", 1)
		reqs = append(reqs, req{method, path, ""})
	}
	if len(reqs) < 25 {
		t.Fatalf("found only %d routes in routes.go", len(reqs))
	}
	reqs = append(reqs,
		req{"GET", "/api/2.2/jobs/list", tok},
		req{"GET", "/api/2.2/jobs/list", ""},  // 403
		req{"POST", "/api/2.2/jobs/get", tok}, // 405
		req{"GET", "/api/2.2/nope", tok},
		req{"DELETE", "/me", ""}, // 405
		req{"GET", "/static/x/nope.js", ""},
	)
	for _, rq := range reqs {
		t.Run(rq.method+" "+rq.path, func(t *testing.T) {
			r, _ := http.NewRequest(rq.method, a.srv.URL+rq.path, nil)
			if rq.method == http.MethodPost {
				r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			if rq.token != "" {
				r.Header.Set("Authorization", "Bearer "+rq.token)
			}
			res := a.do(r)
			h := res.header
			csp := h.Get("Content-Security-Policy")
			if !regexp.MustCompile(`(^|; )script-src 'self'(;|$)`).MatchString(csp) || !strings.Contains(csp, "frame-ancestors 'none'") ||
				!strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("%d: Content-Security-Policy %q", res.status, csp)
			}
			if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("%d: X-Content-Type-Options %q", res.status, got)
			}
			if got := h.Get("Referrer-Policy"); got != "same-origin" {
				t.Errorf("%d: Referrer-Policy %q", res.status, got)
			}
		})
	}
}

// TestPagesCarryNoInlineScript: under script-src 'self', inline script
// would not run, so no page may rely on any: every <script> has a src and
// no body, no element has an on* handler or a javascript: URL, and no
// <style> element is needed (htmx's is switched off in its config).
func TestPagesCarryNoInlineScript(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tokenFromPage(t, a)
	a.send("/sandbox/send", url.Values{"ep": {"jobs-list"}}) // a result and a history
	pages := append([]string{"/sandbox?call=1"}, visitorPages...)
	for _, p := range pages {
		r := a.get(p)
		if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
			continue
		}
		r.doc().Find("script").Each(func(_ int, s *goquery.Selection) {
			if _, ok := s.Attr("src"); !ok || strings.TrimSpace(s.Text()) != "" {
				t.Errorf("%s: inline <script>: %s", p, s.Text())
			}
		})
		if n := r.doc().Find("style").Length(); n != 0 {
			t.Errorf("%s: %d <style> elements", p, n)
		}
		r.doc().Find("*").Each(func(_ int, s *goquery.Selection) {
			for _, at := range s.Nodes[0].Attr {
				if strings.HasPrefix(strings.ToLower(at.Key), "on") || strings.HasPrefix(strings.ToLower(strings.TrimSpace(at.Val)), "javascript:") ||
					strings.HasPrefix(at.Key, "hx-on") || (at.Key == "hx-vals" && strings.HasPrefix(strings.TrimSpace(at.Val), "js:")) {
					t.Errorf("%s: <%s %s=%q> needs inline script", p, goquery.NodeName(s), at.Key, at.Val)
				}
			}
		})
		if cfg := r.doc().Find(`meta[name="htmx-config"]`).AttrOr("content", ""); !strings.Contains(cfg, `"includeIndicatorStyles":false`) {
			t.Errorf("%s: htmx-config %q leaves htmx's inline <style> on", p, cfg)
		}
	}
}

// TestCrossOriginRefusalIsShaped: a cross-site state change is refused
// with a Databricks-shaped JSON error on /api and the styled error page
// elsewhere.
func TestCrossOriginRefusalIsShaped(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := tokenFromPage(t, a)

	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/api/2.2/jobs/create", strings.NewReader(`{"name":"x"}`))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	r := a.do(req)
	var body struct {
		Code    string `json:"error_code"`
		Message string `json:"message"`
	}
	if r.status != http.StatusForbidden || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") ||
		json.Unmarshal([]byte(r.body), &body) != nil || body.Code != "PERMISSION_DENIED" || body.Message == "" {
		t.Errorf("cross-site API call: %d %q %s", r.status, r.header.Get("Content-Type"), r.body)
	}

	for _, htmx := range []bool{false, true} {
		req, _ = http.NewRequest(http.MethodPost, a.srv.URL+"/me", strings.NewReader("display_name=Eve"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "https://evil.example")
		if htmx {
			req.Header.Set("HX-Request", "true")
		}
		r = a.do(req)
		if r.status != http.StatusForbidden || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") ||
			r.doc().Find(`[data-testid="error"]`).Length() != 1 {
			t.Errorf("cross-site form (htmx %v): %d %q %s", htmx, r.status, r.header.Get("Content-Type"), r.body)
		}
	}
	if got := a.get("/me").text(`[data-testid="nav-me"]`); got == "Eve" {
		t.Error("the refused post changed the name")
	}
}

// TestProxyHeadersTrustedOnlyWithTheFlag: X-Forwarded-Proto makes cookies
// Secure and links https, and X-Forwarded-Host names the links' host, only
// when the server is told a proxy sets them.
func TestProxyHeadersTrustedOnlyWithTheFlag(t *testing.T) {
	t.Parallel()
	for _, trust := range []bool{false, true} {
		t.Run(fmt.Sprintf("trust=%v", trust), func(t *testing.T) {
			a := newTestServer(t, testOpts{TrustProxy: trust})
			do := func(method, path string, cookies []*http.Cookie) *http.Response {
				t.Helper()
				req, _ := http.NewRequest(method, a.srv.URL+path, nil)
				req.Header.Set("X-Forwarded-Proto", "https")
				req.Header.Set("X-Forwarded-Host", "jobs.example.org")
				for _, c := range cookies {
					req.AddCookie(c)
				}
				res, err := http.DefaultTransport.RoundTrip(req)
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			res := do(http.MethodPost, "/sandbox/token", nil)
			res.Body.Close()
			if got := strings.Contains(res.Header.Get("Set-Cookie"), "Secure"); got != trust {
				t.Errorf("Secure cookie = %v, want %v: %q", got, trust, res.Header.Get("Set-Cookie"))
			}
			page := do(http.MethodGet, "/sandbox", res.Cookies())
			doc, _ := goquery.NewDocumentFromReader(page.Body)
			page.Body.Close()
			want := map[bool]string{false: strings.Replace(a.srv.URL, "https://", "http://", 1), true: "https://jobs.example.org"}[trust]
			if got := doc.Find(`[data-testid="env-snippet"]`).Text(); !strings.Contains(got, "DATABRICKS_HOST="+want) {
				t.Errorf("snippet %q, want DATABRICKS_HOST=%s…", got, want)
			}
			wk := do(http.MethodGet, "/.well-known/databricks-config", nil)
			var cfg struct {
				OIDC string `json:"oidc_endpoint"`
			}
			_ = json.NewDecoder(wk.Body).Decode(&cfg)
			wk.Body.Close()
			if !strings.HasPrefix(cfg.OIDC, want) {
				t.Errorf("oidc_endpoint %q, want %s…", cfg.OIDC, want)
			}
		})
	}
}

// TestCachedCookieStillRevoked: a cookie value served many times (so its
// decoded form is cached) is refused as soon as its learner's session
// generation moves on, and a tampered copy never opens the session.
func TestCachedCookieStillRevoked(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	a.postForm("/me", url.Values{"display_name": {"Ada"}})
	tokenFromPage(t, a) // a first token: regenerating it below revokes
	saved := a.sessionCookies()
	replay := a.withCookies(saved)
	for range 3 {
		if got := replay.get("/me").text(`[data-testid="nav-me"]`); got != "Ada" {
			t.Fatalf("the saved cookie opens %q, want Ada", got)
		}
	}
	tampered := make([]*http.Cookie, len(saved))
	for i, c := range saved {
		cp := *c
		b := []byte(cp.Value)
		b[len(b)/2] ^= 1
		cp.Value = string(b)
		tampered[i] = &cp
	}
	if got := a.withCookies(tampered).get("/me").text(`[data-testid="nav-me"]`); got == "Ada" {
		t.Error("a tampered cookie opens the session")
	}
	if r := a.postForm("/sandbox/token", url.Values{"confirm": {"yes"}}); r.status != http.StatusSeeOther {
		t.Fatalf("regenerate: %d", r.status)
	}
	if got := replay.get("/me").text(`[data-testid="nav-me"]`); got == "Ada" {
		t.Error("a cached cookie from before the regeneration still opens the session")
	}
	if got := a.get("/me").text(`[data-testid="nav-me"]`); got != "Ada" {
		t.Errorf("this browser is %q after regenerating, want Ada", got)
	}
}
