package quiz

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// cueBank builds n concept items of which the first long have a key that is
// the uniquely longest option (but within the 1.4x ratio).
func cueBank(n, long int) []File {
	var sb strings.Builder
	sb.WriteString("items:\n")
	for i := range n {
		key := "alpha beta"
		if i < long {
			key = "alpha beta gamma"
		}
		fmt.Fprintf(&sb, `  - id: c%d
    kind: concept
    topic: repair
    anchor: "#repair"
    stem: Question number %d about repair?
    options: [%q, "delta epsilon", "zeta eta theta"]
    key: %q
    explanation: Because.
    source: https://docs.databricks.com/api/workspace/jobs/repairrun
`, i, i, key, key)
	}
	return []File{{Name: "cues.yaml", Data: []byte(sb.String())}}
}

// TestLintLongestKeyShare: a kind fails when more than 40% of its keys are
// the uniquely longest option, and passes at 40%.
func TestLintLongestKeyShare(t *testing.T) {
	t.Parallel()
	if ps := Lint(cueBank(10, 4)); len(ps) != 0 {
		t.Errorf("4 of 10: got %q, want no problem", problemStrings(ps))
	}
	ps := problemStrings(Lint(cueBank(10, 5)))
	want := "cues.yaml:2: 5 of 10 concept items (50%) have the uniquely longest option as key (at most 40%): c0, c1, c2, c3, c4"
	if !slices.Equal(ps, []string{want}) {
		t.Errorf("5 of 10:\ngot  %q\nwant %q", ps, want)
	}
	// A kind with fewer than 10 items is too small to judge.
	if ps := Lint(cueBank(9, 9)); len(ps) != 0 {
		t.Errorf("9 of 9: got %q, want no problem", problemStrings(ps))
	}
}

func TestRepeatedOptionSets(t *testing.T) {
	t.Parallel()
	items := []Item{
		{ID: "a", Kind: Concept, Options: []string{"x", "y", "z"}},
		{ID: "b", Kind: CLI, Options: []string{"z", "x", "y"}},
		{ID: "c", Kind: Concept, Options: []string{"x", "y", "w"}},
		{ID: "d", Kind: Classify, Options: ClassifyOptions},
		{ID: "e", Kind: Classify, Options: ClassifyOptions},
	}
	got := RepeatedOptionSets(items)
	if len(got) != 1 || !slices.Equal(got[0], []string{"a", "b"}) {
		t.Errorf("RepeatedOptionSets = %v, want [[a b]]", got)
	}
}

func TestNormStem(t *testing.T) {
	t.Parallel()
	if a, b := normStem("  Which call, now?"), normStem("which CALL now"); a != b {
		t.Errorf("normStem: %q != %q", a, b)
	}
}
