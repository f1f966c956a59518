package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
)

// startExam starts an exam of size questions and returns its id (from the
// redirect to its first question).
func startExam(t *testing.T, a *app, size int) int64 {
	t.Helper()
	r := a.postForm("/exam", url.Values{"size": {strconv.Itoa(size)}})
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasSuffix(loc, "/q/1") {
		t.Fatalf("start: %d %q\n%s", r.status, loc, r.body)
	}
	id, err := strconv.ParseInt(strings.Split(loc, "/")[2], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// examOf reads learner 1's exam id from the store.
func examOf(t *testing.T, a *app, id int64) store.Exam {
	t.Helper()
	e, err := a.db.Exam(context.Background(), 1, id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// answerVals is the form for an answer: the choices, the flag, where to go.
func answerVals(chosen []string, flag bool, goTo string) url.Values {
	v := url.Values{"choice": chosen, "go": {goTo}}
	if flag {
		v.Set("flag", "1")
	}
	return v
}

func qURL(id int64, n int) string {
	return "/exam/" + strconv.FormatInt(id, 10) + "/q/" + strconv.Itoa(n)
}

// TestExamVisitorPage: /exam renders for a visitor without storing
// anything, names what it approximates and labels the pass mark an
// assumption.
func TestExamVisitorPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	r := a.get("/exam")
	if r.status != http.StatusOK {
		t.Fatalf("GET /exam: %d", r.status)
	}
	if !strings.Contains(r.text(`[data-testid="pass-assumption"]`), "assumption") ||
		!strings.Contains(r.text(`[data-testid="approximates"]`), "Data Engineer Associate") {
		t.Errorf("assumption %q, approximates %q", r.text(`[data-testid="pass-assumption"]`), r.text(`[data-testid="approximates"]`))
	}
	if n := r.doc().Find(`[data-testid="exam-start"] input[name="size"]`).Length(); n != 3 {
		t.Errorf("%d lengths offered, want 3", n)
	}
	if r.doc().Find(`[data-testid="size-20"][checked]`).Length() == 0 {
		t.Error("20 questions is not the default")
	}
	if a.get("/progress").doc().Find(`[data-testid="readiness"]`).Length() != 1 {
		t.Error("/progress has no readiness panel for a visitor")
	}
	if l, err := a.db.Learner(context.Background(), 1); err == nil {
		t.Errorf("a visit stored learner %+v", l)
	}
}

// TestExamFullFlow takes a 20-question exam: every answer right except
// one, one question flagged, the navigator and confirm screen agreeing,
// then the result, the review and the FSRS cards.
func TestExamFullFlow(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	bank := testBank(t)
	id := startExam(t, a, 20)
	e := examOf(t, a, id)
	if len(e.Questions) != 20 || !e.Deadline.Equal(clockT0.Add(40*time.Minute)) {
		t.Fatalf("%d questions, deadline %v", len(e.Questions), e.Deadline)
	}

	page := a.get(qURL(id, 1))
	if page.status != http.StatusOK {
		t.Fatalf("question 1: %d", page.status)
	}
	if got := page.doc().Find(`[data-testid="navigator"] button`).Length(); got != 20 {
		t.Errorf("navigator has %d questions", got)
	}
	if rem, _ := page.doc().Find(`[data-testid="countdown"]`).Attr("data-remaining"); rem != "2400" {
		t.Errorf("countdown starts at %s s, want 2400", rem)
	}
	if page.doc().Find(`[data-testid="explanation"], [data-testid="review-explanation"]`).Length() != 0 {
		t.Error("an explanation is shown during the exam")
	}

	wrongAt, flagAt := 3, 5
	for n := 1; n <= 20; n++ {
		clk.Advance(30 * time.Second)
		it, _ := bank.Item(e.Questions[n-1].ItemID)
		chosen := it.Answers()
		if n == wrongAt {
			for _, o := range it.Options {
				if o != it.Answers()[0] {
					chosen = []string{o}
					break
				}
			}
			if it.Kind == quiz.Classify {
				chosen = []string{map[string]string{"job": "run", "run": "job"}[it.Key]}
			}
		}
		r := a.postForm(qURL(id, n), answerVals(chosen, n == flagAt, "next"))
		want := qURL(id, n+1)
		if n == 20 {
			want = "/exam/" + strconv.FormatInt(id, 10) + "/confirm"
		}
		if r.status != http.StatusSeeOther || r.header.Get("Location") != want {
			t.Fatalf("answer %d: %d → %q, want %q\n%s", n, r.status, r.header.Get("Location"), want, r.body)
		}
	}
	// Change an answer before submitting: back to question 3, made right.
	it3, _ := bank.Item(e.Questions[wrongAt-1].ItemID)
	if r := a.postForm(qURL(id, wrongAt), answerVals(it3.Answers(), false, "prev")); r.header.Get("Location") != qURL(id, wrongAt-1) {
		t.Fatalf("prev goes to %q", r.header.Get("Location"))
	}
	// ... and then wrong again: the last answer before submit counts.
	if it3.Kind == quiz.Classify {
		a.postForm(qURL(id, wrongAt), answerVals([]string{map[string]string{"job": "run", "run": "job"}[it3.Key]}, false, "stay"))
	} else {
		for _, o := range it3.Options {
			if o != it3.Answers()[0] {
				a.postForm(qURL(id, wrongAt), answerVals([]string{o}, false, "stay"))
				break
			}
		}
	}

	q5 := a.get(qURL(id, flagAt))
	if st, _ := q5.doc().Find(`[data-testid="nav-q-5"]`).Attr("data-state"); st != "flagged" {
		t.Errorf("navigator shows question 5 as %q", st)
	}
	if q5.doc().Find(`[data-testid="flag"][checked]`).Length() != 1 {
		t.Error("question 5's flag box is not ticked")
	}
	conf := a.get("/exam/" + strconv.FormatInt(id, 10) + "/confirm")
	if !strings.Contains(conf.text(`[data-testid="confirm-flagged"]`), "Question 5") ||
		conf.doc().Find(`[data-testid="confirm-unanswered"]`).Length() != 0 ||
		!strings.Contains(conf.text(`[data-testid="confirm-answered"]`), "20 of 20") {
		t.Errorf("confirm: flagged %q, answered %q", conf.text(`[data-testid="confirm-flagged"]`), conf.text(`[data-testid="confirm-answered"]`))
	}

	clk.Advance(time.Minute)
	sub := a.postForm("/exam/"+strconv.FormatInt(id, 10)+"/submit", nil)
	if sub.status != http.StatusSeeOther || !strings.HasSuffix(sub.header.Get("Location"), "/result") {
		t.Fatalf("submit: %d %q", sub.status, sub.header.Get("Location"))
	}
	res := a.get(sub.header.Get("Location"))
	if got := res.text(`[data-testid="score"]`); got != "19 / 20" {
		t.Errorf("score %q, want 19 / 20", got)
	}
	if p, _ := res.doc().Find(`[data-testid="verdict"]`).Attr("data-passed"); p != "true" {
		t.Error("19/20 is not a pass")
	}
	if got := res.text(`[data-testid="time-used"]`); !strings.HasPrefix(got, "11m 00s of 40 min") {
		t.Errorf("time used %q, want 11m 00s of 40 min", got)
	}
	items := res.doc().Find(`[data-testid="review-item"]`)
	if items.Length() != 20 {
		t.Fatalf("%d questions reviewed", items.Length())
	}
	first, second := items.Eq(0), items.Eq(1)
	if f, _ := first.Attr("data-flagged"); f != "true" {
		t.Error("the flagged question is not reviewed first")
	}
	if r, _ := second.Attr("data-right"); r != "false" {
		t.Error("the wrong question is not reviewed second")
	}
	if id3, _ := second.Attr("data-item"); id3 != it3.ID {
		t.Errorf("second reviewed %s, want %s", id3, it3.ID)
	}
	if second.Find(`[data-testid="review-key"]`).Length() == 0 || second.Find(`[data-chosen="true"]`).Length() != 1 ||
		!strings.Contains(second.Find(`[data-testid="review-explanation"]`).Text(), strings.Fields(it3.Explanation)[0]) {
		t.Error("the review of the wrong answer lacks the key, the choice or the explanation")
	}
	if href, _ := second.Find(`[data-testid="review-lesson"]`).Attr("href"); href != quiz.ItemLessonURL(it3) {
		t.Errorf("lesson link %q", href)
	}
	if href, _ := second.Find(`[data-testid="review-sandbox"]`).Attr("href"); !strings.HasPrefix(href, "/sandbox?try=") {
		t.Errorf("sandbox link %q", href)
	}
	examTopics := map[string]bool{}
	for _, q := range e.Questions {
		examTopics[q.Topic] = true
	}
	if res.doc().Find(`[data-testid="topic-bars"] li`).Length() != len(examTopics) {
		t.Errorf("%d topic bars", res.doc().Find(`[data-testid="topic-bars"] li`).Length())
	}
	if res.doc().Find(`[data-testid="readiness-row"]`).Length() != len(testBlueprint(t).Topics) {
		t.Error("no readiness per topic after the exam")
	}

	// FSRS learnt from it: the wrong item is a lapse, a right one a review.
	card, err := a.db.Card(context.Background(), 1, it3.ID)
	if err != nil || card.Misses != 1 {
		t.Errorf("wrong item's card %+v, %v", card, err)
	}
	if c, err := a.db.Card(context.Background(), 1, e.Questions[0].ItemID); err != nil || !c.Seen() || c.Misses != 0 {
		t.Errorf("right item's card %+v, %v", c, err)
	}

	// History and chart on /exam; readiness on /progress.
	home := a.get("/exam")
	if home.doc().Find(`[data-testid="exam-history"] tbody tr`).Length() != 1 || home.doc().Find(`[data-testid="score-dots"] circle`).Length() != 1 {
		t.Error("history or chart missing the exam")
	}
	prog := a.get("/progress")
	rows := prog.doc().Find(`[data-testid="readiness-row"]`)
	if rows.Length() != len(testBlueprint(t).Topics) || !strings.Contains(prog.text(`[data-testid="readiness-figures"]`), "exams ") {
		t.Errorf("progress readiness: %d rows, figures %q", rows.Length(), prog.text(`[data-testid="readiness-figures"]`))
	}
	if !strings.Contains(prog.text(`[data-testid="readiness-unknown"]`), "assumption") {
		t.Error("readiness does not say what it does not know")
	}
}

// TestExamDeadline: the server's clock decides. An answer after the
// deadline is refused and not stored, and the exam is submitted with what
// was saved before it; a request without an answer finds it submitted too.
func TestExamDeadline(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"late answer", "next page view"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			clk := newFakeClock()
			a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
			bank := testBank(t)
			id := startExam(t, a, 10)
			e := examOf(t, a, id)
			it1, _ := bank.Item(e.Questions[0].ItemID)
			it2, _ := bank.Item(e.Questions[1].ItemID)
			clk.Advance(19*time.Minute + 59*time.Second)
			if r := a.postForm(qURL(id, 1), answerVals(it1.Answers(), false, "next")); r.status != http.StatusSeeOther || r.header.Get("Location") != qURL(id, 2) {
				t.Fatalf("answer a second before the deadline: %d %q", r.status, r.header.Get("Location"))
			}
			clk.Advance(time.Second) // exactly the deadline
			var r resp
			if how == "late answer" {
				r = a.postForm(qURL(id, 2), answerVals(it2.Answers(), false, "next"))
			} else {
				r = a.get(qURL(id, 2))
			}
			if r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), "/result") {
				t.Fatalf("after the deadline: %d %q", r.status, r.header.Get("Location"))
			}
			e = examOf(t, a, id)
			if !e.Submitted() || !e.Auto || e.Questions[1].Answered() || !e.Questions[0].Answered() {
				t.Fatalf("exam after the deadline: submitted %v auto %v, q1 %v q2 %v", e.Submitted(), e.Auto, e.Questions[0].Chosen, e.Questions[1].Chosen)
			}
			res := a.get(r.header.Get("Location"))
			if res.doc().Find(`[data-testid="auto-note"]`).Length() != 1 || !strings.Contains(res.text(`[data-testid="flash"]`), "Time was up") {
				t.Errorf("result: auto note %d, flash %q", res.doc().Find(`[data-testid="auto-note"]`).Length(), res.text(`[data-testid="flash"]`))
			}
			if got := res.text(`[data-testid="score"]`); got != "1 / 10" {
				t.Errorf("score %q, want 1 / 10", got)
			}
			if got := res.text(`[data-testid="time-used"]`); !strings.HasPrefix(got, "20m 00s of 20 min") {
				t.Errorf("time used %q", got)
			}
		})
	}
}

// TestExamResume: leaving and coming back (a reload, a new visit to /exam)
// resumes the same exam with the time it has left; starting another
// returns to it.
func TestExamResume(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	bank := testBank(t)
	id := startExam(t, a, 10)
	e := examOf(t, a, id)
	it1, _ := bank.Item(e.Questions[0].ItemID)
	a.postForm(qURL(id, 1), answerVals(it1.Answers(), true, "next"))
	clk.Advance(5 * time.Minute)

	home := a.get("/exam")
	if home.doc().Find(`[data-testid="exam-start"]`).Length() != 0 {
		t.Error("the start form is offered during an exam")
	}
	if href, _ := home.doc().Find(`[data-testid="resume"]`).Attr("href"); href != qURL(id, 2) {
		t.Errorf("resume goes to %q, want the first unanswered question", href)
	}
	if got := home.text(`[data-testid="resume-left"]`); !strings.HasPrefix(got, "15:00 left") {
		t.Errorf("resume says %q", got)
	}
	for i := 0; i < 2; i++ { // a reload never restarts the clock
		q := a.get(qURL(id, 1))
		if rem, _ := q.doc().Find(`[data-testid="countdown"]`).Attr("data-remaining"); rem != "900" {
			t.Errorf("reload %d: %s s left, want 900", i, rem)
		}
		if q.doc().Find(`[data-testid="flag"][checked]`).Length() != 1 || q.doc().Find(`input[name="choice"][checked]`).Length() != len(it1.Answers()) {
			t.Errorf("reload %d: the saved answer or flag is not shown", i)
		}
	}
	again := a.postForm("/exam", url.Values{"size": {"20"}})
	if again.header.Get("Location") != qURL(id, 2) {
		t.Errorf("a second start goes to %q, want the exam in progress", again.header.Get("Location"))
	}
	if hist, _ := a.db.ExamHistory(context.Background(), 1, 10); len(hist) != 0 {
		t.Errorf("history during the exam: %d", len(hist))
	}
	if _, err := a.db.OpenExam(context.Background(), 1); err != nil {
		t.Errorf("open exam: %v", err)
	}
}

// TestExamBadInput: forged or misplaced answers are refused with a
// message and record nothing.
func TestExamBadInput(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now, NoSandbox: true})
	bank := testBank(t)
	id := startExam(t, a, 10)
	e := examOf(t, a, id)
	it1, _ := bank.Item(e.Questions[0].ItemID)
	sid := strconv.FormatInt(id, 10)

	tests := []struct {
		name     string
		path     string
		vals     url.Values
		wantCode int
	}{
		{"question not in the exam", "/exam/" + sid + "/q/11", answerVals(it1.Answers(), false, "next"), http.StatusBadRequest},
		{"question zero", "/exam/" + sid + "/q/0", answerVals(it1.Answers(), false, "next"), http.StatusBadRequest},
		{"forged option", qURL(id, 1), answerVals([]string{"DELETE /api/2.2/everything"}, false, "next"), http.StatusBadRequest},
		{"an option twice", qURL(id, 1), answerVals([]string{it1.Options[0], it1.Options[0]}, false, "next"), http.StatusBadRequest},
		{"nowhere to go", qURL(id, 1), answerVals(it1.Answers(), false, "99"), http.StatusBadRequest},
		{"unknown exam", "/exam/999/q/1", answerVals(it1.Answers(), false, "next"), http.StatusNotFound},
		{"malformed exam id", "/exam/x/q/1", answerVals(it1.Answers(), false, "next"), http.StatusNotFound},
		{"length not offered", "/exam", url.Values{"size": {"15"}}, http.StatusBadRequest},
	}
	for _, tt := range tests {
		r := a.postForm(tt.path, tt.vals)
		if r.status != tt.wantCode {
			t.Errorf("%s: %d, want %d", tt.name, r.status, tt.wantCode)
		}
		if tt.wantCode == http.StatusBadRequest && r.doc().Find(".error-page, main").Text() == "" {
			t.Errorf("%s: no message", tt.name)
		}
	}
	if e := examOf(t, a, id); e.Questions[0].Answered() {
		t.Fatalf("a refused answer was recorded: %v", e.Questions[0].Chosen)
	}

	// Another learner can neither see nor answer the exam.
	b := &app{t: t, db: a.db, srv: a.srv, c: &http.Client{CheckRedirect: a.c.CheckRedirect}}
	if r := b.postForm(qURL(id, 1), answerVals(it1.Answers(), false, "next")); r.status != http.StatusNotFound {
		t.Errorf("another learner answers: %d", r.status)
	}
	if r := b.get(qURL(id, 1)); r.status != http.StatusNotFound {
		t.Errorf("another learner reads: %d", r.status)
	}
	if r := b.postForm("/exam/"+sid+"/submit", nil); r.status != http.StatusNotFound {
		t.Errorf("another learner submits: %d", r.status)
	}

	// Submitting twice gives one result; an answer after submit is refused.
	for i := 0; i < 2; i++ {
		if r := a.postForm("/exam/"+sid+"/submit", nil); r.status != http.StatusSeeOther {
			t.Fatalf("submit %d: %d", i, r.status)
		}
	}
	if hist, _ := a.db.ExamHistory(context.Background(), 1, 10); len(hist) != 1 {
		t.Errorf("%d results after two submits", len(hist))
	}
	r := a.postForm(qURL(id, 1), answerVals(it1.Answers(), false, "next"))
	if r.status != http.StatusSeeOther || !strings.HasSuffix(r.header.Get("Location"), "/result") {
		t.Fatalf("answer after submit: %d %q", r.status, r.header.Get("Location"))
	}
	if !strings.Contains(a.get(r.header.Get("Location")).text(`[data-testid="flash"]`), "already submitted") {
		t.Error("no message for an answer after submit")
	}
	if e := examOf(t, a, id); e.Questions[0].Answered() {
		t.Error("an answer after submit was recorded")
	}
	n := 0
	_ = a.db.Attempts(context.Background(), 1, func(quiz.Attempt) error { n++; return nil })
	if n != 0 {
		t.Errorf("%d attempts from an exam with no answers", n)
	}
}
