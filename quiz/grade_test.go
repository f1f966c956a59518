package quiz

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestGrade(t *testing.T) {
	t.Parallel()
	b := loadGood(t)
	item := func(id string) Item {
		it, ok := b.Item(id)
		if !ok {
			t.Fatalf("no item %s", id)
		}
		return it
	}
	tests := []struct {
		name    string
		item    string
		chosen  []string
		want    bool
		wantErr error
	}{
		{"classify right", "jr-last-night", []string{"run"}, true, nil},
		{"classify wrong", "jr-last-night", []string{"job"}, false, nil},
		{"classify forged", "jr-last-night", []string{"Run"}, false, ErrBadAnswer},
		{"concept right", "pag-page-size", []string{"100"}, true, nil},
		{"concept wrong", "pag-page-size", []string{"20"}, false, nil},
		{"endpoint right", "ep-last-night", []string{"GET /api/2.2/jobs/runs/list?job_id=42"}, true, nil},
		{"endpoint forged", "ep-last-night", []string{"GET /api/2.2/jobs/runs/list"}, false, ErrBadAnswer},
		{"nothing chosen", "pag-page-size", nil, false, ErrBadAnswer},
		{"two for single", "pag-page-size", []string{"100", "20"}, false, ErrBadAnswer},
		{"multi all, any order", "rep-fields", []string{"latest_repair_id", "rerun_tasks", "rerun_all_failed_tasks"}, true, nil},
		{"multi partial", "rep-fields", []string{"rerun_tasks", "rerun_all_failed_tasks"}, false, nil},
		{"multi extra", "rep-fields", []string{"rerun_tasks", "rerun_all_failed_tasks", "latest_repair_id", "page_token"}, false, nil},
		{"multi repeated", "rep-fields", []string{"rerun_tasks", "rerun_tasks", "latest_repair_id"}, false, ErrBadAnswer},
		{"multi forged", "rep-fields", []string{"rerun_tasks", "has_more"}, false, ErrBadAnswer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Grade(item(tt.item), tt.chosen)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("Grade = %v, %v; want %v, %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestRate(t *testing.T) {
	t.Parallel()
	p := PaceThresholds{Fast: 6 * time.Second, Slow: 25 * time.Second}
	it := Item{Kind: Concept, Stem: "x"}
	tests := []struct {
		name    string
		correct bool
		took    time.Duration
		want    Rating
	}{
		{"wrong fast", false, time.Second, Again},
		{"wrong slow", false, time.Minute, Again},
		{"right fast", true, 3 * time.Second, Easy},
		{"right at fast edge", true, 6 * time.Second, Easy},
		{"right", true, 10 * time.Second, Good},
		{"right at slow edge", true, 25 * time.Second, Good},
		{"right slow", true, 26 * time.Second, Hard},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Rate(it, tt.correct, tt.took); got != tt.want {
				t.Errorf("Rate = %v, want %v", got, tt.want)
			}
		})
	}
	// A long item gets reading time: 12 s is Good for a long stem and
	// Easy never comes from reading time alone on a short one.
	long := Item{Kind: Concept, Stem: strings.Repeat("x", 600)}
	if got := Rate(long, true, 12*time.Second); got != Easy {
		t.Errorf("long item at 12s = %v, want Easy", got)
	}
	if got := Rate(Item{Kind: Classify, Stem: "Job 42?"}, true, 12*time.Second); got != Good {
		t.Errorf("short item at 12s = %v, want Good", got)
	}
}

func TestShuffle(t *testing.T) {
	t.Parallel()
	b := loadGood(t)
	it, _ := b.Item("ep-notebooks") // 5 options
	const showings = 10000
	counts := make([]int, len(it.Options))
	for seed := range uint64(showings) {
		order := Shuffle(it, seed)
		if !slices.Equal(order, Shuffle(it, seed)) {
			t.Fatalf("seed %d: order not deterministic", seed)
		}
		sorted := slices.Sorted(slices.Values(order))
		if !slices.Equal(sorted, slices.Sorted(slices.Values(it.Options))) {
			t.Fatalf("seed %d: %v is not a permutation of the options", seed, order)
		}
		counts[slices.Index(order, it.Key)]++
	}
	want := showings / len(it.Options)
	for pos, n := range counts {
		// 2000 expected; a binomial sd is 40, so 10% is five sd.
		if n < want*9/10 || n > want*11/10 {
			t.Errorf("key at position %d in %d of %d showings, want about %d (all: %v)", pos, n, showings, want, counts)
		}
	}
	if got := Shuffle(it, 1); slices.Equal(got, it.Options) && slices.Equal(Shuffle(it, 2), it.Options) {
		t.Error("shuffle looks like the identity")
	}
	c, _ := b.Item("jr-last-night")
	for seed := range uint64(20) {
		if got := Shuffle(c, seed); !slices.Equal(got, ClassifyOptions) {
			t.Fatalf("classify shuffled: %v", got)
		}
	}
	// The caller may change what Shuffle returns without touching the item.
	got := Shuffle(it, 3)
	got[0] = "changed"
	if slices.Contains(it.Options, "changed") {
		t.Error("Shuffle returned the item's own slice")
	}
}
