package templates

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
)

// ChartDay is one day's answers for the accuracy chart.
type ChartDay struct {
	Day      time.Time
	Answered int
	Correct  int
}

// ChartTick is a labelled position on an axis.
type ChartTick struct {
	Pos   float64
	Label string
}

// ChartMark is one day drawn on the chart: its volume bar and accuracy dot.
type ChartMark struct {
	X, Y       float64 // accuracy dot
	BarY, BarH float64 // answer-volume bar, from the baseline up
	Label      string  // "2 Mar: 80% of 20 answers"
}

// AccuracyChart is the geometry of the daily accuracy chart, computed
// here so the SVG template only places what it is given.
type AccuracyChart struct {
	W, H                     int
	Left, Right, Top, Bottom float64 // the plot box
	BarW                     float64
	Title, Desc              string
	YTicks, XTicks           []ChartTick
	Marks                    []ChartMark
	Line                     string // polyline points through the dots
	Days                     []ChartDay
	Empty                    bool
}

// NewAccuracyChart lays out n days from first (midnight) with the answers
// in days (any order, days without answers omitted).
func NewAccuracyChart(days []ChartDay, first time.Time, n int) AccuracyChart {
	c := AccuracyChart{W: 640, H: 240, Left: 46, Right: 628, Top: 14, Bottom: 206, Days: days, Empty: len(days) == 0}
	step := (c.Right - c.Left) / float64(max(n-1, 1))
	c.BarW = max(step*0.6, 2)
	y := func(acc float64) float64 { return c.Bottom - acc*(c.Bottom-c.Top) }
	for _, p := range []int{0, 25, 50, 75, 100} {
		c.YTicks = append(c.YTicks, ChartTick{Pos: y(float64(p) / 100), Label: strconv.Itoa(p) + "%"})
	}
	for _, i := range []int{0, n / 2, n - 1} {
		c.XTicks = append(c.XTicks, ChartTick{Pos: c.Left + float64(i)*step, Label: first.AddDate(0, 0, i).Format("2 Jan")})
	}
	most := 1
	for _, d := range days {
		most = max(most, d.Answered)
	}
	var pts []string
	total, right := 0, 0
	for _, d := range days {
		i := int(d.Day.Sub(first).Round(time.Hour).Hours() / 24)
		if i < 0 || i >= n || d.Answered == 0 {
			continue
		}
		total, right = total+d.Answered, right+d.Correct
		acc := float64(d.Correct) / float64(d.Answered)
		x := c.Left + float64(i)*step
		h := float64(d.Answered) / float64(most) * (c.Bottom - c.Top) * 0.35
		c.Marks = append(c.Marks, ChartMark{
			X: x, Y: y(acc), BarY: c.Bottom - h, BarH: h,
			Label: fmt.Sprintf("%s: %d%% of %d answers", d.Day.Format("2 Jan"), int(acc*100+0.5), d.Answered),
		})
		pts = append(pts, num(x)+","+num(y(acc)))
	}
	c.Line = strings.Join(pts, " ")
	last := first.AddDate(0, 0, n-1)
	c.Title = "Daily accuracy, " + first.Format("2 Jan") + " to " + last.Format("2 Jan 2006")
	if total == 0 {
		c.Desc = "No answers in the last " + strconv.Itoa(n) + " days."
	} else {
		c.Desc = fmt.Sprintf("%d answers on %d %s, %d%% right overall. Each dot is one day's share of right answers; the bars show how many answers that day.",
			total, len(c.Marks), dayWord(len(c.Marks)), right*100/total)
	}
	return c
}

// LessonRow is one lesson's progress: the predictions made in it.
type LessonRow struct {
	Title, URL          string
	Predicted, Predicts int
}

// MasteryRow is one topic's mastery bar.
type MasteryRow struct {
	Title        string
	Solid, Total int
	Pct          int
	// Learning, Young and Mature count the topic's seen items by stage
	// (as Anki does), so a good session moves the bar at once; the Pct
	// fields are their shares of Total.
	Learning, Young, Mature          int
	LearningPct, YoungPct, MaturePct int
	LessonURL                        string
	DrillURL                         string
}

// LeechRow is an item the learner keeps missing.
type LeechRow struct {
	Stem, TopicTitle, LessonURL, DrillURL string
	Misses                                int
}

// SessionRow is one recent drill session.
type SessionRow struct {
	Started     string
	Topic       string
	Answered    int
	Size        int
	AccuracyPct int
	Took        string
	URL         string
	Open        bool
}

// ProgressView is the progress page.
type ProgressView struct {
	Meta  PageMeta
	Chart AccuracyChart
	// ChartHTML, when set, is AccuracyChartSVG(Chart) already rendered
	// (web reuses it while the learner's answer days stay the same).
	ChartHTML                 templ.Component
	Mastery                   []MasteryRow
	Lessons                   []LessonRow
	DueNow, DueToday, DueWeek int
	Seen, BankSize            int
	Streak                    int
	Leeches                   []LeechRow // the most missed first
	MoreLeeches               int        // leeches not listed
	Sessions                  []SessionRow
	ExamDate                  string // "" without one
	NotSolid                  int
	Readiness                 ReadinessView
	LastExam                  string // "14/20 (70 %) on 2 Mar", "" without a mock exam
}

// masteryDays is when a card counts as mature (quiz.MatureDays, repeated
// here: templates imports no project package).
const masteryDays = 21

// stageWords says a mastery row's stages in words.
func stageWords(m MasteryRow) string {
	return fmt.Sprintf("%d learning, %d young, %d mature of %d", m.Learning, m.Young, m.Mature, m.Total)
}
