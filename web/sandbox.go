package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
	"github.com/jobs-api-trainer/trainer/workspace"
)

// sandboxToken returns the learner's sandbox token from the session,
// issuing a new one (and invalidating any old one) when the session has
// none. A visitor who has no learner yet has no token: "" and no error
// (the page offers to create one).
func (s *server) sandboxToken(w http.ResponseWriter, r *http.Request) (string, error) {
	if tok := sessionSandboxToken(r); tok != "" {
		return tok, nil
	}
	if _, ok := learnerFrom(r.Context()); !ok {
		return "", nil
	}
	return s.regenerateToken(w, r)
}

func (s *server) regenerateToken(w http.ResponseWriter, r *http.Request) (string, error) {
	l, _ := learnerFrom(r.Context())
	tok, err := s.db.IssueSandboxToken(r.Context(), l.ID)
	if err != nil {
		return "", err
	}
	if err := s.setSessionSandboxToken(w, r, tok); err != nil {
		return "", err
	}
	return tok, nil
}

// overview is the learner's workspace; for a visitor with no learner yet,
// the preview of a new one, which stores nothing. Their own workspace is
// seeded on its first API call.
func (s *server) overview(r *http.Request, w workspace.Window) (workspace.Overview, error) {
	l, ok := learnerFrom(r.Context())
	if !ok {
		return s.workspaces.Preview(w)
	}
	return s.workspaces.Peek(r.Context(), store.WorkspaceOf(l.ID), w)
}

// baseURL is the address clients reach this server at.
func (s *server) baseURL(r *http.Request) string {
	return workspace.RequestHost(r, s.opts.TrustProxy)
}

func (s *server) handleSandbox(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	st := consoleState{ep: q.Get("ep"), values: url.Values{}, autoSend: q.Get("send") == "1"}
	for k, vs := range q {
		if name, ok := strings.CutPrefix(k, "p_"); ok {
			st.values[name] = vs
		}
	}
	if try := q.Get("try"); try != "" && st.ep == "" {
		st.ep, st.cliFocus = tryEndpoint(try)
		if st.cliFocus {
			st.cliLine = "databricks jobs list-runs --active-only"
		}
		if tc, ok := tryCalls[try]; ok {
			ov, err := s.overview(r, consoleWindow)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if id := jobNamed(ov, tc.job); id != 0 && !st.values.Has("job_id") {
				st.values.Set("job_id", strconv.FormatInt(id, 10))
			}
			if tc.body != "" && !st.values.Has("body") {
				st.values.Set("body", fillJobs(tc.body, ov))
			}
			if tc.cli != "" {
				st.cliLine = fillJobs(tc.cli, ov)
			}
		}
	}
	if id, err := strconv.ParseInt(q.Get("call"), 10, 64); err == nil {
		l, _ := learnerFrom(r.Context())
		row, err := s.db.SandboxCall(r.Context(), l.ID, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		st.result = s.resultFromRow(r, row)
		if n, err := strconv.Atoi(q.Get("moved")); err == nil && st.result.Lesson != nil {
			st.result.Lesson.Moved = n
		}
		st.formFromRow = &row
		st.cliLine = row.CLILine
	}
	s.renderSandboxPage(w, r, http.StatusOK, st)
}

func (s *server) handleSandboxToken(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	// A visitor's first token replaces nothing and needs no confirmation.
	if sessionSandboxToken(r) == "" {
		if _, err := s.regenerateToken(w, r); err != nil {
			s.fail(w, r, err)
			return
		}
		s.redirectFlash(w, r, "/sandbox?token=new#token-panel", "Your sandbox token is ready: point your terminal at your workspace with the snippet below.")
		return
	}
	// Like reset: the old token stops working at once, so a stray POST must
	// not do it.
	if r.PostFormValue("confirm") != "yes" {
		s.fail(w, r, badRequest{"Regenerating the token needs confirmation (confirm=yes): the old token stops working at once."})
		return
	}
	if _, err := s.regenerateToken(w, r); err != nil {
		s.fail(w, r, err)
		return
	}
	// Older copies of the cookie hold the old token: revoke them. Live mode
	// stays on in this browser.
	if err := s.bumpSession(w, r, true); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirectFlash(w, r, "/sandbox", "New sandbox token issued. The old one no longer works: update DATABRICKS_TOKEN in your terminal.")
}

func (s *server) handleSandboxReset(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	if r.PostFormValue("confirm") != "yes" {
		s.fail(w, r, badRequest{"Resetting the workspace needs confirmation (confirm=yes)."})
		return
	}
	l, _ := learnerFrom(r.Context())
	if err := s.workspaces.Reset(r.Context(), store.WorkspaceOf(l.ID)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirectFlash(w, r, "/sandbox", "Your workspace is back to its starting jobs and runs.")
}

func (s *server) handleFidelity(w http.ResponseWriter, r *http.Request) {
	var rows []templates.FidelityRow
	for _, e := range workspace.Ledger() {
		row := templates.FidelityRow{Method: e.Method, Path: e.Path, Support: string(e.Support), Note: e.Note, Source: e.Source}
		for _, d := range e.Differences {
			row.Differences = append(row.Differences, templates.FidelityDifference{Real: d.Real, Sandbox: d.Sandbox, Why: d.Why, Source: d.Source})
		}
		rows = append(rows, row)
	}
	var limits []templates.FidelityLimit
	for _, l := range s.workspaces.Limits().LimitRows() {
		limits = append(limits, templates.FidelityLimit{Name: l.Name, Sandbox: l.Sandbox, Real: l.Real, Answer: l.Answer})
	}
	s.render(w, r, http.StatusOK, templates.Fidelity(templates.FidelityView{
		Meta:   s.meta(r, "Emulator fidelity", "sandbox"),
		Rows:   rows,
		Limits: limits,
	}))
}
