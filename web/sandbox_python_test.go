package web_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestConsoleRendersPython: every sent call is also shown as Databricks
// SDK for Python code, with its copy button.
func TestConsoleRendersPython(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	tok := tokenFromPage(t, a)
	jobs := consoleJobs(t, a, tok)
	for _, tt := range []struct {
		form url.Values
		want []string
	}{
		{url.Values{"ep": {"run-now"}, "body": {`{"job_id": ` + id(jobs["nightly-etl"]) + `}`}},
			[]string{"waiter = w.jobs.run_now(job_id=" + id(jobs["nightly-etl"]) + ")", "run = waiter.result()"}},
		{url.Values{"ep": {"runs-list"}, "p_job_id": {id(jobs["nightly-etl"])}},
			[]string{"for run in w.jobs.list_runs(job_id=" + id(jobs["nightly-etl"]) + "):"}},
		{url.Values{"ep": {"permissions-get"}, "p_job_id": {id(jobs["nightly-etl"])}},
			[]string{`w.jobs.get_permissions(job_id="` + id(jobs["nightly-etl"]) + `")`}},
	} {
		r := a.send("/sandbox/send", tt.form)
		py := r.doc().Find(`[data-testid="render-python"]`)
		if py.Length() != 1 {
			t.Fatalf("%v: no Python rendering", tt.form)
		}
		for _, w := range tt.want {
			if !strings.Contains(py.Text(), w) {
				t.Errorf("%v: Python rendering lacks %q:\n%s", tt.form, w, py.Text())
			}
		}
		idAttr := py.AttrOr("id", "")
		if r.doc().Find(`button[data-copy="#`+idAttr+`"]`).Length() != 1 {
			t.Errorf("no copy button for #%s", idAttr)
		}
	}
}
