package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
)

// drillSizes are the session sizes offered; any size from 1 to
// maxDrillSize is accepted from a form.
var drillSizes = []int{10, 20, 30, 50}

const maxDrillSize = 100

func (s *server) drillScript() string {
	return strings.Replace(s.static.assets.JS, "/app.js", "/drill.js", 1)
}

// sessionIDParam reads {id}; a malformed id is a 404 like an unknown one.
func sessionIDParam(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, store.ErrNotFound
	}
	return id, nil
}

// validTopic checks a topic from a form or query: "" (all) or a known id.
func validTopic(id string) error {
	if id == "" {
		return nil
	}
	if _, ok := quiz.TopicByID(id); ok {
		return nil
	}
	return badRequest{fmt.Sprintf("There is no drill topic %q. The topics are: %s.", id, strings.Join(topicIDs(), ", "))}
}

func (s *server) handleDrillHome(w http.ResponseWriter, r *http.Request) {
	topic := r.URL.Query().Get("topic")
	if err := validTopic(topic); err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.drillHomeView(r, topic)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.DrillHome(v))
}

func (s *server) handleDrillStart(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	topic := r.PostFormValue("topic")
	if err := validTopic(topic); err != nil {
		s.fail(w, r, err)
		return
	}
	size := quiz.DefaultQueueSize
	if raw := r.PostFormValue("size"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxDrillSize {
			s.fail(w, r, badRequest{fmt.Sprintf("A session has 1 to %d questions.", maxDrillSize)})
			return
		}
		size = n
	}
	l, _ := learnerFrom(r.Context())
	create := func() (int64, error) {
		sess, err := s.db.StartDrillSession(r.Context(), l.ID, topic, size, s.now())
		return sess.ID, err
	}
	var id int64
	var err error
	// One click, one session: a repeated start_id gets the session its
	// first POST started.
	if startID := r.PostFormValue("start_id"); validFormID(startID) {
		id, err = s.starts.once(l.ID, startID, create)
	} else {
		id, err = create()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, sessionURL(id), http.StatusSeeOther)
}

// parseExamDate validates the exam-date form value: a calendar day from
// today (UTC) to three years on. It returns the day at 00:00 UTC, or a
// message for the form.
func parseExamDate(raw string, now time.Time) (time.Time, string) {
	d, err := time.Parse(time.DateOnly, raw)
	if err != nil {
		return time.Time{}, "Enter a date as YYYY-MM-DD, for example " + now.UTC().AddDate(0, 1, 0).Format(time.DateOnly) + "."
	}
	today := now.UTC().Truncate(24 * time.Hour)
	switch {
	case d.Before(today):
		return time.Time{}, "That date has passed. Pick today or a later day."
	case d.After(today.AddDate(3, 0, 0)):
		return time.Time{}, "Pick a date within the next three years."
	}
	return d, ""
}

func (s *server) handleExamDate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	l, _ := learnerFrom(r.Context())
	raw := strings.TrimSpace(r.PostFormValue("exam_date"))
	formError := func(msg string) {
		v, err := s.drillHomeView(r, "")
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Exam.Value, v.Exam.Error = raw, msg
		s.render(w, r, http.StatusBadRequest, templates.DrillHome(v))
	}
	var date time.Time
	flash := "Exam date cleared. Intervals are no longer capped."
	if r.PostFormValue("clear") == "" && raw != "" {
		d, msg := parseExamDate(raw, s.now())
		if msg != "" {
			formError(msg)
			return
		}
		date = d
		flash = "Exam date set to " + d.Format("Monday 2 January 2006") + ". Every item you have seen comes back before then."
	} else {
		// Clear, or Save with an empty field: clears a date that is set;
		// with none set there is nothing to do, and the learner should know.
		old, err := s.db.ExamDate(r.Context(), l.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if old.IsZero() {
			formError("Pick a date first.")
			return
		}
	}
	if err := s.db.SetExamDate(r.Context(), l.ID, date); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirectFlash(w, r, "/drill", flash)
}

// drillState is everything the session page is computed from.
type drillState struct {
	sess      store.DrillSession
	attempts  []quiz.Attempt
	cards     map[string]quiz.Card
	suspended map[string]bool
	exam      time.Time
}

func (s *server) loadDrill(ctx context.Context, learnerID, sid int64) (drillState, error) {
	var st drillState
	var err error
	if st.sess, err = s.db.DrillSession(ctx, learnerID, sid); err != nil {
		return st, err
	}
	if st.attempts, err = s.db.SessionAttempts(ctx, learnerID, sid); err != nil {
		return st, err
	}
	if st.cards, err = s.db.Cards(ctx, learnerID); err != nil {
		return st, err
	}
	if st.suspended, err = s.db.Suspended(ctx, learnerID); err != nil {
		return st, err
	}
	st.exam, err = s.db.ExamDate(ctx, learnerID)
	return st, err
}

// next picks the session's next item (quiz.Next).
func (s *server) next(st drillState, now time.Time) (quiz.Item, bool) {
	return quiz.Next(s.bank, quiz.Session{Topic: st.sess.Topic, Size: st.sess.Size, Attempts: st.attempts,
		Cards: st.cards, ExamDate: st.exam, Suspended: st.suspended}, now)
}

func (s *server) handleDrillShow(w http.ResponseWriter, r *http.Request) {
	sid, err := sessionIDParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, _ := learnerFrom(r.Context())
	st, err := s.loadDrill(r.Context(), l.ID, sid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	it, ok := s.next(st, now)
	if !ok || !st.sess.EndedAt.IsZero() {
		s.showSummary(w, r, st, now)
		return
	}
	v := s.questionView(r, st, it, now)
	s.renderHX(w, r, http.StatusOK, templates.DrillQuestion(v), templates.DrillQuestionPage(v))
}

func (s *server) showSummary(w http.ResponseWriter, r *http.Request, st drillState, now time.Time) {
	l, _ := learnerFrom(r.Context())
	if st.sess.EndedAt.IsZero() {
		if err := s.db.EndDrillSession(r.Context(), l.ID, st.sess.ID, now); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	sum := quiz.Summarize(s.bank, st.cards, st.attempts, st.exam)
	v := templates.DrillSummaryView{
		StartID:     newFormID(),
		Meta:        s.meta(r, "Session done", "drill"),
		ScriptURL:   s.drillScript(),
		SessionID:   st.sess.ID,
		Topic:       st.sess.Topic,
		TopicTitle:  topicTitle(st.sess.Topic),
		Size:        st.sess.Size,
		Answered:    sum.Answered,
		Correct:     sum.Correct,
		AccuracyPct: int(sum.Accuracy*100 + 0.5),
		Took:        templates.FormatDuration(sum.Took),
		BankSize:    s.bank.Len(),
		NotSolid:    sum.NotSolid,
	}
	if !sum.NextDue.IsZero() {
		v.NextDue = whenDue(now, sum.NextDue)
	}
	if !st.exam.IsZero() {
		v.ExamDate = st.exam.UTC().Format("2 January 2006")
	}
	for _, id := range sum.Review {
		if it, ok := s.bank.Item(id); ok {
			v.Review = append(v.Review, templates.DrillReviewItem{
				Stem: it.Stem, TopicTitle: topicTitle(it.Topic), LessonURL: lessonURL(it),
			})
		}
	}
	s.renderHX(w, r, http.StatusOK, templates.DrillSummary(v), templates.DrillSummaryPage(v))
}
