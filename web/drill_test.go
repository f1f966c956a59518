package web_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
)

// otherLearner is a second browser on the same server.
func (a *app) otherLearner() *app {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: a.c.CheckRedirect}
	return &app{t: a.t, db: a.db, srv: a.srv, c: c}
}

// startDrill starts a session and returns its path.
func (a *app) startDrill(topic string, size int) string {
	a.t.Helper()
	r := a.postForm("/drill/sessions", url.Values{"topic": {topic}, "size": {strconv.Itoa(size)}})
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/drill/s/") {
		a.t.Fatalf("start drill: %d %q", r.status, loc)
	}
	return loc
}

// drillQuestion is what a test reads off a drillQuestion page.
type drillQuestion struct {
	item    string
	kind    string
	showing string
	options []string // values, in display order
}

func readQuestion(t *testing.T, r resp) drillQuestion {
	t.Helper()
	q := r.doc().Find(`[data-testid="question"]`)
	if r.status != 200 || q.Length() != 1 {
		t.Fatalf("no question (status %d): %.300s", r.status, r.body)
	}
	var out drillQuestion
	out.item, _ = q.Attr("data-item")
	out.kind, _ = q.Attr("data-kind")
	out.showing, _ = q.Find(`input[name="showing"]`).Attr("value")
	q.Find(`[name="choice"]`).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr("value")
		out.options = append(out.options, v)
	})
	return out
}

func answerKey(t *testing.T, b *quiz.Bank, id string) []string {
	t.Helper()
	it, ok := b.Item(id)
	if !ok {
		t.Fatalf("item %q not in bank", id)
	}
	return it.Answers()
}

func wrongAnswer(t *testing.T, b *quiz.Bank, q drillQuestion) []string {
	t.Helper()
	keys := answerKey(t, b, q.item)
	for _, o := range q.options {
		if o != keys[0] && !slices.Contains(keys, o) {
			return []string{o}
		}
	}
	t.Fatalf("no wrong option for %s", q.item)
	return nil
}

func answerForm(q drillQuestion, chosen []string) url.Values {
	return url.Values{"showing": {q.showing}, "choice": chosen}
}

func sessionID(t *testing.T, path string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(path, "/drill/s/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// countAttempts counts a learner's attempts straight from the store.
func countAttempts(t *testing.T, db *store.DB, learner int64) int {
	t.Helper()
	n := 0
	if err := db.Attempts(context.Background(), learner, func(quiz.Attempt) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDrillFlow(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	bank := testBank(t)

	home := a.get("/drill")
	if home.status != 200 || home.doc().Find(`[data-testid="start"][autofocus]`).Length() != 1 {
		t.Fatalf("drill home: %d, no autofocused start", home.status)
	}
	if got := home.text(`[data-testid="count-new"]`); got != strconv.Itoa(bank.Len()) {
		t.Fatalf("new count %q, want %d", got, bank.Len())
	}
	if got := a.get("/drill?topic=pagination"); got.doc().Find(`input[name="topic"][value="pagination"][checked]`).Length() != 1 {
		t.Fatal("?topic=pagination is not preselected")
	} else if label := got.text(`[data-testid="start-topic"]`); label == "" || strings.Contains(label, "All topics") {
		// the choice shows on the first screen too, where the cards are not
		t.Errorf("Start button with a topic picked: %q", label)
	}
	if label := strings.TrimSpace(home.text(`[data-testid="start"]`)); label != "Start" || home.text(`[data-testid="start-topic"]`) != "" {
		t.Errorf("Start button for all topics: %q", label)
	}

	path := a.startDrill("job-vs-run", 20)
	sid := sessionID(t, path)

	// 1. A classify, answered wrong on the plain form path.
	q1 := readQuestion(t, a.get(path))
	if q1.kind != "classify" {
		t.Fatalf("first question is %s %s, want a classify", q1.kind, q1.item)
	}
	classify, _ := bank.Item(q1.item)
	wrong := wrongAnswer(t, bank, q1)
	clk.Advance(4 * time.Second)
	r := a.postForm(path+"/answer", answerForm(q1, wrong))
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, path+"/feedback/") {
		t.Fatalf("answer: %d %q", r.status, loc)
	}
	fb := a.get(loc)
	if fb.status != 200 || fb.doc().Find(`[data-testid="feedback"][data-correct="false"]`).Length() != 1 {
		t.Fatalf("feedback page: %d %.300s", fb.status, fb.body)
	}
	if got := fb.text(`[data-testid="explanation"]`); !strings.Contains(got, firstWords(classify.Explanation)) {
		t.Errorf("explanation %q lacks %q", got, firstWords(classify.Explanation))
	}
	if got, want := fb.text(`[data-testid="answer-key"]`), strings.ToUpper(classify.Key[:1]); !strings.HasPrefix(got, want) {
		t.Errorf("right answer %q, want %s...", got, want)
	}
	if fb.doc().Find(`[data-testid="answer-chosen"]`).Length() != 1 {
		t.Error("the wrong choice is not marked")
	}
	if href, _ := fb.doc().Find(`[data-testid="lesson-link"]`).Attr("href"); href != "/lessons/jobs-api"+classify.Anchor {
		t.Errorf("lesson link %q", href)
	}
	if href, _ := fb.doc().Find(`[data-testid="sandbox-link"]`).Attr("href"); href != "/sandbox?try=job-vs-run" {
		t.Errorf("sandbox link %q", href)
	}
	if fb.doc().Find(`[data-testid="next"][autofocus]`).Length() != 1 {
		t.Error("no autofocused Next")
	}

	// 2. Its endpoint half comes next, with the classify feedback above it.
	qp := a.get(path)
	q2 := readQuestion(t, qp)
	_, endpoint, _ := bank.Pair(classify.Scenario)
	if q2.item != endpoint.ID {
		t.Fatalf("second question %s, want the pair's endpoint %s", q2.item, endpoint.ID)
	}
	if got := qp.text(`[data-testid="prior-feedback"]`); !strings.Contains(got, "Not quite") {
		t.Errorf("prior feedback %q", got)
	}
	if got := qp.text(`[data-testid="progress"]`); got != "2 / 20" {
		t.Errorf("progress %q", got)
	}
	if len(q2.options) < 4 || !strings.HasSuffix(qp.doc().Find(`script[src$="drill.js"]`).AttrOr("src", ""), "/drill.js") {
		t.Errorf("endpoint options %v, drill.js script present: %d", q2.options, qp.doc().Find(`script[src$="drill.js"]`).Length())
	}

	// 3. Answered right on the htmx path: the fragment, no layout.
	clk.Advance(3 * time.Second)
	h := a.hxPost(path+"/answer", answerForm(q2, answerKey(t, bank, q2.item)))
	if h.status != 200 || strings.Contains(h.body, "<html") || strings.Contains(h.body, "site-header") {
		t.Fatalf("htmx answer: %d, layout included: %.200s", h.status, h.body)
	}
	if h.doc().Find(`[data-testid="feedback"][data-correct="true"]`).Length() != 1 {
		t.Fatalf("htmx feedback: %.300s", h.body)
	}
	if !strings.Contains(strings.Join(h.header.Values("Vary"), ", "), "HX-Request") {
		t.Errorf("Vary %q", strings.Join(h.header.Values("Vary"), ", "))
	}

	// 4. Answer the rest right until the summary.
	answered := map[string]bool{q1.item: true, q2.item: true}
	for i := 0; ; i++ {
		p := a.get(path)
		if p.doc().Find(`[data-testid="summary"]`).Length() == 1 {
			if got := p.text(`[data-testid="summary-right"]`); got != fmt.Sprintf("%d / %d", len(answered)-1, len(answered)) {
				t.Errorf("summary right %q after %d answers", got, len(answered))
			}
			if p.doc().Find(`[data-testid="review"] a[href="/lessons/jobs-api`+classify.Anchor+`"]`).Length() == 0 {
				t.Errorf("summary does not send the learner to review %s", classify.Anchor)
			}
			if p.text(`[data-testid="summary-next-due"]`) == "" {
				t.Error("summary lacks the next due time")
			}
			break
		}
		if i > 25 {
			t.Fatal("no summary after 25 more questions")
		}
		q := readQuestion(t, p)
		if answered[q.item] {
			t.Fatalf("item %s asked twice in one session", q.item)
		}
		answered[q.item] = true
		clk.Advance(5 * time.Second)
		if r := a.postForm(path+"/answer", answerForm(q, answerKey(t, bank, q.item))); r.status != http.StatusSeeOther {
			t.Fatalf("answer %s: %d", q.item, r.status)
		}
	}
	if n := len(answered); n < 20 || n > 21 {
		t.Fatalf("session of 20 asked %d items", n)
	}
	s, err := a.db.DrillSession(context.Background(), 1, sid)
	if err != nil || s.EndedAt.IsZero() {
		t.Fatalf("session not ended after the summary: %+v %v", s, err)
	}
	if n := countAttempts(t, a.db, 1); n != len(answered) {
		t.Fatalf("%d attempts stored, want %d", n, len(answered))
	}

	// 5. Come back two days later: due cards come first.
	clk.Advance(48 * time.Hour)
	cards, err := a.db.Cards(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	due := 0
	for _, c := range cards {
		if !c.Due.After(clk.Now()) {
			due++
		}
	}
	if due == 0 {
		t.Fatal("nothing due two days later; the test needs a due card")
	}
	if got := a.get("/drill").text(`[data-testid="count-due"]`); got != strconv.Itoa(due) {
		t.Errorf("due count %q, want %d", got, due)
	}
	next := a.startDrill("", 20)
	q := readQuestion(t, a.get(next))
	c, ok := cards[q.item]
	if !ok || c.Due.After(clk.Now()) {
		// The one exception: an endpoint due drags its classify in front.
		it, _ := bank.Item(q.item)
		_, ep, isPair := bank.Pair(it.Scenario)
		if !isPair || cards[ep.ID].Due.After(clk.Now()) {
			t.Fatalf("first item tomorrow is %s (card %v, seen %v), want a due one", q.item, c.Due, ok)
		}
	}
	if q.item != q1.item {
		t.Errorf("first item tomorrow is %s; the one missed yesterday (%s) is the most overdue", q.item, q1.item)
	}
}

func firstWords(s string) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(6, len(f))], " ")
}

func TestDrillDoubleSubmitRecordsOnce(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	bank := testBank(t)
	path := a.startDrill("pagination", 5)
	q := readQuestion(t, a.get(path))
	form := answerForm(q, answerKey(t, bank, q.item))

	first := a.postForm(path+"/answer", form)
	second := a.postForm(path+"/answer", form)
	if first.status != 303 || second.status != 303 || first.header.Get("Location") != second.header.Get("Location") {
		t.Fatalf("double submit: %d %q, %d %q", first.status, first.header.Get("Location"), second.status, second.header.Get("Location"))
	}
	h := a.hxPost(path+"/answer", form)
	if h.status != 200 || h.doc().Find(`[data-testid="feedback"][data-correct="true"]`).Length() != 1 {
		t.Fatalf("htmx repeat: %d %.200s", h.status, h.body)
	}
	// A reload of the same drillQuestion (a new showing) answered again after
	// the first: still the first answer's feedback, nothing new stored.
	wrong := answerForm(q, wrongAnswer(t, bank, q))
	if r := a.postForm(path+"/answer", wrong); r.header.Get("Location") != first.header.Get("Location") {
		t.Fatalf("re-answer went to %q", r.header.Get("Location"))
	}
	if n := countAttempts(t, a.db, 1); n != 1 {
		t.Fatalf("%d attempts for one showing, want 1", n)
	}
	if fb := a.get(first.header.Get("Location")); fb.doc().Find(`[data-correct="true"]`).Length() != 1 {
		t.Fatal("the stored answer is not the first one")
	}
}

// forgeShowing signs a showing the way the server does, with the test key:
// a valid signature over content the server never issued.
func forgeShowing(sid int64, item string, shownAt time.Time) string {
	k := hmac.New(sha256.New, testKeys.auth)
	k.Write([]byte("jobs-api-trainer/drill-showing/v1"))
	payload := fmt.Sprintf("v1.%d.%s.%x.%d", sid, item, 42, shownAt.UnixMilli())
	m := hmac.New(sha256.New, k.Sum(nil))
	m.Write([]byte(payload))
	return payload + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

func TestDrillBadInput(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	bank := testBank(t)
	path := a.startDrill("pagination", 5)
	other := a.startDrill("pagination", 5)
	q := readQuestion(t, a.get(path))
	key := answerKey(t, bank, q.item)
	tampered := []byte(q.showing)
	tampered[5] ^= 1 // the session id digit

	tests := []struct {
		name   string
		path   string
		form   url.Values
		status int
		msg    string
	}{
		{"bad signature", path, answerForm(drillQuestion{showing: string(tampered)}, key), 400, "signature"},
		{"no showing", path, url.Values{"choice": key}, 400, "signature"},
		{"garbage showing", path, url.Values{"showing": {"v1.1.x.y.z.abc"}, "choice": key}, 400, "signature"},
		{"showing of another session", other, answerForm(q, key), 400, "another drill session"},
		{"unknown item", path, url.Values{"showing": {forgeShowing(sessionID(t, path), "no-such-item", time.Now())}, "choice": key}, 400, "not in the question bank"},
		{"option not offered", path, answerForm(q, []string{"DELETE /api/2.2/everything"}), 400, "not one of"},
		{"two options for one answer", path, answerForm(q, q.options[:2]), 400, "not one of"},
		{"nothing chosen", path, answerForm(q, nil), 400, "Choose an answer"},
		{"malformed session id", "/drill/s/abc", answerForm(q, key), 404, ""},
		{"unknown session", "/drill/s/999", url.Values{"showing": {forgeShowing(999, q.item, time.Now())}, "choice": key}, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.postForm(tt.path+"/answer", tt.form)
			if r.status != tt.status {
				t.Fatalf("status %d, want %d: %.300s", r.status, tt.status, r.body)
			}
			if tt.msg != "" && !strings.Contains(r.body, tt.msg) {
				t.Fatalf("page lacks %q: %s", tt.msg, r.text("main"))
			}
		})
	}
	big := url.Values{"showing": {q.showing}, "choice": {strings.Repeat("x", 100<<10)}}
	if r := a.postForm(path+"/answer", big); r.status != 400 {
		t.Errorf("oversized form: %d", r.status)
	}
	if n := countAttempts(t, a.db, 1); n != 0 {
		t.Fatalf("bad input recorded %d attempts", n)
	}

	t.Run("bad topic and size", func(t *testing.T) {
		if r := a.get("/drill?topic=nope"); r.status != 400 || !strings.Contains(r.body, "no drill topic") {
			t.Errorf("GET ?topic=nope: %d", r.status)
		}
		for _, v := range []url.Values{{"topic": {"nope"}}, {"size": {"0"}}, {"size": {"many"}}, {"size": {"101"}}} {
			if r := a.postForm("/drill/sessions", v); r.status != 400 {
				t.Errorf("start %v: %d", v, r.status)
			}
		}
	})
}

func TestDrillOtherLearnersSession(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	bank := testBank(t)
	path := a.startDrill("", 5)
	q := readQuestion(t, a.get(path))
	first := a.postForm(path+"/answer", answerForm(q, answerKey(t, bank, q.item)))

	eve := a.otherLearner()
	eve.act()
	if r := eve.get(path); r.status != 404 {
		t.Errorf("another learner's session page: %d", r.status)
	}
	if r := eve.get(first.header.Get("Location")); r.status != 404 {
		t.Errorf("another learner's feedback: %d", r.status)
	}
	q2 := readQuestion(t, a.get(path))
	if r := eve.postForm(path+"/answer", answerForm(q2, answerKey(t, bank, q2.item))); r.status != 404 {
		t.Errorf("answer into another learner's session: %d", r.status)
	}
	if n := countAttempts(t, a.db, 2); n != 0 {
		t.Fatalf("eve has %d attempts", n)
	}
	if n := countAttempts(t, a.db, 1); n != 1 {
		t.Fatalf("the owner has %d attempts, want 1", n)
	}
}

func TestDrillLeechShowsExplanationFirst(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	bank := testBank(t)
	a.act()
	it := bank.Items()[0]
	card := quiz.Card{Misses: quiz.LeechMisses}
	card.Card = quiz.Review(quiz.Card{}, quiz.Again, clockT0.Add(-48*time.Hour), time.Time{}).Card
	if _, err := a.db.RecordAnswer(context.Background(), quiz.Attempt{
		LearnerID: 1, ShowingID: "seed", ItemID: it.ID, Kind: it.Kind, Topic: it.Topic,
		Chosen: []string{"job"}, AnsweredAt: clockT0.Add(-48 * time.Hour),
	}, card); err != nil {
		t.Fatal(err)
	}
	if got := a.get("/drill").text(`[data-testid="count-leeches"]`); got != "1" {
		t.Errorf("leech count %q", got)
	}
	p := a.get(a.startDrill(it.Topic, 5))
	if q := readQuestion(t, p); q.item != it.ID {
		t.Fatalf("first item %s, want the due leech %s", q.item, it.ID)
	}
	leech := p.doc().Find(`[data-testid="question"] > [data-testid="leech"]`)
	if !strings.Contains(leech.Text(), firstWords(it.Explanation)) {
		t.Fatalf("leech box %q lacks the explanation", leech.Text())
	}
	if leech.NextAllFiltered(`form`).Length() != 1 {
		t.Fatal("the explanation is not above the question")
	}
	if p.doc().Find(`[data-testid="prior-feedback"]`).Length() != 0 {
		t.Fatal("prior feedback on a first question")
	}
}

func TestExamDateForm(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	a.act()
	bad := []struct{ value, msg string }{
		{"next tuesday", "YYYY-MM-DD"},
		{"2026-02-30", "YYYY-MM-DD"},
		{"2026-03-01", "passed"},
		{"2031-01-01", "three years"},
	}
	for _, tt := range bad {
		t.Run(tt.value, func(t *testing.T) {
			r := a.postForm("/drill/exam-date", url.Values{"exam_date": {tt.value}})
			if r.status != 400 {
				t.Fatalf("status %d", r.status)
			}
			if got := r.text(`[data-testid="field-error"]`); !strings.Contains(got, tt.msg) {
				t.Fatalf("error %q, want %q", got, tt.msg)
			}
			if v, _ := r.doc().Find(`#exam_date`).Attr("value"); v != tt.value {
				t.Fatalf("the rejected value is not kept: %q", v)
			}
		})
	}
	if d, _ := a.db.ExamDate(context.Background(), 1); !d.IsZero() {
		t.Fatalf("a bad date was saved: %v", d)
	}
	r := a.postForm("/drill/exam-date", url.Values{"exam_date": {"2026-03-20"}})
	if r.status != 303 || r.header.Get("Location") != "/drill" {
		t.Fatalf("save: %d %q", r.status, r.header.Get("Location"))
	}
	home := a.get("/drill")
	if got := home.text(`[data-testid="exam-date-label"]`); got != "Friday 20 March 2026" {
		t.Fatalf("exam date label %q", got)
	}
	if !strings.Contains(home.text(`[data-testid="flash"]`), "20 March") {
		t.Errorf("flash %q", home.text(`[data-testid="flash"]`))
	}
	if got := a.get("/progress").text(`[data-testid="exam-note"]`); !strings.Contains(got, "not solid") {
		t.Errorf("progress exam note %q", got)
	}
	if r := a.postForm("/drill/exam-date", url.Values{"exam_date": {"2026-03-02"}}); r.status != 303 {
		t.Errorf("today is allowed: %d", r.status)
	}
	if r := a.postForm("/drill/exam-date", url.Values{"exam_date": {""}}); r.status != 303 {
		t.Fatalf("clear: %d", r.status)
	}
	if d, _ := a.db.ExamDate(context.Background(), 1); !d.IsZero() {
		t.Fatalf("not cleared: %v", d)
	}
	if got := a.get("/drill").text(`[data-testid="flash"]`); !strings.HasPrefix(got, "Exam date cleared.") {
		t.Errorf("flash after clearing %q", got)
	}
	// With no date set, an empty Save (or Clear) is a form error, not a
	// silent no-op.
	for _, v := range []url.Values{{"exam_date": {""}}, {"exam_date": {" "}, "clear": {"1"}}} {
		r := a.postForm("/drill/exam-date", v)
		if r.status != 400 || r.text(`[data-testid="field-error"]`) != "Pick a date first." {
			t.Errorf("%v with no date set: %d %q", v, r.status, r.text(`[data-testid="field-error"]`))
		}
		if r.doc().Find(`#exam_date[aria-invalid="true"]`).Length() != 1 {
			t.Errorf("%v: the field is not marked invalid", v)
		}
	}
}

// The summary's next review time uses the progress page's buckets: "now"
// only when the progress page counts an item due now.
func TestDrillSummaryNextDueMatchesProgress(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	bank := testBank(t)
	a.act()
	path := a.startDrill("bundles", 1)
	var next string
	for range 3 {
		p := a.get(path)
		if p.doc().Find(`[data-testid="summary"]`).Length() == 1 {
			next = p.text(`[data-testid="summary-next-due"] strong`)
			break
		}
		q := readQuestion(t, p)
		a.postForm(path+"/answer", answerForm(q, wrongAnswer(t, bank, q)))
	}
	if next == "" {
		t.Fatal("no summary with a next due time")
	}
	prog := a.get("/progress")
	if !regexp.MustCompile(`^in (under a minute|\d+ min)$`).MatchString(next) || prog.text(`[data-testid="due-now"]`) != "0" || prog.text(`[data-testid="due-today"]`) == "0" {
		t.Errorf("summary says due %q; progress: due now %s, due today %s", next, prog.text(`[data-testid="due-now"]`), prog.text(`[data-testid="due-today"]`))
	}
	clk.Advance(24 * time.Hour)
	if got := a.get(path).text(`[data-testid="summary-next-due"] strong`); got != "now" || a.get("/progress").text(`[data-testid="due-now"]`) == "0" {
		t.Errorf("a day later the summary says %q, progress due now %s", got, a.get("/progress").text(`[data-testid="due-now"]`))
	}
}

func TestDrillSummaryWithExamDate(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	bank := testBank(t)
	a.act()
	a.postForm("/drill/exam-date", url.Values{"exam_date": {"2026-03-30"}})
	path := a.startDrill("bundles", 2)
	for range 3 {
		p := a.get(path)
		if p.doc().Find(`[data-testid="summary"]`).Length() == 1 {
			got := p.text(`[data-testid="not-solid"]`)
			if !strings.Contains(got, "of "+strconv.Itoa(bank.Len())) || !strings.Contains(got, "30 March 2026") {
				t.Fatalf("not-solid line %q", got)
			}
			return
		}
		q := readQuestion(t, p)
		a.postForm(path+"/answer", answerForm(q, answerKey(t, bank, q.item)))
	}
	t.Fatal("no summary after a session of 2")
}

func TestDrillScriptIsServed(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.get(a.startDrill("", 5))
	src, ok := p.doc().Find(`script[src$="/drill.js"]`).Attr("src")
	if !ok {
		t.Fatal("no drill.js on the question page")
	}
	if r := a.get(src); r.status != 200 || !strings.Contains(r.body, "keydown") {
		t.Fatalf("drill.js: %d", r.status)
	}
}

// TestDrillTwoTabsRecordOnce answers one item from two showings at the same
// moment (two tabs): one answer is stored and both tabs see it.
func TestDrillTwoTabsRecordOnce(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	bank := testBank(t)
	path := a.startDrill("pagination", 5)
	q1 := readQuestion(t, a.get(path))
	clk.Advance(3 * time.Second)
	q2 := readQuestion(t, a.get(path))
	if q1.item != q2.item || q1.showing == q2.showing {
		t.Fatalf("want two showings of one item, got %s/%s", q1.item, q2.item)
	}
	forms := []url.Values{answerForm(q1, answerKey(t, bank, q1.item)), answerForm(q2, wrongAnswer(t, bank, q2))}
	locs := make([]string, 2)
	var wg sync.WaitGroup
	for i := range forms {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, a.srv.URL+path+"/answer", strings.NewReader(forms[i].Encode()))
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
	// Both see the same feedback; the tab that lost is told the question
	// was answered elsewhere.
	base0, q0, _ := strings.Cut(locs[0], "?")
	base1, q1s, _ := strings.Cut(locs[1], "?")
	if base0 == "" || base0 != base1 || (q0 == "elsewhere=1") == (q1s == "elsewhere=1") {
		t.Fatalf("tabs were sent to %q and %q, want the same feedback, one marked elsewhere", locs[0], locs[1])
	}
	var n int
	if err := a.db.Attempts(context.Background(), 1, func(quiz.Attempt) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d attempts stored for one item in one session, want 1", n)
	}
}
