package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestDrillStartIsIdempotent: a double click on Start (the same form sent
// twice, even at once) creates one session; a fresh form starts another.
func TestDrillStartIsIdempotent(t *testing.T) {
	t.Parallel()
	a := newTestServer(t, testOpts{NoSandbox: true})
	a.act()
	home := a.get("/drill")
	startID := home.doc().Find(`[data-testid="start-form"] input[name="start_id"]`).AttrOr("value", "")
	if startID == "" {
		t.Fatal("the start form carries no start_id")
	}
	form := url.Values{"topic": {"pagination"}, "size": {"5"}, "start_id": {startID}}
	locs := make([]string, 3)
	var wg sync.WaitGroup
	for i := range locs {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/drill/sessions", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			res, err := a.c.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			locs[i] = res.Header.Get("Location")
		})
	}
	wg.Wait()
	if locs[0] == "" || locs[0] != locs[1] || locs[1] != locs[2] {
		t.Fatalf("one form sent three times went to %v, want one session", locs)
	}
	sessions, err := a.db.RecentSessions(context.Background(), 1, 10) // the only learner of a fresh database
	if err != nil || len(sessions) != 1 {
		t.Fatalf("%d sessions (%v), want 1", len(sessions), err)
	}
	// A new page's form starts a new session.
	again := a.get("/drill").doc().Find(`[data-testid="start-form"] input[name="start_id"]`).AttrOr("value", "")
	if again == startID {
		t.Fatal("the next start form reuses the start_id")
	}
	form.Set("start_id", again)
	if r := a.postForm("/drill/sessions", form); r.header.Get("Location") == locs[0] {
		t.Fatal("a fresh start form went to the old session")
	}
}

// TestDrillFeedbackURLIsStable: an htmx answer pushes the feedback's own
// URL into the history, so a reload shows the same feedback (not the next
// question), Back to the session URL stays in the drill, and Next pushes
// the session URL again. The feedback page has an <h1>.
func TestDrillFeedbackURLIsStable(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	bank := testBank(t)
	path := a.startDrill("pagination", 3)
	q := readQuestion(t, a.get(path))
	clk.Advance(5 * time.Second)
	r := a.hxPost(path+"/answer", answerForm(q, answerKey(t, bank, q.item)))
	push := r.header.Get("HX-Push-Url")
	if r.status != 200 || !strings.HasPrefix(push, path+"/feedback/") {
		t.Fatalf("htmx answer: %d, HX-Push-Url %q", r.status, push)
	}
	if next := r.doc().Find(`form.next-form`); next.AttrOr("hx-push-url", "") != "true" || next.AttrOr("hx-get", "") != path {
		t.Errorf("Next does not push the session URL: %v", next.Nodes)
	}
	for range 2 { // a reload, twice
		page := a.get(push)
		if page.status != 200 || page.doc().Find(`[data-testid="feedback"]`).Length() != 1 {
			t.Fatalf("reload of %s: %d", push, page.status)
		}
		if page.doc().Find("h1").Length() != 1 || !strings.Contains(page.text("h1"), "Right") {
			t.Errorf("feedback page h1: %q", page.text("h1"))
		}
		if page.doc().Find(`[data-testid="answered-elsewhere"]`).Length() != 0 {
			t.Error("own feedback says it was answered elsewhere")
		}
	}
	// Back to the session URL: the drill goes on with the next question.
	back := readQuestion(t, a.get(path))
	if back.item == q.item {
		t.Errorf("back to %s shows the answered question %s again", path, q.item)
	}
	// The drill page does not let htmx cache snapshots, and a history
	// restore gets the whole page.
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-History-Restore-Request", "true")
	restore := a.do(req)
	if restore.doc().Find("header.site-header").Length() != 1 || restore.doc().Find(`#drill[hx-history="false"]`).Length() != 1 {
		t.Error("a history restore does not get the whole drill page with hx-history=false")
	}
}

// TestDrillSecondTabToldAnsweredElsewhere: a question open in two tabs,
// answered in the first; answering it in the second shows the first
// answer and says it was given elsewhere, with htmx and without.
func TestDrillSecondTabToldAnsweredElsewhere(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	bank := testBank(t)
	path := a.startDrill("pagination", 3)
	tab1 := readQuestion(t, a.get(path))
	clk.Advance(2 * time.Second)
	tab2 := readQuestion(t, a.get(path))
	if tab1.item != tab2.item || tab1.showing == tab2.showing {
		t.Fatal("want two showings of one item")
	}
	clk.Advance(2 * time.Second)
	if r := a.postForm(path+"/answer", answerForm(tab1, answerKey(t, bank, tab1.item))); r.status != 303 || strings.Contains(r.header.Get("Location"), "elsewhere") {
		t.Fatalf("first tab: %d %q", r.status, r.header.Get("Location"))
	}
	// Plain form in the second tab.
	r := a.postForm(path+"/answer", answerForm(tab2, wrongAnswer(t, bank, tab2)))
	loc := r.header.Get("Location")
	if r.status != 303 || !strings.HasSuffix(loc, "?elsewhere=1") {
		t.Fatalf("second tab: %d %q", r.status, loc)
	}
	page := a.get(loc)
	if page.doc().Find(`[data-testid="answered-elsewhere"]`).Length() != 1 {
		t.Fatal("the second tab is not told the question was answered elsewhere")
	}
	if strings.Contains(page.text(`[data-testid="feedback"]`), "your choice") {
		t.Error("the second tab calls the first tab's answer 'your choice'")
	}
	// htmx in the second tab.
	h := a.hxPost(path+"/answer", answerForm(tab2, wrongAnswer(t, bank, tab2)))
	if h.doc().Find(`[data-testid="answered-elsewhere"]`).Length() != 1 || !strings.HasSuffix(h.header.Get("HX-Push-Url"), "?elsewhere=1") {
		t.Fatalf("htmx second tab: no notice (push %q)", h.header.Get("HX-Push-Url"))
	}
	// The first tab's own double submit is not "elsewhere".
	if r := a.postForm(path+"/answer", answerForm(tab1, answerKey(t, bank, tab1.item))); strings.Contains(r.header.Get("Location"), "elsewhere") {
		t.Errorf("a double submit in the same tab: %q", r.header.Get("Location"))
	}
}
