package web_test

import (
	"context"
	"encoding/csv"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
)

// cardOrZero is the learner's card for item, the zero Card when none.
func cardOrZero(t *testing.T, db *store.DB, learner int64, item string) (quiz.Card, bool) {
	t.Helper()
	c, err := db.Card(context.Background(), learner, item)
	if errors.Is(err, store.ErrNotFound) {
		return quiz.Card{}, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return c, true
}

// exportedItems is the item_id column of the learner's CSV export.
func exportedItems(t *testing.T, a *app) []string {
	t.Helper()
	r := a.get("/progress/export.csv")
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if r.status != 200 || err != nil {
		t.Fatalf("export: %d %v", r.status, err)
	}
	var out []string
	for _, row := range rows[1:] {
		out = append(out, row[1])
	}
	return out
}

func answeredToday(t *testing.T, db *store.DB, learner int64) int {
	t.Helper()
	days, err := db.DailyAccuracy(context.Background(), learner, clockT0.Add(-48*time.Hour), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range days {
		n += d.Answered
	}
	return n
}

func TestDrillUndo(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	bank := testBank(t)
	const learner = 1
	path := a.startDrill("", 5)

	first := a.get(path)
	q1 := readQuestion(t, first)
	if first.doc().Find(`[data-testid="undo-form"]`).Length() != 0 {
		t.Error("undo offered before any answer")
	}
	if r := a.postForm(path+"/undo", nil); r.status != http.StatusBadRequest || !strings.Contains(r.body, "no answer to undo") {
		t.Fatalf("undo with no answers: %d %.300s", r.status, r.body)
	}

	clk.Advance(2 * time.Second)
	r := a.postForm(path+"/answer", answerForm(q1, answerKey(t, bank, q1.item)))
	fb := a.get(r.header.Get("Location"))
	if action, _ := fb.doc().Find(`[data-testid="undo-form"]`).Attr("action"); action != path+"/undo" {
		t.Errorf("feedback undo form action %q, want %s/undo", action, path)
	}

	qp := a.get(path)
	q2 := readQuestion(t, qp)
	if qp.doc().Find(`[data-testid="undo-form"][method="post"]`).Length() != 1 {
		t.Error("no undo form on the question after an answer")
	}
	before, had := cardOrZero(t, a.db, learner, q2.item)
	clk.Advance(3 * time.Second)
	a.postForm(path+"/answer", answerForm(q2, wrongAnswer(t, bank, q2)))
	if after, _ := cardOrZero(t, a.db, learner, q2.item); after == before {
		t.Fatal("the answer did not change the card: the test proves nothing")
	}
	if n := answeredToday(t, a.db, learner); n != 2 {
		t.Fatalf("%d answers in the day totals, want 2", n)
	}

	// Another learner cannot undo in this session.
	eve := a.otherLearner()
	eve.act()
	if r := eve.postForm(path+"/undo", nil); r.status != http.StatusNotFound {
		t.Errorf("undo in another learner's session: %d", r.status)
	}
	if n := countAttempts(t, a.db, learner); n != 2 {
		t.Fatalf("%d attempts after eve's undo, want 2", n)
	}

	// Undo: back to the session, the card as it was, the answer gone.
	r = a.postForm(path+"/undo", nil)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != path {
		t.Fatalf("undo: %d %q", r.status, r.header.Get("Location"))
	}
	again := a.get(path)
	if q := readQuestion(t, again); q.item != q2.item {
		t.Errorf("after undo the next question is %s, want %s again", q.item, q2.item)
	}
	if !strings.Contains(again.text(`[data-testid="flash"]`), "Answer undone") {
		t.Errorf("flash %q", again.text(`[data-testid="flash"]`))
	}
	after, has := cardOrZero(t, a.db, learner, q2.item)
	if has != had || after != before {
		t.Errorf("card after undo = %+v (stored %v), want %+v (stored %v)", after, has, before, had)
	}
	if got := exportedItems(t, a); len(got) != 1 || got[0] != q1.item {
		t.Errorf("exported items after undo %v, want [%s]", got, q1.item)
	}
	if n := answeredToday(t, a.db, learner); n != 1 {
		t.Errorf("%d answers in the day totals after undo, want 1", n)
	}

	// Answer it again, then undo twice: one answer each time.
	q2b := readQuestion(t, a.get(path))
	a.postForm(path+"/answer", answerForm(q2b, answerKey(t, bank, q2b.item)))
	if n := countAttempts(t, a.db, learner); n != 2 {
		t.Fatalf("%d attempts after answering again, want 2", n)
	}
	for want := 1; want >= 0; want-- {
		if r := a.postForm(path+"/undo", nil); r.status != http.StatusSeeOther {
			t.Fatalf("undo: %d %.300s", r.status, r.body)
		}
		if n := countAttempts(t, a.db, learner); n != want {
			t.Fatalf("%d attempts after undo, want %d", n, want)
		}
	}
	if _, ok := cardOrZero(t, a.db, learner, q1.item); ok {
		t.Error("the first item still has a card after its only answer was undone")
	}
	if q := readQuestion(t, a.get(path)); q.item != q1.item {
		t.Errorf("after undoing everything the question is %s, want %s", q.item, q1.item)
	}
	if r := a.postForm(path+"/undo", nil); r.status != http.StatusBadRequest {
		t.Errorf("undo with every answer undone: %d", r.status)
	}
}
