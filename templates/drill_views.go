package templates

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DrillTopicChoice is one topic on the drill landing page, with its counts.
type DrillTopicChoice struct {
	ID, Title string // ID "" is every topic
	Due, New  int
	Selected  bool
}

// DrillHomeView is the drill landing page: topic, size, start, exam date.
type DrillHomeView struct {
	Meta                   PageMeta
	Topics                 []DrillTopicChoice
	DueNow, New, Leeches   int // for the selected topic
	Sizes                  []int
	Size                   int
	ResumeURL, ResumeLabel string // an open session to continue, if any
	StartID                string // makes the start form idempotent (one click, one session)
	Exam                   ExamDateForm
}

// ExamDateForm is the exam-date form: the value shown, its error, and the
// date it is saved as, readable.
type ExamDateForm struct {
	Value string // YYYY-MM-DD, "" for none
	Label string // "12 March 2026", "" for none
	Min   string // today, YYYY-MM-DD
	Error string
}

// DrillOption is one answer option of a showing, in display order.
type DrillOption struct {
	N     int    // 1-based position: the keyboard digit
	Value string // the option text, posted back as "choice"
	Code  bool   // render the whole option as code (endpoints, commands)
}

// DrillPrior is the feedback on the classify half of a pair, shown above
// its endpoint question.
type DrillPrior struct {
	Correct     bool
	Chosen, Key string // "job" or "run"
}

// DrillQuestionView is one question of a session.
type DrillQuestionView struct {
	Meta            PageMeta
	ScriptURL       string
	SessionID       int64
	Action          string // POST target for the answer
	Showing         string // the signed showing token
	ItemID          string
	Kind            string
	KindLabel       string
	TopicTitle      string
	Position, Total int
	Stem            string
	Options         []DrillOption
	Leech           bool
	LeechMisses     int
	Explanation     string // shown first for a leech only
	Prior           *DrillPrior
	Error           string
	// UndoURL is where the "Undo last answer" form posts; "" (no form)
	// before the session's first answer.
	UndoURL string
}

// DrillAnswer is one option on the feedback screen.
type DrillAnswer struct {
	Value  string
	Code   bool
	Key    bool // a right answer
	Chosen bool // the learner picked it
}

// DrillFeedbackView is the screen after an answer.
type DrillFeedbackView struct {
	Meta PageMeta
	// Elsewhere is set when this question was answered in another tab or
	// window first: the feedback is of that answer, and says so.
	Elsewhere   bool
	ScriptURL   string
	SessionID   int64
	NextURL     string
	Correct     bool
	Kind        string
	Stem        string
	Answers     []DrillAnswer
	Explanation string
	LessonURL   string
	LessonTitle string
	SandboxURL  string
	Took        string
	UndoURL     string // the "Undo last answer" form's target
}

// DrillReviewItem is an item answered wrong in a session.
type DrillReviewItem struct {
	Stem, TopicTitle, LessonURL string
}

// DrillSummaryView is the end of a session.
type DrillSummaryView struct {
	Meta        PageMeta
	StartID     string // makes "Drill again" idempotent
	ScriptURL   string
	SessionID   int64
	Topic       string
	TopicTitle  string
	Size        int
	Answered    int
	Correct     int
	AccuracyPct int
	Took        string
	Review      []DrillReviewItem
	NextDue     string // "" when nothing is scheduled
	ExamDate    string // "" without an exam date
	NotSolid    int
	BankSize    int
}

// textSpan is a run of text, code or not.
type textSpan struct {
	Text string
	Code bool
}

// codeSpans splits s at backticks: `databricks jobs list` becomes code.
// An unmatched backtick is kept as text.
func codeSpans(s string) []textSpan {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 { // unmatched: glue the tail back on
		parts[len(parts)-2] += "`" + parts[len(parts)-1]
		parts = parts[:len(parts)-1]
	}
	out := make([]textSpan, 0, len(parts))
	for i, p := range parts {
		if p != "" {
			out = append(out, textSpan{Text: p, Code: i%2 == 1})
		}
	}
	return out
}

func choiceLabel(v string) string {
	switch v {
	case "job":
		return "Job"
	case "run":
		return "Run"
	}
	return v
}

func itoa(n int) string { return strconv.Itoa(n) }

func pct(part, whole int) string {
	if whole <= 0 {
		return "0%"
	}
	return strconv.Itoa(part*100/whole) + "%"
}

func progressStyle(pos, total int) string {
	if total <= 0 {
		return "width:0%"
	}
	return fmt.Sprintf("width:%d%%", min(100, (pos-1)*100/total))
}

// FormatDuration prints a duration the way a person reads it: "350ms",
// "42s", "3m 05s", "1h 02m" (a negative one as "0s"). The drill pages show
// answer times with it, the run picture run lengths.
func FormatDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	}
	d = d.Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	default:
		return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
	}
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func barStyle(p int) string { return fmt.Sprintf("width:%d%%", min(max(p, 0), 100)) }

func dayWord(n int) string {
	if n == 1 {
		return "day"
	}
	return "days"
}

func tickAnchor(i, n int) string {
	switch i {
	case 0:
		return "start"
	case n - 1:
		return "end"
	}
	return "middle"
}

// startTopic is the line the Start button adds under "Start": the picked
// topic, so that a "Drill this" link's choice shows on a phone's first
// screen, where the topic cards are below it ("" for all topics).
func startTopic(ts []DrillTopicChoice) string {
	for _, t := range ts {
		if t.Selected && t.ID != "" {
			return t.Title
		}
	}
	return ""
}
