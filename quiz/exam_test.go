package quiz_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/quiz"
)

// loadGoodBank is the small valid bank in testdata/good.
func loadGoodBank(t *testing.T) *quiz.Bank {
	t.Helper()
	b, err := quiz.Load(os.DirFS("testdata"), "good")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// realContent is the embedded bank and blueprint, as the server loads them,
// loaded once for the package (read-only; TestEmbeddedBank loads its own).
func realContent(t *testing.T) (*quiz.Bank, quiz.Blueprint) {
	t.Helper()
	embedded.once.Do(func() {
		if embedded.bank, embedded.err = quiz.Load(data.FS, "bank"); embedded.err == nil {
			embedded.bp, embedded.err = quiz.LoadBlueprint(data.FS, quiz.BlueprintPath, embedded.bank)
		}
	})
	if embedded.err != nil {
		t.Fatal(embedded.err)
	}
	return embedded.bank, embedded.bp
}

var embedded struct {
	once sync.Once
	bank *quiz.Bank
	bp   quiz.Blueprint
	err  error
}

func TestQuotas(t *testing.T) {
	t.Parallel()
	bp := quiz.Blueprint{Topics: []quiz.BlueprintTopic{
		{Topic: "a", Weight: 15}, {Topic: "b", Weight: 15}, {Topic: "c", Weight: 15}, {Topic: "d", Weight: 15},
		{Topic: "e", Weight: 10}, {Topic: "f", Weight: 10}, {Topic: "g", Weight: 10}, {Topic: "h", Weight: 10},
		{Topic: "zero", Weight: 0},
	}}
	tests := []struct {
		n    int
		want map[string]int
	}{
		// 20 x 15 % = 3 exactly, 20 x 10 % = 2 exactly.
		{20, map[string]int{"a": 3, "b": 3, "c": 3, "d": 3, "e": 2, "f": 2, "g": 2, "h": 2}},
		// 10 x 15 % = 1.5 four times, floors give 8: the two left go to the first two halves.
		{10, map[string]int{"a": 2, "b": 2, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1, "h": 1}},
		{40, map[string]int{"a": 6, "b": 6, "c": 6, "d": 6, "e": 4, "f": 4, "g": 4, "h": 4}},
		// 7 x 15 % = 1.05 and 7 x 10 % = 0.7: the 0.7s win the three left.
		{7, map[string]int{"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1, "g": 1, "h": 0}},
	}
	for _, tt := range tests {
		got := quiz.Quotas(bp, tt.n)
		sum := 0
		for k, v := range got {
			sum += v
			if v != tt.want[k] {
				t.Errorf("n=%d: quota[%s] = %d, want %d", tt.n, k, v, tt.want[k])
			}
		}
		if sum != tt.n {
			t.Errorf("n=%d: quotas add up to %d", tt.n, sum)
		}
		if _, ok := got["zero"]; ok {
			t.Errorf("n=%d: a topic of weight 0 got a quota", tt.n)
		}
	}
}

// TestDrawFollowsWeights: for every length offered and many seeds, the
// draw has exactly n distinct questions, each topic gets its weight's
// share within rounding, pairs are adjacent (classify first), and the same
// seed draws the same exam.
func TestDrawFollowsWeights(t *testing.T) {
	t.Parallel()
	b, bp := realContent(t)
	for _, n := range bp.Lengths {
		for seed := uint64(1); seed <= 40; seed++ {
			qs, err := quiz.Draw(b, bp, n, nil, seed)
			if err != nil {
				t.Fatal(err)
			}
			if len(qs) != n {
				t.Fatalf("n=%d seed=%d: %d questions", n, seed, len(qs))
			}
			per := map[string]int{}
			seen := map[string]bool{}
			for i, q := range qs {
				if seen[q.ItemID] {
					t.Fatalf("n=%d seed=%d: %s drawn twice", n, seed, q.ItemID)
				}
				seen[q.ItemID] = true
				per[q.Topic]++
				it, _ := b.Item(q.ItemID)
				if it.Kind == quiz.Classify {
					_, ep, _ := b.Pair(it.Scenario)
					if i+1 >= len(qs) || qs[i+1].ItemID != ep.ID {
						t.Fatalf("n=%d seed=%d: classify %s not followed by its endpoint %s", n, seed, it.ID, ep.ID)
					}
				}
				if it.Kind == quiz.Endpoint {
					cl, _, _ := b.Pair(it.Scenario)
					if i == 0 || qs[i-1].ItemID != cl.ID {
						t.Fatalf("n=%d seed=%d: endpoint %s not after its classify %s", n, seed, it.ID, cl.ID)
					}
				}
			}
			for _, tp := range bp.Topics {
				exact := float64(tp.Weight*n) / 100
				if d := float64(per[tp.Topic]) - exact; d <= -1 || d >= 1 {
					t.Errorf("n=%d seed=%d: %s has %d questions, weight %d%% gives %.1f", n, seed, tp.Topic, per[tp.Topic], tp.Weight, exact)
				}
			}
			again, _ := quiz.Draw(b, bp, n, nil, seed)
			for i := range qs {
				if again[i].ItemID != qs[i].ItemID {
					t.Fatalf("n=%d seed=%d: a second draw differs at %d", n, seed, i)
				}
			}
		}
	}
}

// TestDrawAvoidsRecent: items of the last exams are not drawn again while
// the topic has others.
func TestDrawAvoidsRecent(t *testing.T) {
	t.Parallel()
	b, bp := realContent(t)
	first, err := quiz.Draw(b, bp, 20, nil, 7)
	if err != nil {
		t.Fatal(err)
	}
	recent := map[string]bool{}
	for _, q := range first {
		recent[q.ItemID] = true
	}
	second, err := quiz.Draw(b, bp, 20, recent, 7) // same seed: only the avoidance differs
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range second {
		if recent[q.ItemID] {
			t.Errorf("%s was in the last exam and drawn again", q.ItemID)
		}
	}
}

func TestDrawTooBig(t *testing.T) {
	t.Parallel()
	b, bp := realContent(t)
	if _, err := quiz.Draw(b, bp, b.Len()+1, nil, 1); err == nil {
		t.Error("no error for an exam longer than the bank")
	}
}

func TestScoreExam(t *testing.T) {
	t.Parallel()
	b := loadGoodBank(t)
	bp := quiz.Blueprint{Topics: []quiz.BlueprintTopic{{Topic: "pagination", Weight: 50}, {Topic: "job-vs-run", Weight: 50}}}
	multi, _ := b.Item("rep-fields") // kind multi, topic repair (not in bp: listed after)
	tests := []struct {
		name                string
		qs                  []quiz.ExamQuestion
		pass                int
		correct, total, pct int
		passed              bool
		answered            int
		right               []bool
		topicCorrect        map[string]int
	}{
		{
			name: "all right, multi with every key",
			qs: []quiz.ExamQuestion{
				{ItemID: "pag-page-size", Chosen: []string{"100"}},
				{ItemID: "jr-last-night", Chosen: []string{"run"}},
				{ItemID: "rep-fields", Chosen: multi.Keys},
			},
			pass: 70, correct: 3, total: 3, pct: 100, passed: true, answered: 3,
			right: []bool{true, true, true}, topicCorrect: map[string]int{"pagination": 1, "job-vs-run": 1, "repair": 1},
		},
		{
			name: "multi with one key missing is wrong; unanswered is wrong",
			qs: []quiz.ExamQuestion{
				{ItemID: "pag-page-size", Chosen: []string{"100"}},
				{ItemID: "jr-last-night"},
				{ItemID: "rep-fields", Chosen: multi.Keys[:1]},
			},
			pass: 30, correct: 1, total: 3, pct: 33, passed: true, answered: 2,
			right: []bool{true, false, false}, topicCorrect: map[string]int{"pagination": 1, "job-vs-run": 0, "repair": 0},
		},
		{
			name: "pass mark compared exactly: 2 of 3 is under 70 %",
			qs: []quiz.ExamQuestion{
				{ItemID: "pag-page-size", Chosen: []string{"100"}},
				{ItemID: "jr-last-night", Chosen: []string{"run"}},
				{ItemID: "rep-fields", Chosen: append(append([]string{}, multi.Keys...), "page_token")},
			},
			pass: 70, correct: 2, total: 3, pct: 66, passed: false, answered: 3,
			right: []bool{true, true, false}, topicCorrect: map[string]int{"pagination": 1, "job-vs-run": 1},
		},
		{
			name: "an item gone from the bank does not count",
			qs: []quiz.ExamQuestion{
				{ItemID: "pag-page-size", Chosen: []string{"100"}},
				{ItemID: "gone-item", Chosen: []string{"x"}},
			},
			pass: 70, correct: 1, total: 1, pct: 100, passed: true, answered: 1,
			right: []bool{true, false}, topicCorrect: map[string]int{"pagination": 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := quiz.ScoreExam(b, bp, tt.qs, tt.pass)
			if got.Correct != tt.correct || got.Total != tt.total || got.Percent != tt.pct || got.Passed != tt.passed || got.Answered != tt.answered {
				t.Errorf("got %d/%d (%d%%, passed %v, answered %d), want %d/%d (%d%%, passed %v, answered %d)",
					got.Correct, got.Total, got.Percent, got.Passed, got.Answered, tt.correct, tt.total, tt.pct, tt.passed, tt.answered)
			}
			for i, r := range tt.right {
				if got.Right[i] != r {
					t.Errorf("question %d right = %v, want %v", i+1, got.Right[i], r)
				}
			}
			for _, ts := range got.Topics {
				if ts.Correct != tt.topicCorrect[ts.Topic] {
					t.Errorf("topic %s: %d right, want %d", ts.Topic, ts.Correct, tt.topicCorrect[ts.Topic])
				}
			}
			if len(got.Topics) == 0 || got.Topics[0].Topic != "pagination" {
				t.Errorf("topics not in blueprint order: %+v", got.Topics)
			}
		})
	}
}

func TestReviewOrder(t *testing.T) {
	t.Parallel()
	qs := []quiz.ExamQuestion{{}, {Flagged: true}, {}, {}, {Flagged: true}}
	right := []bool{true, true, false, true, false}
	got := quiz.ReviewOrder(qs, right)
	want := []int{1, 4, 2, 0, 3} // flagged, then wrong, then right; each in exam order
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order = %v, want %v", got, want)
		}
	}
}

func TestExamFeed(t *testing.T) {
	t.Parallel()
	b := loadGoodBank(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	qs := []quiz.ExamQuestion{
		{ItemID: "pag-page-size", Chosen: []string{"100"}}, // right: a review
		{ItemID: "jr-last-night", Chosen: []string{"job"}}, // wrong: a lapse
		{ItemID: "rep-fields"},                             // unanswered: nothing learnt
	}
	before := map[string]quiz.Card{}
	attempts, cards := quiz.ExamFeed(b, 9, 4, qs, before, now, time.Time{})
	if len(attempts) != 2 || len(cards) != 2 {
		t.Fatalf("%d attempts, %d cards; want 2 and 2", len(attempts), len(cards))
	}
	if a := attempts[0]; a.ShowingID != "exam-4-1" || !a.Correct || a.LearnerID != 9 || !quiz.IsExamAttempt(a) {
		t.Errorf("first attempt %+v", a)
	}
	if a := attempts[1]; a.ShowingID != "exam-4-2" || a.Correct {
		t.Errorf("second attempt %+v", a)
	}
	if c := cards["jr-last-night"]; c.Misses != 1 || !c.Seen() {
		t.Errorf("wrong answer: card %+v, want one miss", c)
	}
	if c := cards["pag-page-size"]; c.Misses != 0 || !c.Seen() {
		t.Errorf("right answer: card %+v, want seen without a miss", c)
	}
	if len(before) != 0 {
		t.Error("ExamFeed changed the cards it was given")
	}
}

func TestTimeUp(t *testing.T) {
	t.Parallel()
	dl := time.Date(2026, 3, 2, 9, 40, 0, 0, time.UTC)
	if quiz.TimeUp(dl, dl.Add(-time.Millisecond)) {
		t.Error("time up a millisecond before the deadline")
	}
	if !quiz.TimeUp(dl, dl) {
		t.Error("an answer at the deadline is not refused")
	}
	if got := quiz.Remaining(dl, dl.Add(-90*time.Second)); got != 90*time.Second {
		t.Errorf("remaining = %v", got)
	}
	if got := quiz.Remaining(dl, dl.Add(time.Hour)); got != 0 {
		t.Errorf("remaining after the deadline = %v", got)
	}
}

func TestBlueprintLint(t *testing.T) {
	t.Parallel()
	b, _ := realContent(t)
	// A fixed blueprint (the first one shipped), so line numbers and sums
	// in the expected messages do not move with the real one.
	good, err := os.ReadFile("testdata/blueprint.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, probs := quiz.ParseBlueprint(quiz.File{Name: quiz.BlueprintPath, Data: mustRead(t, data.FS, quiz.BlueprintPath)}, b); len(probs) > 0 {
		t.Errorf("the shipped blueprint: %v", probs)
	}
	tests := []struct {
		name string
		edit func(string) string
		want []string
	}{
		{"real blueprint", func(s string) string { return s }, nil},
		{"weights not 100", func(s string) string {
			return strings.Replace(s, "weight: 10\n  - topic: bundles", "weight: 15\n  - topic: bundles", 1)
		}, []string{"x.yaml:26: topic weights add up to 105, want 100"}},
		{"unknown topic", func(s string) string { return strings.Replace(s, "topic: bundles", "topic: bundle", 1) },
			[]string{`x.yaml:41: unknown topic "bundle"`, "x.yaml:26: topic weights add up to 90, want 100"}},
		{"default not offered", func(s string) string { return strings.Replace(s, "default_length: 20", "default_length: 30", 1) },
			[]string{"x.yaml:23: default_length 30 is not one of the lengths [10 20 40]"}},
		{"unknown field", func(s string) string {
			return strings.Replace(s, "pass_percent: 70", "pass_percent: 70\npass_mark: 3", 1)
		},
			[]string{`x.yaml:22: unknown field "pass_mark"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, probs := quiz.ParseBlueprint(quiz.File{Name: "x.yaml", Data: []byte(tt.edit(string(good)))}, b)
			var got []string
			for _, p := range probs {
				got = append(got, p.String())
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// TestBankLintBlueprintFile: `bank lint blueprint.yaml` checks a blueprint
// file against the embedded bank and names problems file:line.
func TestBankLintBlueprintFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "blueprint.yaml")
	good, _ := os.ReadFile("testdata/blueprint.yaml")
	bad := strings.Replace(string(good), "topic: cli\n", "topic: clis\n", 1)
	if err := os.WriteFile(p, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := quiz.LintCommand(&out, data.FS, os.ReadFile, []string{p})
	if err == nil || !strings.Contains(out.String(), p+`:39: unknown topic "clis"`) {
		t.Errorf("err = %v, output:\n%s", err, out.String())
	}
}

func mustRead(t *testing.T, fsys fs.FS, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
