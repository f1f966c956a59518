package web

import (
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

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
	if l, err := s.lessons.Get(lessonSlug); err == nil {
		v.Sections = sectionLinks(l.Sections)
	}
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

// validDisplayName returns the cleaned name, or a message for the form.
func validDisplayName(raw string) (string, string) {
	name := strings.Join(strings.Fields(raw), " ")
	switch {
	case name == "":
		return "", "Enter a name of 1 to 40 characters."
	case utf8.RuneCountInString(name) > 40:
		return "", "That name is longer than 40 characters."
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return "", "Use letters, digits, spaces and punctuation only."
		}
	}
	return name, ""
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
		v.DisplayName, v.Error = raw, msg
		s.render(w, r, http.StatusBadRequest, templates.Profile(v))
		return
	}
	if err := s.learners.setDisplayName(r.Context(), l.ID, name); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirectFlash(w, r, "/me", "Saved. You are now "+name+".")
}
