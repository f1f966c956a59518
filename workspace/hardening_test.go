package workspace

import (
	"encoding/base64"
	"hash/fnv"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestForgedPageTokens: page tokens are sealed with a key only the server
// knows. Tokens minted by a client (the old checksum scheme, whose
// constant was in the source), tokens from another workspace or another
// endpoint, and sealed tokens with out-of-range numbers are all a 400
// INVALID_PARAMETER_VALUE; none panics or reaches an array index.
func TestForgedPageTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	// The old scheme: base64("1|jg|n|<pos>|<job>|" + fnv checksum).
	mint := func(kind string, pos, obj int64) string {
		body := "1|" + kind + "|n|" + strconv.FormatInt(pos, 10) + "|" + strconv.FormatInt(obj, 10)
		h := fnv.New32a()
		h.Write([]byte("jobs-api-trainer:" + body))
		return base64.RawURLEncoding.EncodeToString([]byte(body + "|" + strconv.FormatUint(uint64(h.Sum32()), 36)))
	}
	// Sealed by the server's own key for workspace A, with a forged position.
	seal := func(kind string, pos, obj int64) string {
		ts := tokenSealer{aead: e.m.tokenAEAD, nonce: e.m.tokenNonce, scope: []byte("ws:learner-1")}
		return ts.seal(pageToken{kind: kind, dir: "n", pos: pos, obj: obj})
	}
	p1 := e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=102", nil)
	real := str(p1["next_page_token"])
	l1 := e.ok(tokA, "GET", "/api/2.2/jobs/list?limit=1", nil)
	realList := str(l1["next_page_token"])
	if real == "" || realList == "" {
		t.Fatal("fixtures should page")
	}
	huge := int64(1) << 62
	rid := num(e.ok(tokA, "POST", "/api/2.2/jobs/run-now", map[string]any{"job_id": 102})["run_id"])
	runGet := "/api/2.2/jobs/runs/get?run_id=" + strconv.FormatInt(rid, 10) + "&page_token="
	cases := []struct{ name, tok, path string }{
		{"minted old-style, huge page", tokA, "/api/2.2/jobs/get?job_id=102&page_token=" + mint("jg", huge, 102)},
		{"minted old-style runs/get", tokA, runGet + mint("rg", huge, rid)},
		{"sealed, huge page", tokA, "/api/2.2/jobs/get?job_id=102&page_token=" + seal("jg", huge, 102)},
		{"sealed, page 0", tokA, "/api/2.2/jobs/get?job_id=102&page_token=" + seal("jg", 0, 102)},
		{"sealed, runs/get huge page", tokA, runGet + seal("rg", huge, rid)},
		{"another workspace's jobs/get token", tokB, "/api/2.2/jobs/get?job_id=102&page_token=" + real},
		{"another workspace's list token", tokB, "/api/2.2/jobs/list?limit=1&page_token=" + realList},
		{"a jobs/get token on jobs/list", tokA, "/api/2.2/jobs/list?page_token=" + real},
		{"a list token on runs/list", tokA, "/api/2.2/jobs/runs/list?page_token=" + realList},
		{"a token with a flipped byte", tokA, "/api/2.2/jobs/get?job_id=102&page_token=" + flip(real)},
		{"a very long token", tokA, "/api/2.2/jobs/list?page_token=" + strings.Repeat("A", 5000)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out := e.call(c.tok, "GET", c.path, nil)
			if code != http.StatusBadRequest || out["error_code"] != "INVALID_PARAMETER_VALUE" || !strings.Contains(str(out["message"]), "page_token") {
				t.Fatalf("%d %v", code, out)
			}
		})
	}
	// The real token still works, for its own workspace.
	if p2 := e.ok(tokA, "GET", "/api/2.2/jobs/get?job_id=102&page_token="+real, nil); len(get(p2, "settings.tasks").([]any)) != 50 {
		t.Fatalf("second page: %v", p2)
	}
}

func flip(s string) string {
	b := []byte(s)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// TestPanicInRouteIsJSON500: a panic inside a route answers a
// Databricks-shaped JSON 500 with a request id, is reported once, and
// leaves the workspace usable (its lock released).
func TestPanicInRouteIsJSON500(t *testing.T) {
	t.Parallel()
	var reported []error
	clk := newClock()
	m, err := NewManager(Options{Now: clk.Now, TaskDuration: time.Second, Resolve: resolver, Fixtures: fixtures(t),
		OnError: func(err error) { reported = append(reported, err) }})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, m: m, clk: clk, h: m.Handler()}
	m.mux.Handle("GET /api/2.2/jobs/test-panic", m.route(func(*req) (any, error) {
		var tasks []int
		return tasks[7], nil // an index out of range, as a forged token once caused
	}, false, false, true))

	code, raw := e.raw(tokA, "GET", "/api/2.2/jobs/test-panic", nil)
	body := string(raw)
	if code != http.StatusInternalServerError || !strings.Contains(body, `"error_code":"INTERNAL_ERROR"`) || !strings.Contains(body, "Request id: ") {
		t.Fatalf("panic answered %d %s", code, body)
	}
	if len(reported) != 1 || !strings.Contains(reported[0].Error(), "index out of range") {
		t.Fatalf("reported %d errors: %v", len(reported), reported)
	}
	// The same workspace answers at once (a held lock would hang here).
	done := make(chan map[string]any, 1)
	go func() { _, out := e.call(tokA, "GET", "/api/2.2/jobs/list", nil); done <- out }()
	select {
	case out := <-done:
		if out["jobs"] == nil {
			t.Fatalf("jobs/list after the panic: %v", out)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the workspace stayed locked after a panic")
	}
}

// TestInvalidUTF8: a JSON body or query that is not UTF-8 is a 400
// MALFORMED_REQUEST and nothing is stored.
func TestInvalidUTF8(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil, true)
	before := e.ok(tokA, "GET", "/api/2.2/jobs/list?limit=100", nil)
	code, out := e.call(tokA, "POST", "/api/2.2/jobs/create", "{\"name\":\"bad \xff\xfe name\"}")
	if code != http.StatusBadRequest || out["error_code"] != "MALFORMED_REQUEST" {
		t.Fatalf("body: %d %v", code, out)
	}
	code, out = e.call(tokA, "GET", "/api/2.2/jobs/list?name=%ff", nil)
	if code != http.StatusBadRequest || out["error_code"] != "MALFORMED_REQUEST" {
		t.Fatalf("query: %d %v", code, out)
	}
	after := e.ok(tokA, "GET", "/api/2.2/jobs/list?limit=100", nil)
	if len(after["jobs"].([]any)) != len(before["jobs"].([]any)) {
		t.Fatal("a job was created from an invalid body")
	}
}
