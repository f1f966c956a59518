package web

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
)

// The mock exam: GET /exam (start or resume, history), POST /exam (start),
// one page per question with a form that saves the answer and flag and
// goes on, a confirm screen, submit, and the result with its review. The
// deadline is the server's: every request for an exam whose time is up
// submits it first, with what was saved before the deadline.

func (s *server) examScript() string {
	return strings.Replace(s.static.assets.JS, "/app.js", "/exam.js", 1)
}

func examURL(id int64) string                { return "/exam/" + strconv.FormatInt(id, 10) }
func examQuestionURL(id int64, n int) string { return examURL(id) + "/q/" + strconv.Itoa(n) }
func examResultURL(id int64) string          { return examURL(id) + "/result" }
func examConfirmURL(id int64) string         { return examURL(id) + "/confirm" }

// examIDParam reads {id}; a malformed id is a 404 like an unknown one.
func examIDParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, store.ErrNotFound
	}
	return id, nil
}

// loadExam loads the learner's exam {id}, submitting it first when its
// time is up (the next request after the deadline finds it submitted).
func (s *server) loadExam(r *http.Request) (store.Exam, error) {
	id, err := examIDParam(r)
	if err != nil {
		return store.Exam{}, err
	}
	l, _ := learnerFrom(r.Context())
	e, err := s.db.Exam(r.Context(), l.ID, id)
	if err != nil {
		return store.Exam{}, err
	}
	return s.closeIfTimeUp(r.Context(), l.ID, e)
}

// closeIfTimeUp submits e when its deadline has passed and returns it as
// stored after that.
func (s *server) closeIfTimeUp(ctx context.Context, learnerID int64, e store.Exam) (store.Exam, error) {
	if e.Submitted() || !quiz.TimeUp(e.Deadline, s.now()) {
		return e, nil
	}
	return s.submitExam(ctx, learnerID, e.ID, false)
}

// submitExam submits the exam (auto: the page's own countdown reached
// zero) and returns it. A submit at or after the deadline is recorded as
// time up whoever sent it. Submitting twice records one result.
func (s *server) submitExam(ctx context.Context, learnerID, examID int64, auto bool) (store.Exam, error) {
	cards, err := s.db.Cards(ctx, learnerID)
	if err != nil {
		return store.Exam{}, err
	}
	examDate, err := s.db.ExamDate(ctx, learnerID)
	if err != nil {
		return store.Exam{}, err
	}
	now := s.now()
	e, _, err := s.db.SubmitExam(ctx, learnerID, examID, now, func(e store.Exam) store.ExamSubmission {
		score := quiz.ScoreExam(s.bank, s.opts.Exam, e.Questions, e.PassPercent)
		attempts, after := quiz.ExamFeed(s.bank, learnerID, e.ID, e.Questions, cards, now, examDate)
		return store.ExamSubmission{
			Auto:     auto || quiz.TimeUp(e.Deadline, now),
			Right:    score.Right,
			Correct:  score.Correct,
			Scored:   score.Total,
			Attempts: attempts,
			Cards:    after,
		}
	})
	if err != nil {
		return store.Exam{}, err
	}
	if !e.Submitted() { // submitted meanwhile by another request: read it
		return s.db.Exam(ctx, learnerID, examID)
	}
	return e, nil
}

func (s *server) handleExamHome(w http.ResponseWriter, r *http.Request) {
	v, err := s.examHomeView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.ExamHome(v))
}

func (s *server) handleExamStart(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	bp := s.opts.Exam
	size := bp.DefaultLength
	if raw := r.PostFormValue("size"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || !bp.AllowsLength(n) {
			s.fail(w, r, badRequest{fmt.Sprintf("An exam has %s questions.", joinInts(bp.Lengths))})
			return
		}
		size = n
	}
	ctx := r.Context()
	l, _ := learnerFrom(ctx)
	// An exam whose time is up is submitted before a new one starts.
	if open, err := s.db.OpenExam(ctx, l.ID); err == nil {
		if _, err := s.closeIfTimeUp(ctx, l.ID, open); err != nil {
			s.fail(w, r, err)
			return
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, err)
		return
	}
	recent := map[string]bool{}
	hist, err := s.db.ExamHistory(ctx, l.ID, quiz.RecentExams)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, e := range hist {
		for _, q := range e.Questions {
			recent[q.ItemID] = true
		}
	}
	seed := rand.Uint64()
	qs, err := quiz.Draw(s.bank, bp, size, recent, seed)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	e, started, err := s.db.StartExam(ctx, store.Exam{
		LearnerID: l.ID, Seed: seed, PassPercent: bp.PassPercent,
		StartedAt: now, Deadline: now.Add(bp.TimeFor(size)), Questions: qs,
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !started {
		s.redirectFlash(w, r, resumeURL(e), "You already have an exam in progress: here it is, with the time it has left. Submit it before starting another.")
		return
	}
	http.Redirect(w, r, examQuestionURL(e.ID, 1), http.StatusSeeOther)
}

// resumeURL is where an exam in progress picks up: its first unanswered
// question, or the confirm screen when all are answered.
func resumeURL(e store.Exam) string {
	for i, q := range e.Questions {
		if !q.Answered() {
			return examQuestionURL(e.ID, i+1)
		}
	}
	return examConfirmURL(e.ID)
}

func (s *server) handleExamShow(w http.ResponseWriter, r *http.Request) {
	e, err := s.loadExam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if e.Submitted() {
		http.Redirect(w, r, examResultURL(e.ID), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, resumeURL(e), http.StatusSeeOther)
}

// questionParam reads {n}: a position in e. Anything else is a 400: the
// question is not in this exam.
func questionParam(r *http.Request, e store.Exam) (int, error) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 1 || n > len(e.Questions) {
		return 0, badRequest{fmt.Sprintf("There is no question %q in this exam: it has questions 1 to %d.", r.PathValue("n"), len(e.Questions))}
	}
	return n, nil
}

// timeUpFlash says what happened to an exam found past its deadline.
func timeUpFlash(e store.Exam, refused bool) string {
	msg := "Time was up at " + e.Deadline.UTC().Format("15:04:05") + " UTC: the exam was submitted with the answers saved before the deadline."
	if refused {
		msg = "Time was up at " + e.Deadline.UTC().Format("15:04:05") + " UTC, so that answer was not recorded. The exam was submitted with the answers saved before the deadline."
	}
	return msg
}

func (s *server) handleExamQuestion(w http.ResponseWriter, r *http.Request) {
	e, err := s.loadExam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if e.Submitted() {
		flash := ""
		if e.Auto {
			flash = timeUpFlash(e, false)
		}
		s.redirectFlash(w, r, examResultURL(e.ID), flash)
		return
	}
	n, err := questionParam(r, e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.ExamQuestionPage(s.examQuestionView(r, e, n, "")))
}

func (s *server) handleExamAnswer(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id, err := examIDParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ctx := r.Context()
	l, _ := learnerFrom(ctx)
	e, err := s.db.Exam(ctx, l.ID, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if e.Submitted() {
		s.redirectFlash(w, r, examResultURL(e.ID), "This exam was already submitted, so that answer was not recorded.")
		return
	}
	n, err := questionParam(r, e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	it, ok := s.bank.Item(e.Questions[n-1].ItemID)
	if !ok {
		s.fail(w, r, badRequest{"That question is no longer in the question bank; go on to the next one."})
		return
	}
	chosen := r.PostForm["choice"]
	if err := quiz.CheckExamAnswer(it, chosen); err != nil {
		s.fail(w, r, badRequest{"That answer is not one of this question's options: choose from its own options (just one, unless it says select all)."})
		return
	}
	target, err := examTarget(e, n, r.PostFormValue("go"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	flagged := r.PostFormValue("flag") != ""
	now := s.now()
	if quiz.TimeUp(e.Deadline, now) {
		s.timeUp(w, r, l.ID, e)
		return
	}
	switch err := s.db.SaveExamAnswer(ctx, l.ID, e.ID, n, chosen, flagged, now); {
	case errors.Is(err, store.ErrExamClosed):
		s.timeUp(w, r, l.ID, e) // submitted or timed out meanwhile
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	switch target {
	case "submit", "timeup":
		if _, err := s.submitExam(ctx, l.ID, e.ID, target == "timeup"); err != nil {
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, examResultURL(e.ID), http.StatusSeeOther)
	default:
		http.Redirect(w, r, target, http.StatusSeeOther)
	}
}

// timeUp answers a refused answer: the exam is closed (time up, or
// submitted meanwhile); it is submitted if it is not yet and the learner
// goes to the result with a message. Nothing of the refused answer is kept.
func (s *server) timeUp(w http.ResponseWriter, r *http.Request, learnerID int64, e store.Exam) {
	e, err := s.submitExam(r.Context(), learnerID, e.ID, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "This exam was already submitted, so that answer was not recorded."
	if e.Auto {
		msg = timeUpFlash(e, true)
	}
	s.redirectFlash(w, r, examResultURL(e.ID), msg)
}

// examTarget maps the pressed button ("go") on question n to where the
// learner goes after the save: a URL, or "submit" / "timeup" to submit.
func examTarget(e store.Exam, n int, goTo string) (string, error) {
	switch goTo {
	case "", "next":
		if n >= len(e.Questions) {
			return examConfirmURL(e.ID), nil
		}
		return examQuestionURL(e.ID, n+1), nil
	case "prev":
		return examQuestionURL(e.ID, max(n-1, 1)), nil
	case "stay":
		return examQuestionURL(e.ID, n), nil
	case "confirm":
		return examConfirmURL(e.ID), nil
	case "submit", "timeup":
		return goTo, nil
	}
	k, err := strconv.Atoi(goTo)
	if err != nil || k < 1 || k > len(e.Questions) {
		return "", badRequest{fmt.Sprintf("There is no question %q in this exam to go to.", goTo)}
	}
	return examQuestionURL(e.ID, k), nil
}

func (s *server) handleExamConfirm(w http.ResponseWriter, r *http.Request) {
	e, err := s.loadExam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if e.Submitted() {
		http.Redirect(w, r, examResultURL(e.ID), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, templates.ExamConfirmPage(s.examConfirmView(r, e)))
}

func (s *server) handleExamSubmit(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id, err := examIDParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, _ := learnerFrom(r.Context())
	if _, err := s.submitExam(r.Context(), l.ID, id, r.PostFormValue("timeup") != ""); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, examResultURL(id), http.StatusSeeOther)
}

func (s *server) handleExamResult(w http.ResponseWriter, r *http.Request) {
	e, err := s.loadExam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !e.Submitted() {
		http.Redirect(w, r, resumeURL(e), http.StatusSeeOther)
		return
	}
	v, err := s.examResultView(r, e)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.ExamResultPage(v))
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// clock is the countdown of an exam at now.
func clock(e store.Exam, now time.Time) templates.ExamClock {
	left := quiz.Remaining(e.Deadline, now)
	secs := int(left / time.Second)
	return templates.ExamClock{
		Remaining:   secs,
		Deadline:    e.Deadline.UTC().Format("15:04:05") + " UTC",
		DeadlineISO: e.Deadline.UTC().Format(time.RFC3339),
		Left:        fmt.Sprintf("%d:%02d", secs/60, secs%60),
	}
}
