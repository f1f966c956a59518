package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/templates"
)

// actionDrillSize is the size of the drill a readiness action starts.
const actionDrillSize = 10

// readiness computes the learner's readiness (quiz.ComputeReadiness) from
// their answers, exams, cards and exam date, and builds its panel. A
// visitor gets the panel of someone who has done nothing yet.
func (s *server) readiness(r *http.Request) (templates.ReadinessView, error) {
	ctx := r.Context()
	l, _ := learnerFrom(ctx)
	now := s.now()
	in := quiz.ReadinessInput{Now: now}
	var err error
	if in.Cards, err = s.db.Cards(ctx, l.ID); err != nil {
		return templates.ReadinessView{}, err
	}
	if in.ExamDate, err = s.db.ExamDate(ctx, l.ID); err != nil {
		return templates.ReadinessView{}, err
	}
	if in.Drills, err = s.db.DrillTallies(ctx, l.ID); err != nil {
		return templates.ReadinessView{}, err
	}
	hist, err := s.db.ExamHistory(ctx, l.ID, quiz.RecentExams)
	if err != nil {
		return templates.ReadinessView{}, err
	}
	for _, e := range hist {
		score := quiz.ScoreExam(s.bank, s.opts.Exam, e.Questions, e.PassPercent)
		in.Exams = append(in.Exams, quiz.ExamOutcome{SubmittedAt: e.SubmittedAt, Topics: score.Topics})
	}
	v := readinessView(quiz.ComputeReadiness(s.bank, s.opts.Exam, in), s.opts.Exam)
	v.HTML = renderedReadiness(v)
	return v, nil
}

// renderedPanels holds readiness panels as rendered, keyed by every field
// the panel shows: the panel is a pure function of them, rendering it was
// a tenth of the progress page's CPU, and most views find the same panel
// as the last. Bounded by the LRU.
var renderedPanels = func() *lru.Cache[string, string] {
	c, _ := lru.New[string, string](1024)
	return c
}()

// renderedReadiness is v's panel, rendered once per distinct v.
func renderedReadiness(v templates.ReadinessView) templ.Component {
	key := readinessKey(v)
	if html, ok := renderedPanels.Get(key); ok {
		return templ.Raw(html)
	}
	v.HTML = nil
	var b strings.Builder
	if err := templates.ReadinessPanel(v).Render(context.Background(), &b); err != nil {
		return nil // rendered in the page instead
	}
	renderedPanels.Add(key, b.String())
	return templ.Raw(b.String())
}

// readinessKey spells out every field of v the panel shows
// (TestReadinessKeyCoversEveryField holds it to the struct).
func readinessKey(v templates.ReadinessView) string {
	var k strings.Builder
	field := func(s string) { k.WriteString(s); k.WriteByte(0) }
	action := func(a templates.ReadinessAction) {
		field(a.Text)
		field(a.Label)
		field(a.URL)
		field(strconv.FormatBool(a.Post))
		field(a.Topic)
		field(strconv.Itoa(a.Size))
	}
	field(v.Level)
	field(v.Line)
	field(v.RestsOn)
	field(v.NotKnown)
	field(v.ExamDate)
	field(strconv.FormatBool(v.ShowTable))
	action(v.Next)
	for _, r := range v.Rows {
		field(r.Topic)
		field(r.Title)
		field(strconv.Itoa(r.Weight))
		field(r.Level)
		field(r.Reason)
		field(strconv.Itoa(r.Coverage))
		field(strconv.Itoa(len(r.Figures)))
		for _, f := range r.Figures {
			field(f)
		}
		action(r.Action)
	}
	return k.String()
}

func pctOf(f float64) int { return int(math.Round(f * 100)) }

// readinessView turns quiz's readiness into the panel's words and links.
func readinessView(rd quiz.Readiness, bp quiz.Blueprint) templates.ReadinessView {
	v := templates.ReadinessView{Level: rd.Level.String(), ShowTable: true}
	v.Line = fmt.Sprintf("Ready in %d of %d topics, Near in %d, Below in %d.", rd.Ready, len(rd.Topics), rd.Near, rd.Below)
	if rd.Answers+rd.ExamQuestions > 0 {
		v.Line += fmt.Sprintf(" Estimated %d %% right across the exam's topics (weighted as the exam is).", pctOf(rd.Estimate))
	}
	exams := "no mock exam"
	if rd.Exams > 0 {
		exams = fmt.Sprintf("%d exam questions from your last %d mock %s", rd.ExamQuestions, rd.Exams, pluralWord(rd.Exams, "exam", "exams"))
	}
	v.RestsOn = fmt.Sprintf("It rests on %d drill answers (recent ones weigh more: an answer two weeks old counts half), %s, %d of %d items seen, and the predicted recall of what you have seen.",
		rd.Answers, exams, rd.Seen, rd.Items)
	v.NotKnown = fmt.Sprintf("It does not know the real exam's other sections or its questions outside this bank, the real passing score (%d %% here is an assumption), or how you will do on the day.", bp.PassPercent)
	for _, t := range rd.Topics {
		title := topicTitle(t.Topic)
		row := templates.ReadinessRow{Topic: t.Topic, Title: title, Weight: t.Weight, Level: t.Level.String(), Reason: t.Reason, Coverage: pctOf(t.Coverage())}
		if t.Answers > 0 {
			row.Figures = append(row.Figures, fmt.Sprintf("drills %d %% right of %d answers", pctOf(t.Accuracy), t.Answers))
		} else {
			row.Figures = append(row.Figures, "no drill answers")
		}
		if t.ExamTotal > 0 {
			row.Figures = append(row.Figures, fmt.Sprintf("exams %d/%d right", t.ExamCorrect, t.ExamTotal))
		}
		row.Figures = append(row.Figures, fmt.Sprintf("%d of %d items seen", t.Seen, t.Items))
		if t.Seen > 0 {
			when := "now"
			if t.AtExamDate {
				when = "on " + t.RecallAt.UTC().Format("2 Jan")
			}
			// Not a second accuracy: the spaced-repetition model's estimate of
			// what the seen items' cards hold (FSRS retrievability), which
			// is high right after a review, right or wrong.
			row.Figures = append(row.Figures, fmt.Sprintf("predicted memory of the items seen %s: %d %%", when, pctOf(t.Recall)))
		}
		if t.Due > 0 {
			row.Figures = append(row.Figures, fmt.Sprintf("%d due", t.Due))
		}
		row.Action = readinessAction(t, title)
		v.Rows = append(v.Rows, row)
	}
	if len(rd.Topics) > 0 {
		v.Next = readinessAction(rd.Next, topicTitle(rd.Next.Topic))
	}
	return v
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// readinessAction words a topic's next best action and links it: a drill
// of the topic starts straight from a small form.
func readinessAction(t quiz.TopicReadiness, title string) templates.ReadinessAction {
	drill := func(text string) templates.ReadinessAction {
		return templates.ReadinessAction{Text: text, Label: fmt.Sprintf("Start a %d-question drill", actionDrillSize),
			URL: "/drill/sessions", Post: true, Topic: t.Topic, Size: actionDrillSize}
	}
	switch t.Action {
	case quiz.ActDrillDue:
		return drill(fmt.Sprintf("%d %s in %s %s due: take a %d-question drill.", t.Count, pluralWord(t.Count, "item", "items"), title, pluralWord(t.Count, "is", "are"), actionDrillSize))
	case quiz.ActDrillNew:
		return drill(fmt.Sprintf("%d %s in %s you have not seen yet: take a %d-question drill.", t.Count, pluralWord(t.Count, "item", "items"), title, actionDrillSize))
	case quiz.ActRead:
		tp, _ := quiz.TopicByID(t.Topic)
		return templates.ReadinessAction{Text: fmt.Sprintf("Under 60 %% right in %s: re-read the lesson section, then drill it.", title),
			Label: "Read: " + title, URL: tp.LessonURL()}
	case quiz.ActDrillMore:
		return drill(fmt.Sprintf("%s needs more answers or fresher recall: take a %d-question drill.", title, actionDrillSize))
	case quiz.ActExam:
		return templates.ReadinessAction{Text: fmt.Sprintf("%s looks ready on drills: confirm it under exam conditions.", title), Label: "Take a mock exam", URL: "/exam"}
	default:
		return templates.ReadinessAction{Text: fmt.Sprintf("%s is ready and nothing is due.", title)}
	}
}
