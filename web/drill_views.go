package web

import (
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

func topicTitle(id string) string {
	if id == "" {
		return "All topics"
	}
	if t, ok := quiz.TopicByID(id); ok {
		return t.Title
	}
	return id
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
		StartID: newFormID(),
		Meta:    s.meta(r, "Drill", "drill"),
		Sizes:   drillSizes,
		Size:    quiz.DefaultQueueSize,
		Exam:    s.examForm(exam, ""),
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

var kindLabels = map[quiz.Kind]string{
	quiz.Classify: "Job or run?",
	quiz.Endpoint: "Which endpoint?",
	quiz.CLI:      "CLI and HTTP",
	quiz.Concept:  "Concept",
	quiz.Multi:    "Select all that apply",
}

func codeOptions(k quiz.Kind) bool { return k == quiz.Endpoint || k == quiz.CLI }

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
	if len(st.attempts) > 0 && st.sess.EndedAt.IsZero() {
		v.UndoURL = undoURL(sid)
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

func lessonURL(it quiz.Item) string { return quiz.ItemLessonURL(it) }

func feedbackURL(sid int64, showingID string) string {
	return sessionURL(sid) + "/feedback/" + showingID
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
		UndoURL:     undoURL(sid),
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
	slug := "jobs-api"
	if t, ok := quiz.TopicByID(it.Topic); ok {
		slug = t.Lesson
	}
	if l, err := s.lessons.Get(slug); err == nil {
		id := strings.TrimPrefix(it.Anchor, "#")
		for _, sec := range l.Sections {
			if sec.ID == id {
				return sec.Title
			}
		}
	}
	return topicTitle(it.Topic)
}
