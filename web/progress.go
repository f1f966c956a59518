package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
)

// chartDays is how many days the accuracy chart covers.
const chartDays = 30

// maxLeechesShown is how many leeches the progress page lists.
const maxLeechesShown = 8

// day is midnight UTC of t's day: progress counts calendar days in UTC.
func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func (s *server) handleProgress(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	l, _ := learnerFrom(ctx)
	now := s.now()
	first := day(now).AddDate(0, 0, -(chartDays - 1))
	cards, err := s.db.Cards(ctx, l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	exam, err := s.db.ExamDate(ctx, l.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	daily, err := s.db.DailyAccuracy(ctx, l.ID, first, time.UTC)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	streak, err := s.db.Streak(ctx, l.ID, now, time.UTC)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	recent, err := s.db.RecentSessions(ctx, l.ID, 10)
	if err != nil {
		s.fail(w, r, err)
		return
	}

	v := templates.ProgressView{Meta: s.meta(r, "Progress", "progress"), Streak: streak, BankSize: s.bank.Len()}
	v.ChartHTML = accuracyChart(daily, first)

	stats := quiz.Stats(s.bank, cards, now)
	all := stats[""]
	v.Seen, v.DueNow, v.DueToday, v.DueWeek = all.Seen, all.DueNow, all.DueToday, all.DueWeek
	for _, t := range quiz.Topics {
		n := stats[t.ID]
		if n.Total == 0 {
			continue
		}
		v.Mastery = append(v.Mastery, templates.MasteryRow{
			Title: t.Title, Solid: n.Solid, Total: n.Total, Pct: n.Solid * 100 / n.Total,
			Learning: n.Learning, Young: n.Young, Mature: n.Mature,
			LearningPct: n.Learning * 100 / n.Total, YoungPct: n.Young * 100 / n.Total, MaturePct: n.Mature * 100 / n.Total,
			LessonURL: t.LessonURL(), DrillURL: "/drill?topic=" + url.QueryEscape(t.ID),
		})
	}
	type leech struct {
		id     string
		misses int
	}
	var leeches []leech
	for _, id := range quiz.Leeches(s.bank, cards) {
		leeches = append(leeches, leech{id, cards[id].Misses})
	}
	// The worst first, and only the worst few: the page stays the same
	// size however long the history (every item is on the item list).
	slices.SortStableFunc(leeches, func(x, y leech) int { return y.misses - x.misses })
	if len(leeches) > maxLeechesShown {
		v.MoreLeeches = len(leeches) - maxLeechesShown
		leeches = leeches[:maxLeechesShown]
	}
	for _, lc := range leeches {
		id := lc.id
		it, _ := s.bank.Item(id)
		v.Leeches = append(v.Leeches, templates.LeechRow{
			Stem: it.Stem, TopicTitle: s.sectionTitle(it), LessonURL: lessonURL(it),
			DrillURL: "/drill?topic=" + url.QueryEscape(it.Topic), Misses: cards[id].Misses,
		})
	}
	for _, ss := range recent {
		row := templates.SessionRow{
			Started:  ss.StartedAt.UTC().Format("Mon 2 Jan 15:04"),
			Topic:    topicTitle(ss.Topic),
			Answered: ss.Answered,
			Size:     ss.Size,
			Took:     templates.FormatDuration(ss.Took),
			URL:      sessionURL(ss.ID),
			Open:     ss.EndedAt.IsZero(),
		}
		if ss.Answered > 0 {
			row.AccuracyPct = ss.Correct * 100 / ss.Answered
		}
		v.Sessions = append(v.Sessions, row)
	}
	if !exam.IsZero() {
		v.ExamDate = exam.UTC().Format("2 January 2006")
		v.NotSolid = len(quiz.NotSolid(s.bank, cards, exam))
	}
	for _, ls := range s.lessons.All() {
		if ls.Predicts == 0 {
			continue
		}
		guesses, err := s.db.Predictions(ctx, l.ID, ls.Slug)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Lessons = append(v.Lessons, templates.LessonRow{Title: ls.Title, URL: "/lessons/" + ls.Slug,
			Predicted: min(len(guesses), ls.Predicts), Predicts: ls.Predicts})
	}
	if v.Readiness, err = s.readiness(r); err != nil {
		s.fail(w, r, err)
		return
	}
	hist, err := s.db.ExamHistory(ctx, l.ID, 1)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(hist) == 1 && hist[0].Scored > 0 {
		e := hist[0]
		v.LastExam = fmt.Sprintf("%d/%d (%d %%) on %s", e.Correct, e.Scored, e.Correct*100/e.Scored, e.SubmittedAt.UTC().Format("2 Jan"))
	}
	s.render(w, r, http.StatusOK, templates.Progress(v))
}

// countingWriter tells whether anything reached the client, so an error
// before the first byte can still become an error page.
type countingWriter struct {
	w http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// csvHeader names the export's columns.
var csvHeader = []string{"answered_at", "item_id", "kind", "topic", "chosen", "correct", "ms_taken", "session_id"}

// handleProgressExport streams the learner's attempts as CSV, oldest
// first, without holding them in memory. Several chosen options (a multi
// item) are joined with " | ".
func (s *server) handleProgressExport(w http.ResponseWriter, r *http.Request) {
	l, _ := learnerFrom(r.Context())
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="jobs-api-trainer-answers-`+s.now().UTC().Format("2006-01-02")+`.csv"`)
	h.Set("Cache-Control", "no-store")
	cw := &countingWriter{w: w}
	out := csv.NewWriter(cw)
	if err := out.Write(csvHeader); err != nil {
		s.exportFailed(r, err)
		return
	}
	rec := make([]string, len(csvHeader))
	err := s.db.Attempts(r.Context(), l.ID, func(a quiz.Attempt) error {
		rec[0] = a.AnsweredAt.UTC().Format(time.RFC3339)
		rec[1], rec[2], rec[3] = a.ItemID, string(a.Kind), a.Topic
		rec[4] = strings.Join(a.Chosen, " | ")
		rec[5] = strconv.FormatBool(a.Correct)
		rec[6] = strconv.FormatInt(a.Took.Milliseconds(), 10)
		rec[7] = ""
		if a.SessionID != 0 {
			rec[7] = strconv.FormatInt(a.SessionID, 10)
		}
		return out.Write(rec)
	})
	if err == nil {
		out.Flush()
		err = out.Error()
	}
	if err != nil {
		if cw.n == 0 {
			h.Del("Content-Disposition")
			s.fail(w, r, err)
			return
		}
		// Headers are gone; a truncated file is all we can do. Log it once.
		s.exportFailed(r, err)
	}
}

// exportFailed logs a failed export once: at debug level when the client
// went away (not our fault), else as an error.
func (s *server) exportFailed(r *http.Request, err error) {
	if s.clientGone(r) {
		return
	}
	s.log.Error("export failed", "method", r.Method, "path", r.URL.Path, "err", err)
}

// renderedCharts holds accuracy charts as rendered (key: the first day and
// every day's totals → SVG): the chart is a pure function of them, and was
// a sixth of the progress page's CPU. Bounded: learners whose days change
// push older charts out.
var renderedCharts = func() *lru.Cache[string, string] {
	c, _ := lru.New[string, string](1024)
	return c
}()

// accuracyChart is the chart of daily from first, rendered once per set of
// totals.
func accuracyChart(daily []store.DayStats, first time.Time) templ.Component {
	key := make([]byte, 0, 16+len(daily)*24)
	key = strconv.AppendInt(key, first.UnixMilli(), 10)
	for _, d := range daily {
		key = append(key, ' ')
		key = strconv.AppendInt(key, d.Day.UnixMilli(), 10)
		key = append(key, ':')
		key = strconv.AppendInt(key, int64(d.Answered), 10)
		key = append(key, '/')
		key = strconv.AppendInt(key, int64(d.Correct), 10)
	}
	if html, ok := renderedCharts.Get(string(key)); ok {
		return templ.Raw(html)
	}
	days := make([]templates.ChartDay, len(daily))
	for i, d := range daily {
		days[i] = templates.ChartDay{Day: d.Day, Answered: d.Answered, Correct: d.Correct}
	}
	chart := templates.AccuracyChartSVG(templates.NewAccuracyChart(days, first, chartDays))
	var b strings.Builder
	if err := chart.Render(context.Background(), &b); err != nil {
		return chart // rendered in the page, error and all
	}
	renderedCharts.Add(string(key), b.String())
	return templ.Raw(b.String())
}
