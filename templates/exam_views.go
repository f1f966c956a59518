package templates

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
)

// ExamTopicWeight is one blueprint topic as the exam page lists it.
type ExamTopicWeight struct {
	Title  string
	Weight int
}

// ExamLength is one exam length offered, with its time limit.
type ExamLength struct {
	N        int
	Minutes  string // "40 min"
	Selected bool
}

// ExamHistoryRow is one past exam.
type ExamHistoryRow struct {
	Date     string // "Mon 2 Mar 09:00"
	Size     int
	Correct  int
	Pct      int
	Passed   bool
	Duration string
	Auto     bool
	URL      string
}

// ExamHomeView is /exam: the blueprint, the start form or the exam in
// progress, and the history with its chart.
type ExamHomeView struct {
	Meta          PageMeta
	Name          string
	Approximates  string
	PerQuestion   string // "2 min"
	PassPercent   int
	Topics        []ExamTopicWeight
	Lengths       []ExamLength
	ResumeURL     string // "" without an exam in progress
	ResumeLeft    string // "23 min 10 s left"
	ResumeLabel   string // "12 of 20 answered, 2 flagged"
	History       []ExamHistoryRow
	Chart         ScoreChart
	ReadinessLine string // the overall readiness, one line; "" for a visitor
}

// ExamOption is one option of an exam question, in the order shown.
type ExamOption struct {
	N       int    // 1-based: the keyboard digit
	Value   string // posted back as "choice"
	Label   string // what is shown ("Job" for job)
	Code    bool
	Checked bool
}

// ExamNavItem is one question in the navigator.
type ExamNavItem struct {
	N        int
	Answered bool
	Flagged  bool
	Current  bool
	URL      string
}

// ExamClock is the countdown: the server's deadline and what is left of
// it when the page was made (the script counts down from Remaining).
type ExamClock struct {
	Remaining int    // seconds
	Deadline  string // "09:40:00 UTC"; exam.js shows it in the browser's time zone
	// DeadlineISO is the deadline in RFC 3339, for exam.js.
	DeadlineISO string
	Left        string // "23:10" as first shown
}

// ExamQuestionView is one exam question on its own page.
type ExamQuestionView struct {
	Meta            PageMeta
	ScriptURL       string
	Action          string // POST: save and go
	ConfirmURL      string
	Position, Total int
	ItemID          string
	Kind            string
	KindLabel       string
	TopicTitle      string
	Stem            string
	Multi           bool
	Options         []ExamOption
	Flagged         bool
	Nav             []ExamNavItem
	Answered        int
	FlaggedCount    int
	Clock           ExamClock
	Error           string
}

// ExamConfirmView is the screen before submitting: what is unanswered and
// what is flagged.
type ExamConfirmView struct {
	Meta       PageMeta
	ScriptURL  string
	SubmitURL  string
	BackURL    string
	Total      int
	Answered   int
	Unanswered []ExamNavItem
	Flagged    []ExamNavItem
	Clock      ExamClock
}

// ExamTopicBar is one topic's score on the result page.
type ExamTopicBar struct {
	Title          string
	Correct, Total int
	Pct            int
	LessonURL      string
}

// ExamReviewAnswer is one option in the review of a question.
type ExamReviewAnswer struct {
	Label  string
	Code   bool
	Key    bool
	Chosen bool
}

// ExamReviewItem is one question in the review.
type ExamReviewItem struct {
	Position    int
	ItemID      string
	Stem        string
	KindLabel   string
	TopicTitle  string
	Flagged     bool
	Answered    bool
	Right       bool
	Answers     []ExamReviewAnswer
	Explanation string
	LessonURL   string
	LessonTitle string
	SandboxURL  string
}

// ExamResultView is the result of a submitted exam.
type ExamResultView struct {
	Meta        PageMeta
	Name        string
	Correct     int
	Total       int
	Answered    int
	Pct         int
	Passed      bool
	PassPercent int
	TimeUsed    string
	TimeAllowed string
	Auto        bool
	Submitted   string // "Mon 2 Mar 09:32 UTC"
	Topics      []ExamTopicBar
	Review      []ExamReviewItem
	Readiness   ReadinessView
}

// ReadinessAction is a next best action: a link, or a small form that
// starts a drill (Post).
type ReadinessAction struct {
	Text  string
	Label string // the button or link text
	URL   string
	Post  bool   // a POST form to URL with Topic and Size
	Topic string // for Post
	Size  int    // for Post
}

// ReadinessRow is one topic's readiness and its figures.
type ReadinessRow struct {
	Topic    string // id, for tests
	Title    string
	Weight   int
	Level    string // Below, Near, Ready
	Figures  []string
	Reason   string
	Action   ReadinessAction
	Coverage int // percent, for the bar
}

// ReadinessView is the readiness panel: the overall line, what it rests on
// and does not know, one row per topic, and the next best action.
type ReadinessView struct {
	Level     string
	Line      string
	RestsOn   string
	NotKnown  string
	Rows      []ReadinessRow
	Next      ReadinessAction
	ExamDate  string // "" without one
	ShowTable bool
	// HTML, when set, is the panel rendered from the fields above (web
	// reuses the rendering while they stay the same).
	HTML templ.Component
}

// ScorePoint is one exam on the history chart.
type ScorePoint struct {
	At     time.Time
	Pct    int
	Passed bool
}

// ScoreMark is one exam's dot.
type ScoreMark struct {
	X, Y   float64
	Passed bool
	Label  string
}

// ScoreChart is the geometry of the exam-score chart, oldest exam left.
type ScoreChart struct {
	W, H                     int
	Left, Right, Top, Bottom float64
	PassY                    float64
	PassLabel                string
	YTicks, XTicks           []ChartTick
	Marks                    []ScoreMark
	Line                     string
	Title, Desc              string
	Empty                    bool
}

// NewScoreChart lays out exam scores (any order; drawn oldest first,
// evenly spaced) against the pass mark.
func NewScoreChart(points []ScorePoint, passPercent int) ScoreChart {
	c := ScoreChart{W: 640, H: 220, Left: 46, Right: 620, Top: 14, Bottom: 186, Empty: len(points) == 0}
	y := func(p int) float64 { return c.Bottom - float64(p)/100*(c.Bottom-c.Top) }
	for _, p := range []int{0, 25, 50, 75, 100} {
		c.YTicks = append(c.YTicks, ChartTick{Pos: y(p), Label: strconv.Itoa(p) + "%"})
	}
	c.PassY = y(passPercent)
	c.PassLabel = fmt.Sprintf("pass %d%% (assumed)", passPercent)
	pts := append([]ScorePoint(nil), points...)
	for i := 1; i < len(pts); i++ { // insertion sort: a handful of points
		for j := i; j > 0 && pts[j].At.Before(pts[j-1].At); j-- {
			pts[j], pts[j-1] = pts[j-1], pts[j]
		}
	}
	step := 0.0
	if len(pts) > 1 {
		step = (c.Right - c.Left) / float64(len(pts)-1)
	}
	var line []string
	passed := 0
	for i, p := range pts {
		x := c.Left + float64(i)*step
		if len(pts) == 1 {
			x = (c.Left + c.Right) / 2
		}
		if p.Passed {
			passed++
		}
		c.Marks = append(c.Marks, ScoreMark{X: x, Y: y(p.Pct), Passed: p.Passed,
			Label: fmt.Sprintf("%s: %d%%", p.At.UTC().Format("2 Jan 15:04"), p.Pct)})
		line = append(line, num(x)+","+num(y(p.Pct)))
		if i == 0 || i == len(pts)-1 {
			c.XTicks = append(c.XTicks, ChartTick{Pos: x, Label: p.At.UTC().Format("2 Jan")})
		}
	}
	c.Line = strings.Join(line, " ")
	c.Title = "Mock exam scores"
	if len(pts) == 0 {
		c.Desc = "No exams yet."
	} else {
		c.Desc = fmt.Sprintf("%d %s, oldest on the left; %d at or above the assumed pass mark of %d%%. Latest: %d%%.",
			len(pts), plural(len(pts), "exam", "exams"), passed, passPercent, pts[len(pts)-1].Pct)
	}
	return c
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// levelClass is the CSS class of a readiness label.
func levelClass(level string) string { return "level level-" + strings.ToLower(level) }

func boolAttr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// navState is a navigator entry's state for tests and styles.
func navState(n ExamNavItem) string {
	switch {
	case n.Flagged:
		return "flagged"
	case n.Answered:
		return "answered"
	default:
		return "unanswered"
	}
}

// navLabel reads a navigator entry aloud: "Question 3, answered, flagged".
func navLabel(n ExamNavItem) string {
	s := "Question " + strconv.Itoa(n.N)
	if n.Answered {
		s += ", answered"
	} else {
		s += ", unanswered"
	}
	if n.Flagged {
		s += ", flagged"
	}
	return s
}
