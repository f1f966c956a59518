package quiz

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestPoints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name           string
		s              Scoring
		correct        bool
		elapsed, limit time.Duration
		want           int
	}{
		{"wrong earns nothing", ScoreSpeed, false, 0, 20 * time.Second, 0},
		{"correct only ignores time", ScoreCorrect, true, 19 * time.Second, 20 * time.Second, 1000},
		{"speed at once", ScoreSpeed, true, 0, 20 * time.Second, 1000},
		{"speed half way", ScoreSpeed, true, 10 * time.Second, 20 * time.Second, 750},
		{"speed at the deadline", ScoreSpeed, true, 20 * time.Second, 20 * time.Second, 500},
		{"speed past the deadline floors", ScoreSpeed, true, 30 * time.Second, 20 * time.Second, 500},
		{"speed untimed", ScoreSpeed, true, time.Hour, 0, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Points(tt.s, tt.correct, tt.elapsed, tt.limit); got != tt.want {
				t.Errorf("Points = %d, want %d", got, tt.want)
			}
		})
	}
	if got := RacePoints(5*time.Minute, 10*time.Minute); got != 750 {
		t.Errorf("RacePoints half way = %d, want 750", got)
	}
}

func TestRank(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []Entry
		want []string
	}{
		{"points first", []Entry{{Seat: 1, Name: "a", Score: 500}, {Seat: 2, Name: "b", Score: 900}}, []string{"b", "a"}},
		{"then more right answers", []Entry{{Seat: 1, Name: "a", Score: 1000, Correct: 1}, {Seat: 2, Name: "b", Score: 1000, Correct: 2}}, []string{"b", "a"}},
		{"then less time", []Entry{{Seat: 1, Name: "a", Score: 1000, Correct: 1, TimeMS: 900}, {Seat: 2, Name: "b", Score: 1000, Correct: 1, TimeMS: 300}}, []string{"b", "a"}},
		{"then who joined first", []Entry{{Seat: 7, Name: "late", Score: 1000, Correct: 1, TimeMS: 300}, {Seat: 3, Name: "early", Score: 1000, Correct: 1, TimeMS: 300}}, []string{"early", "late"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Rank(tt.in)
			var names []string
			for i, p := range got {
				names = append(names, p.Name)
				if p.Rank != i+1 {
					t.Errorf("rank of %s = %d, want %d", p.Name, p.Rank, i+1)
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Errorf("order = %v, want %v", names, tt.want)
			}
		})
	}
}

func TestDifficulty(t *testing.T) {
	t.Parallel()
	opts := []string{"job", "run"}
	tests := []struct {
		name      string
		rs        []Response
		wantShare int
		wantWrong string
		wantAvg   int64
		counts    []int
	}{
		{"nobody answered", nil, 0, "", 0, []int{0, 0}},
		{"all right", []Response{{"job", true, 1000}, {"job", true, 3000}}, 100, "", 2000, []int{2, 0}},
		{"one in three right", []Response{{"job", true, 1000}, {"run", false, 2000}, {"run", false, 3000}}, 33, "run", 2000, []int{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Difficulty(opts, tt.rs)
			if got.RightShare != tt.wantShare || got.CommonWrong != tt.wantWrong || got.AvgMS != tt.wantAvg {
				t.Errorf("got share %d wrong %q avg %d, want %d %q %d", got.RightShare, got.CommonWrong, got.AvgMS, tt.wantShare, tt.wantWrong, tt.wantAvg)
			}
			for i, c := range tt.counts {
				if got.Counts[i] != c {
					t.Errorf("counts = %v, want %v", got.Counts, tt.counts)
				}
			}
		})
	}
}

func TestJoinCode(t *testing.T) {
	t.Parallel()
	code, err := JoinCode([]byte{0, 1, 2, 3, 4, 255})
	if err != nil || len(code) != JoinCodeLen {
		t.Fatalf("JoinCode = %q, %v", code, err)
	}
	for _, ambiguous := range "0OQD1IL2Z5S8B6G" {
		if strings.ContainsRune(JoinCodeAlphabet, ambiguous) {
			t.Errorf("alphabet has ambiguous %q", ambiguous)
		}
	}
	tests := []struct {
		in, want string
		err      bool
	}{
		{"aceFHJ", "ACEFHJ", false},
		{" ace-fhj ", "ACEFHJ", false},
		{"ACEFH", "", true},
		{"ACEFH0", "", true},
		{"<b>ACEF", "", true},
	}
	for _, tt := range tests {
		got, err := NormalizeCode(tt.in)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("NormalizeCode(%q) = %q, %v", tt.in, got, err)
		}
	}
}

func TestCleanNameAndSuggest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
		err      error
	}{
		{"  Ada   Lovelace \n", "Ada Lovelace", nil},
		{"\t \u00a0\n", "", ErrBadName},
		{"<script>x</script>", "<script>x</script>", nil},
		{strings.Repeat("é", MaxNameLen), strings.Repeat("é", MaxNameLen), nil},
		{strings.Repeat("é", MaxNameLen+1), "", TooLongError{Max: MaxNameLen}},
		{"  " + strings.Repeat("n", MaxNameLen) + "  ", strings.Repeat("n", MaxNameLen), nil},
		{"Zoë 🚀 東京", "Zoë 🚀 東京", nil},
		{"a\x00b", "", ErrNotText},
		{"a\x1bb", "", ErrNotText},
		{"\xff", "", ErrNotText},
		{"a\u202eb", "", ErrNotText},          // right-to-left override
		{"\u200b", "", ErrNotText},            // zero-width space
		{"علی\u200cرضا", "علی\u200cرضا", nil}, // a Persian name with its zero-width non-joiner
		{"👩\u200d💻 Dev", "👩\u200d💻 Dev", nil}, // an emoji joined with a zero-width joiner
		{"a\ufeffb", "", ErrNotText},          // byte-order mark
		{"a\u2066b", "", ErrNotText},          // left-to-right isolate
	}
	for _, tt := range tests {
		got, err := CleanName(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) && err != tt.err {
			t.Errorf("CleanName(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
	taken := map[string]bool{"ada": true, "ada 2": true}
	if got := SuggestName("Ada", func(k string) bool { return taken[k] }); got != "Ada 3" {
		t.Errorf("SuggestName = %q, want Ada 3", got)
	}
	long := strings.Repeat("x", MaxNameLen)
	if got := SuggestName(long, func(string) bool { return false }); len(got) > MaxNameLen || !strings.HasSuffix(got, " 2") {
		t.Errorf("SuggestName(long) = %q", got)
	}
}
