package web_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/jobs-api-trainer/trainer/quiz"
)

// itemRow is what a test reads off one row of /drill/items.
type itemRow struct {
	stage, due, misses string
	suspended          bool
	lesson             string
}

func readItems(t *testing.T, r resp) map[string]itemRow {
	t.Helper()
	if r.status != 200 {
		t.Fatalf("item list: %d %.300s", r.status, r.body)
	}
	out := map[string]itemRow{}
	r.doc().Find(`[data-testid="item-row"]`).Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("data-item")
		var row itemRow
		row.stage, _ = s.Attr("data-stage")
		sus, _ := s.Attr("data-suspended")
		row.suspended = sus == "true"
		row.due = strings.TrimSpace(s.Find(`[data-testid="item-due"]`).Text())
		row.misses = strings.TrimSpace(s.Find(`td[data-label="Misses"]`).Text())
		row.lesson, _ = s.Find(`td[data-label="Lesson"] a`).Attr("href")
		out[id] = row
	})
	return out
}

// TestDrillItemsVisitor: a visitor without a learner sees every item, new
// and not seen; the topic filter narrows the list; a bad topic is a 400.
func TestDrillItemsVisitor(t *testing.T) {
	t.Parallel()
	a := newTestServer(t, testOpts{NoSandbox: true})
	bank := testBank(t)
	rows := readItems(t, a.get("/drill/items"))
	if len(rows) != bank.Len() {
		t.Fatalf("%d rows, want %d", len(rows), bank.Len())
	}
	for _, it := range bank.Items() {
		row, ok := rows[it.ID]
		if !ok || row.stage != "new" || row.due != "not seen" || row.suspended {
			t.Errorf("%s: %+v (listed %v), want new and not seen", it.ID, row, ok)
		}
		if row.lesson != quiz.ItemLessonURL(it) {
			t.Errorf("%s: lesson link %q", it.ID, row.lesson)
		}
	}
	want := 0
	for _, it := range bank.Items() {
		if it.Topic == "pagination" {
			want++
		}
	}
	if got := readItems(t, a.get("/drill/items?topic=pagination")); len(got) != want || want == 0 {
		t.Errorf("?topic=pagination: %d rows, want %d", len(got), want)
	}
	if r := a.get("/drill/items?topic=nope"); r.status != http.StatusBadRequest {
		t.Errorf("?topic=nope: %d, want 400", r.status)
	}
	// Inline code in a stem shows as code, not as backticks (a stem cut
	// short may leave one unmatched backtick, shown as it is).
	list := a.get("/drill/items")
	coded := 0
	list.doc().Find(`[data-testid="item-row"] td[data-label="Question"]`).Each(func(_ int, td *goquery.Selection) {
		coded += td.Find("code").Length()
		if strings.Count(td.Text(), "`") > 1 {
			t.Errorf("backticks shown as text: %q", td.Text())
		}
		if strings.Contains(td.AttrOr("title", ""), "`") {
			t.Errorf("backticks in the full-question tooltip: %q", td.AttrOr("title", ""))
		}
	})
	if coded == 0 {
		t.Error("no stem shows inline code: the bank has stems with `code`")
	}
	if href, _ := a.get("/drill").doc().Find(`[data-testid="items-link"]`).Attr("href"); href != "/drill/items" {
		t.Errorf("the drill page links the list at %q", href)
	}
}

// TestDrillItemsShowStates: after a wrong and a right answer the list
// shows the wrong one learning with its miss, the right one seen (learning
// or young, as FSRS schedules a first Good), both with a due date.
func TestDrillItemsShowStates(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	bank := testBank(t)
	path := a.startDrill("", 10)
	q1 := readQuestion(t, a.get(path))
	if r := a.postForm(path+"/answer", answerForm(q1, wrongAnswer(t, bank, q1))); r.status != http.StatusSeeOther {
		t.Fatalf("answer 1: %d", r.status)
	}
	clk.Advance(5 * time.Second)
	q2 := readQuestion(t, a.get(path))
	if r := a.postForm(path+"/answer", answerForm(q2, answerKey(t, bank, q2.item))); r.status != http.StatusSeeOther {
		t.Fatalf("answer 2: %d", r.status)
	}
	rows := readItems(t, a.get("/drill/items"))
	if row := rows[q1.item]; row.stage != "learning" || row.due == "not seen" || row.due == "" {
		t.Errorf("%s after a wrong answer: %+v, want learning with a due date", q1.item, row)
	}
	if row := rows[q2.item]; (row.stage != "learning" && row.stage != "young") || row.due == "not seen" || row.due == "" {
		t.Errorf("%s after a right answer: %+v, want learning or young with a due date", q2.item, row)
	}
	if got := rows[q1.item].misses; got != "1" {
		t.Errorf("%s missed once: misses %q", q1.item, got)
	}
	if got := rows[q2.item].misses; got != "0" {
		t.Errorf("%s answered right: misses %q", q2.item, got)
	}
	n := 0
	for _, row := range rows {
		if row.stage == "new" {
			n++
		}
	}
	if n != bank.Len()-2 {
		t.Errorf("%d new items, want %d", n, bank.Len()-2)
	}
}

// walkDrill answers every question of a new session on topic right and
// returns the items asked, in order.
func (a *app) walkDrill(topic string) []string {
	a.t.Helper()
	t := a.t.(*testing.T)
	bank := testBank(t)
	path := a.startDrill(topic, 100)
	var asked []string
	for range bank.Len() + 1 {
		r := a.get(path)
		if r.doc().Find(`[data-testid="question"]`).Length() == 0 {
			return asked
		}
		q := readQuestion(t, r)
		asked = append(asked, q.item)
		if r := a.postForm(path+"/answer", answerForm(q, answerKey(t, bank, q.item))); r.status != http.StatusSeeOther {
			t.Fatalf("answer %s: %d", q.item, r.status)
		}
	}
	t.Fatalf("session %s never ended", path)
	return nil
}

// TestDrillSuspend: a suspended item is left out of the next session and
// marked in the list; unsuspended, it is asked again.
func TestDrillSuspend(t *testing.T) {
	t.Parallel()
	a := newTestServer(t, testOpts{NoSandbox: true})
	bank := testBank(t)
	const topic = "pagination"
	var target string
	for _, it := range bank.Items() {
		if it.Topic == topic {
			target = it.ID
		}
	}
	if target == "" {
		t.Fatal("no pagination item")
	}
	r := a.postForm("/drill/items/"+target+"/suspend", url.Values{"topic": {topic}})
	if loc := r.header.Get("Location"); r.status != http.StatusSeeOther || loc != "/drill/items?topic="+topic+"#item-"+target {
		t.Fatalf("suspend: %d %q", r.status, loc)
	}
	list := a.get("/drill/items?topic=" + topic)
	if row := readItems(t, list)[target]; !row.suspended {
		t.Errorf("%s not marked suspended: %+v", target, row)
	}
	if !strings.HasPrefix(list.text(`[data-testid="flash"]`), "Suspended:") {
		t.Error("no flash after suspending")
	}
	asked := a.walkDrill(topic)
	if len(asked) == 0 || slices.Contains(asked, target) {
		t.Fatalf("session on %s asked %v, suspended %s", topic, asked, target)
	}
	// Everything else is answered and not due: with the item suspended,
	// there is nothing new left of it to ask.
	if again := a.walkDrill(topic); slices.Contains(again, target) {
		t.Fatalf("suspended %s asked: %v", target, again)
	}

	r = a.postForm("/drill/items/"+target+"/unsuspend", url.Values{"topic": {topic}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("unsuspend: %d", r.status)
	}
	if row := readItems(t, a.get("/drill/items"))[target]; row.suspended {
		t.Errorf("%s still suspended: %+v", target, row)
	}
	if again := a.walkDrill(topic); len(again) == 0 || again[0] != target {
		t.Fatalf("after unsuspending, the session asked %v, want %s first", again, target)
	}
	// Another learner's drill was never affected.
	b := a.otherLearner()
	if asked := b.walkDrill(topic); !slices.Contains(asked, target) {
		t.Errorf("another learner's session lacks %s: %v", target, asked)
	}
}

// TestDrillSuspendBadInput: unknown items and topics are a 400 with a
// message; nothing is stored.
func TestDrillSuspendBadInput(t *testing.T) {
	t.Parallel()
	a := newTestServer(t, testOpts{NoSandbox: true})
	bank := testBank(t)
	for _, path := range []string{
		"/drill/items/no-such-item/suspend",
		"/drill/items/no-such-item/unsuspend",
		"/drill/items/%20/suspend",
	} {
		r := a.postForm(path, nil)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "There is no drill item") {
			t.Errorf("POST %s: %d, want 400 with a message: %.200s", path, r.status, r.body)
		}
	}
	id := bank.Items()[0].ID
	if r := a.postForm("/drill/items/"+id+"/suspend", url.Values{"topic": {"nope"}}); r.status != http.StatusBadRequest {
		t.Errorf("bad topic: %d, want 400", r.status)
	}
	if row := readItems(t, a.get("/drill/items"))[id]; row.suspended {
		t.Errorf("%s suspended by a rejected form", id)
	}
	if r := a.get("/drill/items/" + id + "/suspend"); r.status != http.StatusMethodNotAllowed {
		t.Errorf("GET suspend: %d, want 405", r.status)
	}
}
