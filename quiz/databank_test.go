package quiz_test

import (
	"bytes"
	"testing"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/quiz"
)

// TestEmbeddedBank lints and loads the real bank in data/bank, as
// `go run . bank lint` does.
func TestEmbeddedBank(t *testing.T) {
	var out bytes.Buffer
	err := quiz.LintCommand(&out, data.FS, nil, nil)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	b, err := quiz.Load(data.FS, "bank")
	if err != nil {
		t.Fatal(err)
	}
	if b.Len() < 150 {
		t.Errorf("bank has %d items, want at least 150", b.Len())
	}
}
