package web_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/jobs-api-trainer/trainer/quiz"
)

// answerSome answers n questions of a new session, alternating right and
// wrong, and returns how many were right.
func answerSome(t *testing.T, a *app, clk *fakeClock, topic string, n int) int {
	t.Helper()
	bank := testBank(t)
	path := a.startDrill(topic, n)
	right := 0
	for i := range n {
		q := readQuestion(t, a.get(path))
		chosen := answerKey(t, bank, q.item)
		if i%2 == 1 {
			chosen = wrongAnswer(t, bank, q)
		} else {
			right++
		}
		if clk != nil {
			clk.Advance(7 * time.Second)
		}
		if r := a.postForm(path+"/answer", answerForm(q, chosen)); r.status != 303 {
			t.Fatalf("answer: %d", r.status)
		}
	}
	return right
}

func TestProgressEmpty(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	p := a.get("/progress")
	if p.status != 200 {
		t.Fatalf("status %d", p.status)
	}
	svg := p.doc().Find(`[data-testid="accuracy-chart"] svg`)
	if svg.Find("title").Length() == 0 || svg.Find("desc").Length() == 0 {
		t.Fatal("chart lacks title/desc")
	}
	if !strings.Contains(svg.Text(), "No answers yet") {
		t.Errorf("empty chart text %q", svg.Text())
	}
	if got := p.doc().Find(`[data-testid="mastery"] li`).Length(); got != len(quiz.Topics) {
		t.Errorf("%d mastery rows, want %d", got, len(quiz.Topics))
	}
	if href, _ := p.doc().Find(`[data-testid="mastery"] li a.mastery-title`).First().Attr("href"); href != "/lessons/jobs-api"+quiz.Topics[0].Anchor {
		t.Errorf("first mastery row links to %q", href)
	}
	if p.doc().Find(`[data-testid="no-leeches"]`).Length() != 1 {
		t.Error("no empty leech message")
	}
}

func TestProgressAfterAnswers(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	answerSome(t, a, clk, "pagination", 4)
	// A view between answers: the chart (rendered once per set of daily
	// totals) must follow the answers that come after it.
	if got := a.get("/progress").doc().Find(`[data-testid="chart-dots"] circle`).Length(); got != 1 {
		t.Fatalf("%d dots after one day, want 1", got)
	}
	clk.Advance(24 * time.Hour)
	answerSome(t, a, clk, "repair", 4)

	p := a.get("/progress")
	if p.status != 200 {
		t.Fatalf("status %d", p.status)
	}
	svg := p.doc().Find(`[data-testid="accuracy-chart"] svg`)
	if got := svg.Find(`[data-testid="chart-dots"] circle`).Length(); got != 2 {
		t.Fatalf("%d dots, want one per day with answers (2)", got)
	}
	if desc := svg.Find("desc").Text(); !strings.Contains(desc, "8 answers on 2 days") {
		t.Errorf("desc %q", desc)
	}
	if role, _ := svg.Attr("role"); role != "img" {
		t.Errorf("svg role %q", role)
	}
	if svg.Find("polyline").Length() != 1 || svg.Find(`g.grid text`).Length() != 5 {
		t.Error("chart lacks its line or y axis labels")
	}
	if got := p.text(`[data-testid="streak"]`); got != "2 days" {
		t.Errorf("streak %q", got)
	}
	if got := p.text(`[data-testid="seen"]`); !strings.HasPrefix(got, "8 /") {
		t.Errorf("seen %q", got)
	}
	// The misses (Again) are due within minutes: due now a day later for
	// pagination's, within today for repair's.
	if p.text(`[data-testid="due-today"]`) == "0" {
		t.Error("nothing due today after four misses")
	}
	if now, today, week := p.text(`[data-testid="due-now"]`), p.text(`[data-testid="due-today"]`), p.text(`[data-testid="due-week"]`); now != "2" || today != "4" || week != "6" {
		t.Errorf("due now/today/week = %s/%s/%s, want 2/4/6 (pagination's misses, then repair's, then two right answers)", now, today, week)
	}
	if got := p.doc().Find(`[data-testid="sessions"] tbody tr`).Length(); got != 2 {
		t.Errorf("%d session rows", got)
	}
}

func TestProgressLeeches(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	bank := testBank(t)
	a.act()
	it := bank.Items()[3]
	if _, err := a.db.RecordAnswer(context.Background(), quiz.Attempt{
		LearnerID: 1, ShowingID: "x", ItemID: it.ID, Kind: it.Kind, Topic: it.Topic, Chosen: []string{"run"}, AnsweredAt: time.Now(),
	}, quiz.Card{Misses: 5}); err != nil {
		t.Fatal(err)
	}
	p := a.get("/progress")
	l := p.doc().Find(`[data-testid="leeches"] li`)
	if l.Length() != 1 || !strings.Contains(l.Text(), firstWords(it.Stem)) || !strings.Contains(l.Text(), "Missed 5 times") {
		t.Fatalf("leech list %q", l.Text())
	}
	if href, _ := l.Find(`a[href^="/lessons/"]`).Attr("href"); href != "/lessons/jobs-api"+it.Anchor {
		t.Errorf("leech lesson link %q", href)
	}
	if p.doc().Find(`[data-testid="more-leeches"]`).Length() != 0 {
		t.Error("a 'more leeches' line with one leech")
	}
}

// TestProgressLeechesWorstFirst: many leeches list the most missed few,
// worst first, and say how many more the item list has; the page does not
// grow with the history.
func TestProgressLeechesWorstFirst(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	bank := testBank(t)
	a.act()
	const n = 12
	for i := range n {
		it := bank.Items()[i]
		if _, err := a.db.RecordAnswer(context.Background(), quiz.Attempt{
			LearnerID: 1, ShowingID: fmt.Sprint("x", i), ItemID: it.ID, Kind: it.Kind, Topic: it.Topic, Chosen: []string{"run"}, AnsweredAt: time.Now(),
		}, quiz.Card{Misses: 4 + i}); err != nil {
			t.Fatal(err)
		}
	}
	p := a.get("/progress")
	rows := p.doc().Find(`[data-testid="leeches"] li`)
	if rows.Length() != 8 {
		t.Fatalf("%d leech rows, want 8", rows.Length())
	}
	for i := range 8 {
		want := fmt.Sprintf("Missed %d times", 4+n-1-i)
		if got := rows.Eq(i).Text(); !strings.Contains(got, want) {
			t.Errorf("row %d %q, want %q (most missed first)", i, got, want)
		}
	}
	more := p.doc().Find(`[data-testid="more-leeches"]`)
	if !strings.Contains(more.Text(), "And 4 more") || more.Find(`a[href="/drill/items"]`).Length() != 1 {
		t.Errorf("more line %q", more.Text())
	}
}

func TestProgressExport(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	answerSome(t, a, clk, "run-endpoints", 3)
	// An answer with a comma and quotes, outside any session.
	if _, err := a.db.RecordAnswer(context.Background(), quiz.Attempt{
		LearnerID: 1, ShowingID: "csv", ItemID: "x-1", Kind: quiz.Multi, Topic: "cli",
		Chosen: []string{`a, "quoted"`, "b"}, Correct: true, Took: 1500 * time.Millisecond, AnsweredAt: clockT0.Add(time.Hour),
	}, quiz.Card{}); err != nil {
		t.Fatal(err)
	}
	other := a.otherLearner()
	other.act()
	answerSome(t, other, nil, "cli", 1)

	r := a.get("/progress/export.csv")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("export: %d %q", r.status, r.header.Get("Content-Type"))
	}
	if cd := r.header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".csv") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"answered_at", "item_id", "kind", "topic", "chosen", "correct", "ms_taken", "session_id"}
	if strings.Join(rows[0], ",") != strings.Join(want, ",") {
		t.Fatalf("header %v", rows[0])
	}
	if len(rows) != 1+4 {
		t.Fatalf("%d rows, want 4 answers of this learner only", len(rows)-1)
	}
	first := rows[1]
	if _, err := time.Parse(time.RFC3339, first[0]); err != nil || !strings.HasSuffix(first[0], "Z") {
		t.Errorf("answered_at %q", first[0])
	}
	if first[2] == "" || first[3] != "run-endpoints" || first[5] != "true" || first[6] != "7000" || first[7] != "1" {
		t.Errorf("first row %v", first)
	}
	last := rows[4]
	if last[4] != `a, "quoted" | b` || last[7] != "" || last[6] != "1500" {
		t.Errorf("escaped row %v", last)
	}
	_ = url.Values{}
}

// TestProgressMasteryMovesAfterAGoodSession: right answers move the
// topic's mastery row at once (learning, young), as in Anki, instead of
// reading 0 until an item is remembered for three weeks.
func TestProgressMasteryMovesAfterAGoodSession(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	bank := testBank(t)
	path := a.startDrill("pagination", 5)
	for range 5 {
		q := readQuestion(t, a.get(path))
		clk.Advance(7 * time.Second)
		if r := a.postForm(path+"/answer", answerForm(q, answerKey(t, bank, q.item))); r.status != 303 {
			t.Fatalf("answer: %d", r.status)
		}
	}
	p := a.get("/progress")
	var row *goquery.Selection
	p.doc().Find(`[data-testid="mastery"] li`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Find("a.mastery-title").AttrOr("href", ""), "pagination") {
			row = s
		}
	})
	if row == nil {
		t.Fatal("no pagination mastery row")
	}
	learning, _ := strconv.Atoi(row.AttrOr("data-learning", ""))
	young, _ := strconv.Atoi(row.AttrOr("data-young", ""))
	if learning+young != 5 {
		t.Fatalf("after 5 right answers: %d learning + %d young, want 5 (row %q)", learning, young, row.Text())
	}
	if words := row.Find(`[data-testid="mastery-stages"]`).Text(); !strings.Contains(words, "learning") || !strings.Contains(words, "young") {
		t.Errorf("stages in words: %q", words)
	}
	if label := row.Find(".mastery-bar").AttrOr("aria-label", ""); !strings.Contains(label, "learning") {
		t.Errorf("bar label %q", label)
	}
}
