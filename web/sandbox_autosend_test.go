package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestConsoleAutoSendOnlyReads: a console URL with send=1 (where the CLI's
// run and job URLs lead) asks the page to send the call on load only when
// that changes nothing: a GET endpoint, for a learner (sending makes a
// visitor a learner), and not over a stored answer being shown.
func TestConsoleAutoSendOnlyReads(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	autosend := func(path string) bool {
		t.Helper()
		r := a.get(path)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d", path, r.status)
		}
		_, ok := r.doc().Find(`#call-form`).Attr("data-autosend")
		return ok
	}
	if autosend("/sandbox?ep=runs-get&p_run_id=1013&send=1") {
		t.Error("a visitor's page sends on load (it would make them a learner)")
	}
	// ... and says why nothing was sent and what Send will do.
	if got := a.get("/sandbox?ep=runs-get&p_run_id=1013&send=1").text(`[data-testid="link-note"]`); !strings.Contains(got, "press Send") {
		t.Errorf("a visitor's run link explains nothing: %q", got)
	}
	a.act()
	for _, tt := range []struct {
		path string
		want bool
	}{
		{"/sandbox?ep=runs-get&p_run_id=1013&send=1", true},
		{"/sandbox?ep=jobs-get&p_job_id=101&send=1", true},
		{"/sandbox?ep=runs-get&p_run_id=1013", false},
		{"/sandbox?ep=runs-cancel&p_run_id=1013&send=1", false},
		{"/sandbox?ep=jobs-delete&p_job_id=101&send=1", false},
		{"/sandbox?ep=run-now&p_job_id=101&send=1", false},
	} {
		if got := autosend(tt.path); got != tt.want {
			t.Errorf("%s: sends on load = %v, want %v", tt.path, got, tt.want)
		}
	}
}
