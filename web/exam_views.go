package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
)

// examHistoryLimit is how many past exams /exam lists and charts.
const examHistoryLimit = 20

// minutes formats an exam's time limit: "40 min", "1 h 20 min".
func minutes(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	if m < 60 {
		return strconv.Itoa(m) + " min"
	}
	if m%60 == 0 {
		return strconv.Itoa(m/60) + " h"
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

// timeUsed is how long an exam ran: to its submission, or to its deadline
// when it was submitted late.
func timeUsed(e store.Exam) time.Duration {
	end := e.SubmittedAt
	if end.After(e.Deadline) {
		end = e.Deadline
	}
	return max(end.Sub(e.StartedAt), 0)
}

func (s *server) examHomeView(r *http.Request) (templates.ExamHomeView, error) {
	ctx := r.Context()
	bp := s.opts.Exam
	v := templates.ExamHomeView{
		Meta:         s.meta(r, "Mock exam", "exam"),
		Name:         bp.Name,
		Approximates: bp.Approximates,
		PerQuestion:  minutes(bp.TimeFor(1)),
		PassPercent:  bp.PassPercent,
	}
	v.Meta.Description = "A timed mock exam on the Databricks Jobs API and CLI, drawn by topic weight, with a review that teaches."
	for _, t := range bp.Topics {
		v.Topics = append(v.Topics, templates.ExamTopicWeight{Title: topicTitle(t.Topic), Weight: t.Weight})
	}
	for _, n := range bp.Lengths {
		v.Lengths = append(v.Lengths, templates.ExamLength{N: n, Minutes: minutes(bp.TimeFor(n)), Selected: n == bp.DefaultLength})
	}
	l, ok := learnerFrom(ctx)
	if !ok {
		v.Chart = templates.NewScoreChart(nil, bp.PassPercent)
		return v, nil // a visitor: nothing stored yet
	}
	open, err := s.db.OpenExam(ctx, l.ID)
	switch {
	case err == nil:
		if open, err = s.closeIfTimeUp(ctx, l.ID, open); err != nil {
			return v, err
		}
		if open.Submitted() {
			v.Meta.Flash = timeUpFlash(open, false)
			break
		}
		answered, flagged := 0, 0
		for _, q := range open.Questions {
			if q.Answered() {
				answered++
			}
			if q.Flagged {
				flagged++
			}
		}
		c := clock(open, s.now())
		v.ResumeURL = resumeURL(open)
		v.ResumeLeft = c.Left + " left (ends " + c.Deadline + ")"
		v.ResumeLabel = fmt.Sprintf("%d of %d answered, %d flagged", answered, len(open.Questions), flagged)
	case !errors.Is(err, store.ErrNotFound):
		return v, err
	}
	hist, err := s.db.ExamHistory(ctx, l.ID, examHistoryLimit)
	if err != nil {
		return v, err
	}
	var pts []templates.ScorePoint
	for _, e := range hist {
		pct := 0
		if e.Scored > 0 {
			pct = e.Correct * 100 / e.Scored
		}
		passed := e.Scored > 0 && e.Correct*100 >= e.PassPercent*e.Scored
		v.History = append(v.History, templates.ExamHistoryRow{
			Date: e.StartedAt.UTC().Format("Mon 2 Jan 15:04"), Size: e.Scored, Correct: e.Correct, Pct: pct,
			Passed: passed, Duration: templates.FormatDuration(timeUsed(e)), Auto: e.Auto, URL: examResultURL(e.ID),
		})
		pts = append(pts, templates.ScorePoint{At: e.SubmittedAt, Pct: pct, Passed: passed})
	}
	v.Chart = templates.NewScoreChart(pts, bp.PassPercent)
	rd, err := s.readiness(r)
	if err != nil {
		return v, err
	}
	v.ReadinessLine = "Readiness: " + rd.Level + ". " + rd.Line
	return v, nil
}

// examOptionLabel is how an option shows: Job / Run for classify items.
func examOptionLabel(it quiz.Item, o string) string {
	if it.Kind == quiz.Classify {
		switch o {
		case "job":
			return "Job"
		case "run":
			return "Run"
		}
	}
	return o
}

func (s *server) examNav(e store.Exam, current int) ([]templates.ExamNavItem, int, int) {
	var nav []templates.ExamNavItem
	answered, flagged := 0, 0
	for i, q := range e.Questions {
		nav = append(nav, templates.ExamNavItem{N: i + 1, Answered: q.Answered(), Flagged: q.Flagged, Current: i+1 == current, URL: examQuestionURL(e.ID, i+1)})
		if q.Answered() {
			answered++
		}
		if q.Flagged {
			flagged++
		}
	}
	return nav, answered, flagged
}

func (s *server) examQuestionView(r *http.Request, e store.Exam, n int, errMsg string) templates.ExamQuestionView {
	q := e.Questions[n-1]
	it, ok := s.bank.Item(q.ItemID)
	v := templates.ExamQuestionView{
		Meta:       s.meta(r, fmt.Sprintf("Exam question %d of %d", n, len(e.Questions)), "exam"),
		ScriptURL:  s.examScript(),
		Action:     examQuestionURL(e.ID, n),
		ConfirmURL: examConfirmURL(e.ID),
		Position:   n,
		Total:      len(e.Questions),
		ItemID:     q.ItemID,
		Flagged:    q.Flagged,
		Clock:      clock(e, s.now()),
		Error:      errMsg,
	}
	v.Nav, v.Answered, v.FlaggedCount = s.examNav(e, n)
	if !ok {
		v.Stem = "This question is no longer in the question bank. Go on to the next one; it is not scored."
		return v
	}
	v.Kind, v.KindLabel, v.TopicTitle, v.Stem = string(it.Kind), kindLabels[it.Kind], topicTitle(it.Topic), it.Stem
	v.Multi = it.Kind == quiz.Multi
	for i, o := range quiz.Shuffle(it, e.Seed) {
		v.Options = append(v.Options, templates.ExamOption{
			N: i + 1, Value: o, Label: examOptionLabel(it, o), Code: codeOptions(it.Kind), Checked: slices.Contains(q.Chosen, o),
		})
	}
	return v
}

func (s *server) examConfirmView(r *http.Request, e store.Exam) templates.ExamConfirmView {
	nav, answered, _ := s.examNav(e, 0)
	v := templates.ExamConfirmView{
		Meta:      s.meta(r, "Submit the exam?", "exam"),
		ScriptURL: s.examScript(),
		SubmitURL: examURL(e.ID) + "/submit",
		BackURL:   resumeURL(e),
		Total:     len(e.Questions),
		Answered:  answered,
		Clock:     clock(e, s.now()),
	}
	if v.BackURL == examConfirmURL(e.ID) {
		v.BackURL = examQuestionURL(e.ID, 1)
	}
	for _, n := range nav {
		if !n.Answered {
			v.Unanswered = append(v.Unanswered, n)
		}
		if n.Flagged {
			v.Flagged = append(v.Flagged, n)
		}
	}
	return v
}

func (s *server) examResultView(r *http.Request, e store.Exam) (templates.ExamResultView, error) {
	bp := s.opts.Exam
	score := quiz.ScoreExam(s.bank, bp, e.Questions, e.PassPercent)
	v := templates.ExamResultView{
		Meta:        s.meta(r, "Exam result", "exam"),
		Name:        bp.Name,
		Correct:     score.Correct,
		Total:       score.Total,
		Answered:    score.Answered,
		Pct:         score.Percent,
		Passed:      score.Passed,
		PassPercent: e.PassPercent,
		TimeUsed:    templates.FormatDuration(timeUsed(e)),
		TimeAllowed: minutes(e.Deadline.Sub(e.StartedAt)),
		Auto:        e.Auto,
		Submitted:   e.SubmittedAt.UTC().Format("Mon 2 Jan 15:04") + " UTC",
	}
	for _, t := range score.Topics {
		tp, _ := quiz.TopicByID(t.Topic)
		v.Topics = append(v.Topics, templates.ExamTopicBar{
			Title: topicTitle(t.Topic), Correct: t.Correct, Total: t.Total, Pct: t.Percent(), LessonURL: tp.LessonURL(),
		})
	}
	for _, i := range quiz.ReviewOrder(e.Questions, score.Right) {
		q := e.Questions[i]
		it, ok := s.bank.Item(q.ItemID)
		if !ok {
			continue
		}
		item := templates.ExamReviewItem{
			Position: i + 1, ItemID: it.ID, Stem: it.Stem, KindLabel: kindLabels[it.Kind], TopicTitle: topicTitle(it.Topic),
			Flagged: q.Flagged, Answered: q.Answered(), Right: score.Right[i], Explanation: it.Explanation,
			LessonURL: lessonURL(it), LessonTitle: s.sectionTitle(it), SandboxURL: "/sandbox?try=" + url.QueryEscape(it.Topic),
		}
		keys := it.Answers()
		for _, o := range quiz.Shuffle(it, e.Seed) {
			item.Answers = append(item.Answers, templates.ExamReviewAnswer{
				Label: examOptionLabel(it, o), Code: codeOptions(it.Kind), Key: slices.Contains(keys, o), Chosen: slices.Contains(q.Chosen, o),
			})
		}
		v.Review = append(v.Review, item)
	}
	rd, err := s.readiness(r)
	if err != nil {
		return v, err
	}
	v.Readiness = rd
	return v, nil
}
