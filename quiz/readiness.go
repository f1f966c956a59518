package quiz

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
)

// Level is a readiness label.
type Level int

// The readiness labels, worst first.
const (
	Below Level = iota // not ready: too little evidence, or too many misses
	Near               // close: some evidence and mostly right
	Ready              // enough evidence, mostly right, well covered, recalled
)

// String is the label as shown: "Below", "Near" or "Ready".
func (l Level) String() string {
	switch l {
	case Ready:
		return "Ready"
	case Near:
		return "Near"
	default:
		return "Below"
	}
}

// The readiness rules. A topic is Ready with at least ReadyEvidence points
// of evidence (see TopicReadiness.Evidence), an estimate of at least
// ReadyScore, ReadyCoverage of its items seen and, over the items seen, a
// mean predicted recall (at the exam date when one is set, else now) of at
// least ReadyRecall. It is Near with NearEvidence, NearScore and
// NearCoverage. Anything else is Below.
const (
	ReadyEvidence = 12.0
	ReadyScore    = 0.80
	ReadyCoverage = 0.80
	ReadyRecall   = 0.80
	NearEvidence  = 5.0
	NearScore     = 0.60
	NearCoverage  = 0.40
)

// AccuracyHalfLife is the age at which a drill answer counts half as much
// as one given now in the recent accuracy.
const AccuracyHalfLife = 14 * 24 * time.Hour

// maxDrillEvidence caps what drill answers add to a topic's evidence:
// hundreds of answers to the same few items say little more than twenty.
const maxDrillEvidence = 20.0

// examEvidenceWeight is what one exam question adds to the evidence, and
// its weight in the estimate against one drill answer: exam answers come
// under time pressure, without feedback, as the certification asks.
const examEvidenceWeight = 2.0

// AnswerTally sums one topic's drill answers for its recent accuracy, in
// constant space: an answer at time t weighs 2^((t-ref)/AccuracyHalfLife)
// against a reference time, so the weighted accuracy (right weight over
// all weight) is the same as weighting every answer by its age now, and a
// tally grows by one answer at a time (Add) without keeping the answers.
// The zero AnswerTally is empty and ready to use.
type AnswerTally struct {
	Answers        int // drill answers counted
	ref            time.Time
	weight, rightW float64
}

// maxTallyExponent bounds the exponent of an answer's weight: past it
// (an answer 512 half-lives after the reference, about 20 years) the sums
// are rescaled to a new reference before they could overflow.
const maxTallyExponent = 512

// Add counts a drill answer. Exam answers (IsExamAttempt) are the caller's
// to leave out: readiness counts exams through ReadinessInput.Exams.
func (t *AnswerTally) Add(a Attempt) {
	if t.Answers == 0 || t.ref.IsZero() {
		t.ref = a.AnsweredAt
	}
	e := float64(a.AnsweredAt.Sub(t.ref)) / float64(AccuracyHalfLife)
	if e > maxTallyExponent {
		scale := math.Exp2(-e)
		t.weight *= scale
		t.rightW *= scale
		t.ref, e = a.AnsweredAt, 0
	}
	w := math.Exp2(e)
	t.Answers++
	t.weight += w
	if a.Correct {
		t.rightW += w
	}
}

// Accuracy is the share of the answers that were right, each weighted by
// its age (AccuracyHalfLife); 0 with no answers.
func (t AnswerTally) Accuracy() float64 {
	if t.weight <= 0 {
		return 0
	}
	return t.rightW / t.weight
}

// TallyAttempts tallies attempts per topic, leaving out exam answers.
func TallyAttempts(attempts []Attempt) map[string]AnswerTally {
	out := map[string]AnswerTally{}
	for _, a := range attempts {
		if IsExamAttempt(a) {
			continue
		}
		t := out[a.Topic]
		t.Add(a)
		out[a.Topic] = t
	}
	return out
}

// IsExamAttempt reports whether an attempt was recorded from a mock exam
// (ExamFeed) rather than a drill.
func IsExamAttempt(a Attempt) bool { return strings.HasPrefix(a.ShowingID, "exam-") }

// ExamOutcome is one submitted exam as readiness uses it.
type ExamOutcome struct {
	SubmittedAt time.Time
	Topics      []TopicScore
}

// ReadinessInput is everything readiness is computed from.
type ReadinessInput struct {
	Drills   map[string]AnswerTally // the learner's drill answers per topic (TallyAttempts)
	Exams    []ExamOutcome          // submitted exams, any order; the latest RecentExams count
	Cards    map[string]Card        // by item id
	Now      time.Time
	ExamDate time.Time // zero when none is set
}

// ActionKind is the next best action for a topic.
type ActionKind int

// The actions, in the order they are considered for a topic.
const (
	ActDrillDue  ActionKind = iota // Count items are due: drill the topic
	ActDrillNew                    // Count items never seen: drill the topic
	ActRead                        // the estimate is low: read the lesson section, then drill
	ActDrillMore                   // too little evidence or weak recall: drill the topic
	ActExam                        // ready on drills alone: take a mock exam to confirm
	ActKeep                        // ready, nothing due: keep it up
)

// TopicReadiness is one topic's readiness and the figures it came from.
type TopicReadiness struct {
	Topic  string
	Weight int // the topic's blueprint weight, percent
	Level  Level
	// Drill answers in the topic (exam answers excluded), and their
	// accuracy, each answer weighted by its age (AccuracyHalfLife).
	Answers  int
	Accuracy float64
	// Questions and right answers in the topic over the latest
	// RecentExams exams.
	ExamCorrect, ExamTotal int
	// Coverage: items of the topic seen at least once, of all its items.
	Seen, Items int
	// Recall is the mean predicted retrievability of the seen items at
	// RecallAt (the exam date when set, else now); 0 with none seen.
	Recall     float64
	RecallAt   time.Time
	AtExamDate bool
	Due        int     // seen items due now
	Evidence   float64 // min(Answers, 20) + 2 x ExamTotal
	Score      float64 // the estimate: accuracy and exam score weighted by their evidence
	Reason     string  // why the label is not one higher ("" when Ready)
	Action     ActionKind
	Count      int // the items the action is about (due or new), when it has a count
}

// Coverage is the share of the topic's items seen, 0 for a topic without items.
func (t TopicReadiness) Coverage() float64 {
	if t.Items == 0 {
		return 0
	}
	return float64(t.Seen) / float64(t.Items)
}

// Readiness is the per-topic readiness and the overall figure.
type Readiness struct {
	Topics                   []TopicReadiness // blueprint order
	Level                    Level            // overall
	Ready, Near, Below       int              // topics per label
	Estimate                 float64          // blueprint-weighted Score over the topics
	Answers, ExamQuestions   int              // the evidence: drill answers, exam questions counted
	Exams                    int              // exams counted (at most RecentExams)
	Seen, Items              int              // coverage over the blueprint's topics
	Next                     TopicReadiness   // the topic whose action comes first
	WeightReady, WeightBelow int              // blueprint weight (percent) of Ready and of Below topics
}

// ComputeReadiness rates each blueprint topic Below, Near or Ready from the
// input (see the Ready* and Near* rules), picks each topic's next best
// action, and sums up: overall Ready when every weighted topic is, Below
// when Below topics carry 30 % or more of the blueprint's weight, Near
// otherwise. The overall next action is that of the worst-rated topic,
// the heaviest first among equals, then the lowest estimate.
func ComputeReadiness(b *Bank, bp Blueprint, in ReadinessInput) Readiness {
	at := in.Now
	atExam := !in.ExamDate.IsZero() && in.ExamDate.After(in.Now)
	if atExam {
		at = in.ExamDate
	}
	exams := slices.Clone(in.Exams)
	slices.SortFunc(exams, func(x, y ExamOutcome) int { return y.SubmittedAt.Compare(x.SubmittedAt) })
	exams = exams[:min(len(exams), RecentExams)]

	var out Readiness
	out.Exams = len(exams)
	for _, t := range bp.Topics {
		if t.Weight <= 0 {
			continue
		}
		tr := TopicReadiness{Topic: t.Topic, Weight: t.Weight, RecallAt: at, AtExamDate: atExam}
		// Drill accuracy, weighted by age.
		drills := in.Drills[t.Topic]
		tr.Answers, tr.Accuracy = drills.Answers, drills.Accuracy()
		for _, e := range exams {
			for _, ts := range e.Topics {
				if ts.Topic == t.Topic {
					tr.ExamCorrect += ts.Correct
					tr.ExamTotal += ts.Total
				}
			}
		}
		// Coverage, recall, due.
		var rSum float64
		for _, i := range b.topicItems(t.Topic) {
			tr.Items++
			c, ok := in.Cards[b.items[i].ID]
			if !ok || !c.Seen() {
				continue
			}
			tr.Seen++
			rSum += c.Retrievability(at)
			if !c.Due.After(in.Now) {
				tr.Due++
			}
		}
		if tr.Seen > 0 {
			tr.Recall = rSum / float64(tr.Seen)
		}
		drillW := math.Min(float64(tr.Answers), maxDrillEvidence)
		examW := examEvidenceWeight * float64(tr.ExamTotal)
		tr.Evidence = drillW + examW
		if tr.Evidence > 0 {
			examPct := 0.0
			if tr.ExamTotal > 0 {
				examPct = float64(tr.ExamCorrect) / float64(tr.ExamTotal)
			}
			tr.Score = (tr.Accuracy*drillW + examPct*examW) / tr.Evidence
		}
		tr.Level, tr.Reason = rate(tr)
		tr.Action, tr.Count = nextAction(tr)

		out.Topics = append(out.Topics, tr)
		out.Answers += tr.Answers
		out.ExamQuestions += tr.ExamTotal
		out.Seen += tr.Seen
		out.Items += tr.Items
		out.Estimate += tr.Score * float64(t.Weight)
		switch tr.Level {
		case Ready:
			out.Ready++
			out.WeightReady += t.Weight
		case Near:
			out.Near++
		default:
			out.Below++
			out.WeightBelow += t.Weight
		}
	}
	weight := 0
	for _, t := range out.Topics {
		weight += t.Weight
	}
	if weight > 0 {
		out.Estimate /= float64(weight)
	}
	switch {
	case len(out.Topics) > 0 && out.Ready == len(out.Topics):
		out.Level = Ready
	case out.WeightBelow >= 30:
		out.Level = Below
	default:
		out.Level = Near
	}
	if len(out.Topics) > 0 {
		order := slices.Clone(out.Topics)
		slices.SortStableFunc(order, func(x, y TopicReadiness) int {
			return cmp.Or(cmp.Compare(x.Level, y.Level), y.Weight-x.Weight, cmp.Compare(x.Score, y.Score))
		})
		out.Next = order[0]
	}
	return out
}

// rate applies the Ready and Near rules and says what held the topic back.
func rate(t TopicReadiness) (Level, string) {
	cov := t.Coverage()
	near := ""
	switch {
	case t.Evidence < NearEvidence:
		near = "too few answers to judge"
	case t.Score < NearScore:
		near = "under 60 % right"
	case cov < NearCoverage:
		near = "under 40 % of its items seen"
	}
	if near != "" {
		return Below, near
	}
	switch {
	case t.Evidence < ReadyEvidence:
		return Near, "not enough answers yet to call it ready"
	case t.Score < ReadyScore:
		return Near, "under 80 % right"
	case cov < ReadyCoverage:
		return Near, "under 80 % of its items seen"
	case t.Recall < ReadyRecall:
		if t.AtExamDate {
			return Near, "predicted recall on your exam date under 80 %"
		}
		return Near, "predicted recall under 80 %"
	}
	return Ready, ""
}

// nextAction picks a topic's next best action and the count it is about.
func nextAction(t TopicReadiness) (ActionKind, int) {
	switch {
	case t.Due > 0:
		return ActDrillDue, t.Due
	case t.Evidence >= NearEvidence && t.Score < NearScore:
		return ActRead, 0
	case t.Coverage() < ReadyCoverage:
		return ActDrillNew, t.Items - t.Seen
	case t.Level != Ready:
		return ActDrillMore, 0
	case t.ExamTotal == 0:
		return ActExam, 0
	default:
		return ActKeep, 0
	}
}
