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
// issuing a new one (and invalidating any old one) when the session has none.
func (s *server) sandboxToken(w http.ResponseWriter, r *http.Request) (string, error) {
	if tok := sessionSandboxToken(r); tok != "" {
		return tok, nil
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

// baseURL is the address clients reach this server at.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *server) handleSandbox(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	st := consoleState{ep: q.Get("ep"), values: url.Values{}}
	for k, vs := range q {
		if name, ok := strings.CutPrefix(k, "p_"); ok {
			st.values[name] = vs
		}
	}
	if try := q.Get("try"); try != "" && st.ep == "" {
		st.ep, st.cliFocus = tryEndpoint(try)
		if try == "pagination" {
			l, _ := learnerFrom(r.Context())
			if ov, err := s.workspaces.Peek(r.Context(), store.WorkspaceOf(l.ID), consoleWindow); err == nil {
				if id := jobNamed(ov, "customer-360"); id != 0 {
					st.values.Set("job_id", strconv.FormatInt(id, 10))
				}
			}
		}
		if st.cliFocus {
			st.cliLine = "databricks jobs list-runs --active-only"
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
	if err := s.setFlash(w, r, "New sandbox token issued. The old one no longer works: update DATABRICKS_TOKEN in your terminal."); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox", http.StatusSeeOther)
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
	if err := s.setFlash(w, r, "Your workspace is back to its starting jobs and runs."); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox", http.StatusSeeOther)
}

func (s *server) handleFidelity(w http.ResponseWriter, r *http.Request) {
	var rows []templates.FidelityRow
	for _, e := range workspace.Ledger() {
		rows = append(rows, templates.FidelityRow{Method: e.Method, Path: e.Path, Support: string(e.Support), Note: e.Note})
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
