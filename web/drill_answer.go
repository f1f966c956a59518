package web

import (
	"cmp"
	"errors"
	"net/http"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/templates"
)

func (s *server) handleDrillAnswer(w http.ResponseWriter, r *http.Request) {
	sid, err := sessionIDParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	tok := r.PostFormValue("showing")
	sh, ok := s.verifyShowing(tok)
	if !ok {
		s.fail(w, r, badRequest{"This answer did not come from a question this server showed (its signature does not match). Go back to the drill and answer again."})
		return
	}
	if sh.SessionID != sid {
		s.fail(w, r, badRequest{"This answer belongs to another drill session."})
		return
	}
	it, ok := s.bank.Item(sh.ItemID)
	if !ok {
		s.fail(w, r, badRequest{"That question is not in the question bank (it may have been removed). Go back to the drill for the next one."})
		return
	}
	ctx := r.Context()
	l, _ := learnerFrom(ctx)
	st, err := s.db.AnswerState(ctx, l.ID, sid, it.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if st.Answered != "" {
		// A double submit, a retried request or a second tab: the answer
		// given first stands, and its feedback is shown again (saying so
		// when it was given from another showing: another tab).
		s.answered(w, r, sid, st.Answered, nil, st.Answered != showingID(tok))
		return
	}
	if !st.Session.EndedAt.IsZero() {
		s.fail(w, r, badRequest{"This drill session has ended. Start a new one from the drill page."})
		return
	}
	chosen := r.PostForm["choice"]
	a, card, err := quiz.Decide(quiz.Answer{LearnerID: l.ID, SessionID: sid, ShowingID: showingID(tok), Item: it,
		Chosen: chosen, Card: st.Card, ShownAt: sh.ShownAt, Now: s.now(), ExamDate: st.ExamDate})
	if errors.Is(err, quiz.ErrBadAnswer) {
		if len(chosen) == 0 {
			s.retryQuestion(w, r, sid, it, tok)
			return
		}
		s.fail(w, r, badRequest{"That answer is not one of this question's possible answers: choose from its own options (just one, unless it says select all)."})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	recorded, err := s.db.RecordAnswer(ctx, a, card)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !recorded {
		// Lost a race with the same showing, or with another showing of
		// the same item (a second tab): show the answer that was stored.
		st, err := s.db.AnswerState(ctx, l.ID, sid, it.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		stored := cmp.Or(st.Answered, a.ShowingID)
		s.answered(w, r, sid, stored, nil, stored != a.ShowingID)
		return
	}
	s.answered(w, r, sid, a.ShowingID, &a, false)
}

// answered answers a recorded attempt: 303 to its feedback page for a
// plain form, the feedback fragment for htmx. a may be nil to load it.
//
// The feedback has its own stable URL: a plain form is sent there, and
// htmx pushes it into the history, so a reload shows the same feedback
// and Back returns to the session. elsewhere says the answer shown was
// given from another showing of the question (another tab or window).
func (s *server) answered(w http.ResponseWriter, r *http.Request, sid int64, showingID string, a *quiz.Attempt, elsewhere bool) {
	to := feedbackURL(sid, showingID)
	if elsewhere {
		to += "?elsewhere=1"
	}
	if !isHTMX(r) {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	v, err := s.feedbackFor(r, sid, showingID, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Elsewhere = elsewhere
	w.Header().Set("HX-Push-Url", to)
	s.render(w, r, http.StatusOK, templates.DrillFeedback(v))
}

// retryQuestion shows the same showing again with a message: nothing was
// chosen (possible without JavaScript in a "select all" question).
func (s *server) retryQuestion(w http.ResponseWriter, r *http.Request, sid int64, it quiz.Item, tok string) {
	l, _ := learnerFrom(r.Context())
	st, err := s.loadDrill(r.Context(), l.ID, sid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.questionView(r, st, it, s.now())
	v.Showing = tok // keep the original shown-at time
	v.Error = "Choose an answer first."
	s.renderHX(w, r, http.StatusBadRequest, templates.DrillQuestion(v), templates.DrillQuestionPage(v))
}

func (s *server) handleDrillFeedback(w http.ResponseWriter, r *http.Request) {
	sid, err := sessionIDParam(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.feedbackFor(r, sid, r.PathValue("showing"), nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Elsewhere = r.URL.Query().Get("elsewhere") == "1"
	s.renderHX(w, r, http.StatusOK, templates.DrillFeedback(v), templates.DrillFeedbackPage(v))
}
