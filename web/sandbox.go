package web

import (
	"net/http"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
	"github.com/jobs-api-trainer/trainer/workspace"
)

// sandboxToken returns the learner's sandbox token from the session,
// issuing a new one (and invalidating any old one) when the session has none.
func (s *server) sandboxToken(w http.ResponseWriter, r *http.Request) (string, error) {
	sess := sessionFrom(r.Context())
	if tok, ok := sess.raw.Values[keyToken].(string); ok && tok != "" {
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
	sess := sessionFrom(r.Context())
	sess.raw.Values[keyToken] = tok
	if err := s.saveSession(w, r, sess.raw); err != nil {
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
	tok, err := s.sandboxToken(w, r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.Sandbox(templates.SandboxView{
		Meta:  s.meta(r, "Sandbox", "sandbox"),
		Host:  baseURL(r),
		Token: tok,
		Try:   r.URL.Query().Get("try"),
	}))
}

func (s *server) handleSandboxToken(w http.ResponseWriter, r *http.Request) {
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
	s.render(w, r, http.StatusOK, templates.Fidelity(templates.FidelityView{
		Meta: s.meta(r, "Emulator fidelity", "sandbox"),
		Rows: rows,
	}))
}
