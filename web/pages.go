package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/templates"
)

// handleFavicon serves the embedded icon where browsers ask for it.
func (s *server) handleFavicon(w http.ResponseWriter, r *http.Request) {
	b, ok := s.static.files["favicon.ico"]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/x-icon")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(b)
}

func (s *server) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := s.db.Ping(r.Context()); err != nil {
		s.log.Error("health check failed", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

func (s *server) handleHome(w http.ResponseWriter, r *http.Request) {
	v := templates.HomeView{Meta: s.meta(r, "", "")}
	v.Meta.Description = "Learn the Databricks Jobs API and CLI: job or run, which endpoint, 2.2 paging, repair."
	v.Lessons, _ = s.lessonLinks("", true)
	s.render(w, r, http.StatusOK, templates.Home(v))
}

func (s *server) handleProfileShow(w http.ResponseWriter, r *http.Request) {
	v, err := s.profileView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, templates.Profile(v))
}

// maxEcho bounds, in characters, the typed text a refused form shows back
// for editing: more than any field allows, so nothing valid is cut.
const maxEcho = 200

// cutRunes is s as valid UTF-8 (a bad byte becomes U+FFFD) cut to at most
// n characters, for showing typed text back in a form: a byte cut could
// split a character.
func cutRunes(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// validDisplayName returns the cleaned name, or a message for the form.
func validDisplayName(raw string) (string, string) {
	name, err := quiz.CleanText(raw, maxDisplayNameLen)
	return name, textProblem(err, "Enter a name of 1 to 40 characters.")
}

// maxDisplayNameLen is the longest display name, in characters.
const maxDisplayNameLen = 40

// textProblem is the message for a field quiz.CleanText refused (ifEmpty
// for an empty one), or "" for none.
func textProblem(err error, ifEmpty string) string {
	var long quiz.TooLongError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, quiz.ErrBadName):
		return ifEmpty
	case errors.As(err, &long):
		return fmt.Sprintf("That is longer than %d characters.", long.Max)
	}
	return "Use visible characters only: no control characters or invisible formatting marks."
}

func (s *server) handleProfileSave(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	l, _ := learnerFrom(r.Context())
	raw := r.PostFormValue("display_name")
	name, msg := validDisplayName(raw)
	if msg != "" {
		v, err := s.profileView(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.DisplayName, v.Error = cutRunes(raw, maxEcho), msg
		s.render(w, r, http.StatusBadRequest, templates.Profile(v))
		return
	}
	if err := s.learners.setDisplayName(r.Context(), l.ID, name); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirectFlash(w, r, "/me", "Saved. You are now "+name+".")
}
