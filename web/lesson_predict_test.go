package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestLessonPredictionIsRecordedAndCounts: each "predict, then reveal"
// prompt has a form that works without JavaScript; the guess is recorded,
// shown back, opens that prompt's answer, and counts toward the lesson's
// progress.
func TestLessonPredictionIsRecordedAndCounts(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	page := a.get("/lessons/jobs-api")
	prompts := page.doc().Find(`aside[data-testid="predict"]`)
	forms := page.doc().Find(`aside[data-testid="predict"] form[data-testid="predict-form"]`)
	n := prompts.Length()
	if n < 3 || forms.Length() != n {
		t.Fatalf("%d predict prompts, %d with a form", n, forms.Length())
	}
	if got := page.text(`[data-testid="lesson-progress"]`); !strings.Contains(got, "0 of "+strconv.Itoa(n)+" predictions") {
		t.Errorf("progress before any guess: %q", got)
	}
	second := prompts.Eq(1)
	if _, open := second.Find("details.reveal").Attr("open"); open {
		t.Fatal("an answer is open before any guess")
	}
	action := second.Find("form").AttrOr("action", "")
	if second.Find("form").AttrOr("method", "") != "post" || second.Find(`textarea[name="guess"]`).Length() != 1 {
		t.Fatal("the prompt's form is not a plain POST with a guess field")
	}

	if r := a.postForm(action, url.Values{"guess": {"  "}}); r.status != http.StatusBadRequest {
		t.Errorf("empty guess: %d", r.status)
	}
	r := a.postForm(action, url.Values{"guess": {"A new run_id, since run-now starts a run"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/lessons/jobs-api#predict-2" {
		t.Fatalf("record: %d %q", r.status, r.header.Get("Location"))
	}
	page = a.get("/lessons/jobs-api")
	second = page.doc().Find(`aside[data-testid="predict"]`).Eq(1)
	if got := second.Find(`[data-testid="prediction"]`).Text(); !strings.Contains(got, "A new run_id") {
		t.Errorf("the guess is not shown back: %q", got)
	}
	if _, open := second.Find("details.reveal").Attr("open"); !open {
		t.Error("the answer does not open after the guess")
	}
	if _, open := page.doc().Find(`aside[data-testid="predict"]`).Eq(0).Find("details.reveal").Attr("open"); open {
		t.Error("another prompt's answer opened")
	}
	if got := page.text(`[data-testid="lesson-progress"]`); !strings.Contains(got, "1 of "+strconv.Itoa(n)+" predictions") {
		t.Errorf("progress after one guess: %q", got)
	}
	// The other lesson keeps its own count.
	if got := a.get("/lessons/jobs-orchestration").text(`[data-testid="lesson-progress"]`); !strings.HasPrefix(got, "Lesson progress: 0 of") {
		t.Errorf("orchestration progress: %q", got)
	}
	if got := a.get("/progress").text(`[data-testid="lesson-rows"]`); !strings.Contains(got, "1 of "+strconv.Itoa(n)+" predictions made") {
		t.Errorf("/progress lessons: %q", got)
	}
	for _, bad := range []string{"/lessons/jobs-api/predictions/0", "/lessons/jobs-api/predictions/999", "/lessons/nope/predictions/1"} {
		if r := a.postForm(bad, url.Values{"guess": {"x"}}); r.status != http.StatusNotFound {
			t.Errorf("POST %s: %d, want 404", bad, r.status)
		}
	}
}
