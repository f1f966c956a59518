package web

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
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

// A showing is one display of one item in one session. The form carries it
// signed, so the server can trust, without storing anything, which item was
// shown, in which option order (Shuffle with Seed) and since when.
type showing struct {
	SessionID int64
	ItemID    string
	Seed      uint64
	ShownAt   time.Time
}

// newShowingKey derives the HMAC key for showings from the session
// authentication key, so that it needs no configuration of its own and a
// cookie key never signs anything but cookies. NewServer computes it once.
func newShowingKey(sessionAuthKey []byte) []byte {
	m := hmac.New(sha256.New, sessionAuthKey)
	m.Write([]byte("jobs-api-trainer/drill-showing/v1"))
	return m.Sum(nil)
}

func (s *server) showingMAC(payload string) []byte {
	m := hmac.New(sha256.New, s.showingKey)
	m.Write([]byte(payload))
	return m.Sum(nil)[:18]
}

// signShowing encodes sh as "v1.<session>.<item>.<seed hex>.<ms>.<mac>".
// Item ids are [a-z0-9-]+, so the dots are unambiguous.
func (s *server) signShowing(sh showing) string {
	payload := "v1." + strconv.FormatInt(sh.SessionID, 10) + "." + sh.ItemID + "." +
		strconv.FormatUint(sh.Seed, 16) + "." + strconv.FormatInt(sh.ShownAt.UnixMilli(), 10)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.showingMAC(payload))
}

// verifyShowing checks the signature of a token from signShowing and
// decodes it.
func (s *server) verifyShowing(tok string) (showing, bool) {
	if len(tok) > 512 {
		return showing{}, false
	}
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		return showing{}, false
	}
	payload := tok[:i]
	mac, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil || !hmac.Equal(mac, s.showingMAC(payload)) {
		return showing{}, false
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 5 || parts[0] != "v1" {
		return showing{}, false
	}
	sid, err1 := strconv.ParseInt(parts[1], 10, 64)
	seed, err2 := strconv.ParseUint(parts[3], 16, 64)
	at, err3 := strconv.ParseInt(parts[4], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return showing{}, false
	}
	return showing{SessionID: sid, ItemID: parts[2], Seed: seed, ShownAt: time.UnixMilli(at).UTC()}, true
}

// showingID is the store's idempotency key for a token: one attempt per
// showing, so a double submit is recorded once.
func showingID(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:16])
}

// seedFor is the shuffle seed of item in session sid. It is the same on
// every showing of the item in the session, so a reload keeps the option
// order and the feedback page can show it again from the item alone.
func (s *server) seedFor(sid int64, itemID string) uint64 {
	m := hmac.New(sha256.New, s.showingKey)
	fmt.Fprintf(m, "seed.%d.%s", sid, itemID)
	return binary.BigEndian.Uint64(m.Sum(nil))
}

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

func topicTitle(id string) string {
	if id == "" {
		return "All topics"
	}
	if t, ok := quiz.TopicByID(id); ok {
		return t.Title
	}
	return id
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

func (s *server) drillHomeView(r *http.Request, topic string) (templates.DrillHomeView, error) {
	ctx := r.Context()
	l, _ := learnerFrom(ctx)
	cards, err := s.db.Cards(ctx, l.ID)
	if err != nil {
		return templates.DrillHomeView{}, err
	}
	exam, err := s.db.ExamDate(ctx, l.ID)
	if err != nil {
		return templates.DrillHomeView{}, err
	}
	recent, err := s.db.RecentSessions(ctx, l.ID, 1)
	if err != nil {
		return templates.DrillHomeView{}, err
	}
	per := quiz.Stats(s.bank, cards, s.now())
	v := templates.DrillHomeView{
		Meta:  s.meta(r, "Drill", "drill"),
		Sizes: drillSizes,
		Size:  quiz.DefaultQueueSize,
		Exam:  s.examForm(exam, ""),
	}
	v.Meta.Description = "Drill the Databricks Jobs API: job or run, which endpoint, paging, repair, the CLI."
	for _, id := range append([]string{""}, topicIDs()...) {
		n := per[id]
		v.Topics = append(v.Topics, templates.DrillTopicChoice{
			ID: id, Title: topicTitle(id), Due: n.DueNow, New: n.New, Selected: id == topic,
		})
	}
	sel := per[topic]
	v.DueNow, v.New, v.Leeches = sel.DueNow, sel.New, sel.Leeches
	if len(recent) == 1 && recent[0].EndedAt.IsZero() && recent[0].Answered > 0 {
		v.ResumeURL = sessionURL(recent[0].ID)
		v.ResumeLabel = fmt.Sprintf("%s, %d of %d answered", topicTitle(recent[0].Topic), recent[0].Answered, recent[0].Size)
	}
	return v, nil
}

func topicIDs() []string {
	out := make([]string, len(quiz.Topics))
	for i, t := range quiz.Topics {
		out[i] = t.ID
	}
	return out
}

// examForm is the exam-date form for a stored date (zero: none), with an
// error message and the raw value when a submission was rejected.
func (s *server) examForm(date time.Time, errMsg string) templates.ExamDateForm {
	f := templates.ExamDateForm{Min: s.now().UTC().Format(time.DateOnly), Error: errMsg}
	if !date.IsZero() {
		f.Value = date.UTC().Format(time.DateOnly)
		f.Label = date.UTC().Format("Monday 2 January 2006")
	}
	return f
}

func sessionURL(id int64) string { return "/drill/s/" + strconv.FormatInt(id, 10) }

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
	sess, err := s.db.StartDrillSession(r.Context(), l.ID, topic, size, s.now())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, sessionURL(sess.ID), http.StatusSeeOther)
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
	sess     store.DrillSession
	attempts []quiz.Attempt
	cards    map[string]quiz.Card
	exam     time.Time
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
	st.exam, err = s.db.ExamDate(ctx, learnerID)
	return st, err
}

// next picks the session's next item (quiz.Next).
func (s *server) next(st drillState, now time.Time) (quiz.Item, bool) {
	return quiz.Next(s.bank, quiz.Session{Topic: st.sess.Topic, Size: st.sess.Size, Attempts: st.attempts,
		Cards: st.cards, ExamDate: st.exam}, now)
}

var kindLabels = map[quiz.Kind]string{
	quiz.Classify: "Job or run?",
	quiz.Endpoint: "Which endpoint?",
	quiz.CLI:      "CLI and HTTP",
	quiz.Concept:  "Concept",
	quiz.Multi:    "Select all that apply",
}

func codeOptions(k quiz.Kind) bool { return k == quiz.Endpoint || k == quiz.CLI }

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

func (s *server) questionView(r *http.Request, st drillState, it quiz.Item, now time.Time) templates.DrillQuestionView {
	sid := st.sess.ID
	seed := s.seedFor(sid, it.ID)
	pos := len(st.attempts) + 1
	total := max(st.sess.Size, pos)
	if pos == total && it.Kind == quiz.Classify {
		if _, _, ok := s.bank.Pair(it.Scenario); ok {
			total++ // its endpoint half follows
		}
	}
	v := templates.DrillQuestionView{
		Meta:       s.meta(r, fmt.Sprintf("Question %d of %d", pos, total), "drill"),
		ScriptURL:  s.drillScript(),
		SessionID:  sid,
		Action:     sessionURL(sid) + "/answer",
		Showing:    s.signShowing(showing{SessionID: sid, ItemID: it.ID, Seed: seed, ShownAt: now}),
		ItemID:     it.ID,
		Kind:       string(it.Kind),
		KindLabel:  kindLabels[it.Kind],
		TopicTitle: topicTitle(it.Topic),
		Position:   pos,
		Total:      total,
		Stem:       it.Stem,
	}
	for i, o := range quiz.Shuffle(it, seed) {
		v.Options = append(v.Options, templates.DrillOption{N: i + 1, Value: o, Code: codeOptions(it.Kind)})
	}
	if c := st.cards[it.ID]; c.IsLeech() {
		v.Leech, v.LeechMisses, v.Explanation = true, c.Misses, it.Explanation
	}
	if n := len(st.attempts); it.Kind == quiz.Endpoint && n > 0 {
		last := st.attempts[n-1]
		if cl, _, ok := s.bank.Pair(it.Scenario); ok && last.ItemID == cl.ID && len(last.Chosen) == 1 {
			v.Prior = &templates.DrillPrior{Correct: last.Correct, Chosen: last.Chosen[0], Key: cl.Key}
		}
	}
	return v
}

// whenDue says when t comes, from now, in the progress page's buckets (due
// now, today and this week, by UTC calendar day): "now" only when it is
// already due, "in 10 min" within the hour, "today 15:30 UTC", "tomorrow
// 09:00 UTC", "Thursday 09:00 UTC" within the week, else "on Thursday 5
// March".
func whenDue(now, t time.Time) string {
	d := t.Sub(now)
	n := now.UTC()
	tomorrow := time.Date(n.Year(), n.Month(), n.Day()+1, 0, 0, 0, 0, time.UTC)
	switch {
	case d <= 0:
		return "now"
	case d < time.Minute:
		return "in under a minute"
	case d < time.Hour:
		return fmt.Sprintf("in %d min", int((d+time.Minute-1)/time.Minute))
	case t.Before(tomorrow):
		return "today " + t.UTC().Format("15:04") + " UTC"
	case t.Before(tomorrow.AddDate(0, 0, 1)):
		return "tomorrow " + t.UTC().Format("15:04") + " UTC"
	case t.Before(now.AddDate(0, 0, 7)):
		return t.UTC().Format("Monday 15:04") + " UTC"
	default:
		return "on " + t.UTC().Format("Monday 2 January")
	}
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

func lessonURL(it quiz.Item) string { return lessonPath + it.Anchor }

func feedbackURL(sid int64, showingID string) string {
	return sessionURL(sid) + "/feedback/" + showingID
}

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
		// given first stands, and its feedback is shown again.
		s.answered(w, r, sid, st.Answered, nil)
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
		s.answered(w, r, sid, cmp.Or(st.Answered, a.ShowingID), nil)
		return
	}
	s.answered(w, r, sid, a.ShowingID, &a)
}

// answered answers a recorded attempt: 303 to its feedback page for a
// plain form, the feedback fragment for htmx. a may be nil to load it.
func (s *server) answered(w http.ResponseWriter, r *http.Request, sid int64, showingID string, a *quiz.Attempt) {
	if !isHTMX(r) {
		http.Redirect(w, r, feedbackURL(sid, showingID), http.StatusSeeOther)
		return
	}
	v, err := s.feedbackFor(r, sid, showingID, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
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

func (s *server) feedbackFor(r *http.Request, sid int64, showingID string, a *quiz.Attempt) (templates.DrillFeedbackView, error) {
	if a == nil {
		l, _ := learnerFrom(r.Context())
		got, err := s.db.AttemptByShowing(r.Context(), l.ID, showingID)
		if err != nil {
			return templates.DrillFeedbackView{}, err
		}
		a = &got
	}
	if a.SessionID != sid {
		return templates.DrillFeedbackView{}, store.ErrNotFound
	}
	it, ok := s.bank.Item(a.ItemID)
	if !ok {
		return templates.DrillFeedbackView{}, store.ErrNotFound
	}
	v := templates.DrillFeedbackView{
		Meta:        s.meta(r, "Feedback", "drill"),
		ScriptURL:   s.drillScript(),
		SessionID:   sid,
		NextURL:     sessionURL(sid),
		Correct:     a.Correct,
		Kind:        string(it.Kind),
		Stem:        it.Stem,
		Explanation: it.Explanation,
		LessonURL:   lessonURL(it),
		LessonTitle: s.sectionTitle(it),
		SandboxURL:  "/sandbox?try=" + url.QueryEscape(it.Topic),
		Took:        templates.FormatDuration(a.Took),
	}
	keys := it.Answers()
	for _, o := range quiz.Shuffle(it, s.seedFor(sid, it.ID)) {
		v.Answers = append(v.Answers, templates.DrillAnswer{
			Value: o, Code: codeOptions(it.Kind),
			Key: slices.Contains(keys, o), Chosen: slices.Contains(a.Chosen, o),
		})
	}
	return v, nil
}

// sectionTitle is the title of the lesson section an item links to.
func (s *server) sectionTitle(it quiz.Item) string {
	if l, err := s.lessons.Get(lessonSlug); err == nil {
		id := strings.TrimPrefix(it.Anchor, "#")
		for _, sec := range l.Sections {
			if sec.ID == id {
				return sec.Title
			}
		}
	}
	return topicTitle(it.Topic)
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
	s.renderHX(w, r, http.StatusOK, templates.DrillFeedback(v), templates.DrillFeedbackPage(v))
}
