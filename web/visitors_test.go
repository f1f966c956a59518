package web_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/store"
)

// visitorPages is every GET page a visitor can open (the routes in
// routes.go with their parameters filled in), plus a few query forms that
// take other paths through the handlers.
var visitorPages = []string{
	"/",
	"/me",
	"/lessons/jobs-api",
	"/drill",
	"/drill?topic=job-vs-run",
	"/drill/items",
	"/drill/items?topic=pagination",
	"/drill/s/1",
	"/drill/s/1/feedback/x",
	"/sandbox",
	"/sandbox?try=pagination",
	"/sandbox?ep=jobs-get",
	"/sandbox?call=1",
	"/sandbox/fidelity",
	"/sandbox/picture",
	"/sandbox/challenges",
	"/sandbox/challenges/repair-failed-task",
	"/progress",
	"/progress/export.csv",
	"/exam",
	"/workshops",
}

// dbBytes is the database's size on disk, write-ahead log included.
func dbBytes(t *testing.T, db *store.DB) int64 {
	t.Helper()
	var n int64
	for _, suffix := range []string{"", "-wal"} {
		fi, err := os.Stat(db.Path() + suffix)
		if err != nil {
			if suffix != "" && errors.Is(err, os.ErrNotExist) {
				continue
			}
			t.Fatal(err)
		}
		n += fi.Size()
	}
	return n
}

// TestCookielessVisitsStoreNothing: visitors without a cookie opening
// every page (the sandbox, its picture and challenges included; 10 rounds,
// 200 with E2E=1 as in .ci/run) create no learner, token or workspace: the
// database grows by less than 250 bytes a visit (1 MB for 200 rounds; a
// write on even one visit in 16 would add a 4 KB WAL frame each), and no
// cookie is handed out for looking.
func TestCookielessVisitsStoreNothing(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	plain := &http.Client{CheckRedirect: a.c.CheckRedirect} // no jar: every request is a new visitor
	get := func(path string, htmx bool) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
		if htmx {
			req.Header.Set("HX-Request", "true")
		}
		res, err := plain.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	get("/", false) // warm up: migrations ran at open; nothing else to write
	before := dbBytes(t, a.db)
	rounds := 10
	if e2e() {
		rounds = 200
	}
	for i := range rounds {
		for _, p := range visitorPages {
			res := get(p, i%2 == 1 && p == "/sandbox/picture")
			if res.StatusCode >= 500 {
				t.Fatalf("GET %s: %d", p, res.StatusCode)
			}
			if i == 0 && res.Header.Get("Set-Cookie") != "" {
				t.Errorf("GET %s handed a visitor a cookie: %q", p, res.Header.Get("Set-Cookie"))
			}
		}
	}
	grew := dbBytes(t, a.db) - before
	visits := int64(rounds * len(visitorPages))
	t.Logf("%d cookieless visits grew the database by %d bytes", visits, grew)
	if limit := visits * 250; grew >= limit {
		t.Errorf("%d cookieless visits grew the database by %d bytes, want < %d", visits, grew, limit)
	}
	if _, err := a.db.Learner(context.Background(), 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a visit created a learner (err %v)", err)
	}
	ws, err := a.db.LoadWorkspace(context.Background(), store.WorkspaceOf(1))
	if err != nil || len(ws) != 0 {
		t.Errorf("a visit seeded a workspace: %d documents, %v", len(ws), err)
	}
}

// TestVisitorPagesRenderWithoutALearner: the pages a visitor sees are the
// real ones, with empty progress and a preview of the sandbox, and the
// sandbox offers to create the token instead of showing one.
func TestVisitorPagesRenderWithoutALearner(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	r := a.get("/sandbox")
	if r.status != 200 {
		t.Fatalf("sandbox: %d", r.status)
	}
	if r.doc().Find(`[data-testid="env-snippet"]`).Length() != 0 || r.doc().Find(`[data-testid="create-token-form"]`).Length() != 1 {
		t.Error("a visitor's sandbox shows a token, or no button to create one")
	}
	if r.doc().Find(`[data-testid="call-form"]`).Length() != 1 {
		t.Error("a visitor's sandbox has no console")
	}
	// The preview lists the fixture jobs, as the workspace will.
	pic := a.get("/sandbox/picture")
	if pic.status != 200 || !strings.Contains(pic.body, "nightly-etl") || !strings.Contains(pic.body, "customer-360") {
		t.Errorf("a visitor's picture: %d, fixture jobs missing", pic.status)
	}
	if p := a.get("/progress"); p.status != 200 {
		t.Errorf("progress: %d", p.status)
	}
	if d := a.get("/drill"); d.status != 200 {
		t.Errorf("drill: %d", d.status)
	}
}

// TestVisitorActsAfterLooking: a visitor who looked around first acts
// normally: answers a drill, creates a token with the button, uses it from
// a terminal, and sends from the console.
func TestVisitorActsAfterLooking(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, p := range visitorPages {
		a.get(p)
	}
	if _, err := a.db.Learner(context.Background(), 1); err == nil {
		t.Fatal("looking created a learner")
	}

	// A drill answer.
	bank := testBank(t)
	path := a.startDrill("", 5)
	q := readQuestion(t, a.get(path))
	if r := a.postForm(path+"/answer", answerForm(q, answerKey(t, bank, q.item))); r.status != http.StatusSeeOther {
		t.Fatalf("answer: %d", r.status)
	}
	if n := countAttempts(t, a.db, 1); n != 1 {
		t.Fatalf("learner 1 has %d attempts, want 1", n)
	}

	// The sandbox token, from the button, without a confirmation.
	c := a.postForm("/sandbox/token", nil)
	if c.status != http.StatusSeeOther {
		t.Fatalf("create token: %d %s", c.status, c.text(`[data-testid="error"]`))
	}
	page := a.get("/sandbox")
	if !strings.Contains(page.text(`[data-testid="flash"]`), "token is ready") {
		t.Errorf("flash %q", page.text(`[data-testid="flash"]`))
	}
	tok := tokenFromPage(t, a)
	jobs := consoleJobs(t, a, tok)
	if jobs["nightly-etl"] == 0 {
		t.Fatalf("first API call: jobs %v", jobs)
	}
	if ws, _ := a.db.LoadWorkspace(context.Background(), store.WorkspaceOf(1)); len(ws) == 0 {
		t.Error("the workspace was not saved")
	}
	// A second request for the token page shows the same token (no
	// regeneration behind the learner's back).
	if again := tokenFromPage(t, a); again != tok {
		t.Error("the token changed on its own")
	}

	// Another visitor's first action is a console send: it works at once.
	b := a.otherLearner()
	b.get("/sandbox")
	r := b.send("/sandbox/send", url.Values{"ep": {"jobs-list"}})
	if got := r.text(`[data-testid="response-status"]`); got != "200 OK" {
		t.Fatalf("a visitor's first send: %q %s", got, r.text(`[data-testid="result"]`))
	}
	if !strings.Contains(r.text(`[data-testid="response-body"]`), "nightly-etl") {
		t.Error("the first send did not reach a seeded workspace")
	}
}

// TestIdleLearnersArePruned: a learner who acted but left nothing behind
// is deleted a day later, when someone new arrives; anyone with a name, an
// answer or a token stays. The pruned learner's cookie is then a visitor's.
func TestIdleLearnersArePruned(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now})
	idle := a.otherLearner()
	idle.act() // learner 1: switched live mode off, nothing else
	named := a.otherLearner()
	named.postForm("/me", url.Values{"display_name": {"Ada"}}) // learner 2
	tokened := a.otherLearner()
	tokenFromPage(t, tokened) // learner 3
	ctx := context.Background()

	clk.Advance(2 * time.Hour) // due to prune, but learner 1 is not a day old
	four := a.otherLearner()
	four.act() // learner 4
	if _, err := a.db.Learner(ctx, 1); err != nil {
		t.Fatalf("a learner idle for 2 hours was pruned: %v", err)
	}

	clk.Advance(25 * time.Hour)
	fresh := a.otherLearner()
	fresh.postForm("/me", url.Values{"display_name": {"Bob"}}) // prunes 1 and 4 first
	for id, want := range map[int64]bool{1: false, 2: true, 3: true} {
		_, err := a.db.Learner(ctx, id)
		if got := err == nil; got != want {
			t.Errorf("learner %d present = %v, want %v (%v)", id, got, want, err)
		}
	}
	// SQLite hands the newest pruned id (4) to the next learner: the old
	// cookie naming 4 must not open Bob's session.
	if l, err := a.db.Learner(ctx, 4); err != nil || l.DisplayName != "Bob" {
		t.Fatalf("setup: learner 4 is %+v (%v), want Bob with a reused id", l, err)
	}
	if got := four.get("/me").text(`[data-testid="nav-me"]`); got == "Bob" {
		t.Fatal("a pruned learner's cookie opened the session of the learner who got their id")
	}
	if r := idle.get("/me"); r.status != 200 {
		t.Fatalf("pruned learner's page: %d", r.status)
	}
	if r := named.get("/me"); r.text(`[data-testid="nav-me"]`) != "Ada" {
		t.Errorf("the named learner lost their session: %q", r.text(`[data-testid="nav-me"]`))
	}
	if r := fresh.get("/me"); r.text(`[data-testid="nav-me"]`) != "Bob" {
		t.Errorf("the new learner's session: %q", r.text(`[data-testid="nav-me"]`))
	}
}
