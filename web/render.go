package web

import (
	"bytes"
	"net/http"

	"github.com/a-h/templ"

	"github.com/jobs-api-trainer/trainer/templates"
)

// render buffers c and writes it with status. A render error becomes the
// 500 page, so a half-written page never reaches the browser.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Add("Vary", "HX-Request")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// meta builds the layout's view model for a page.
func (s *server) meta(r *http.Request, title, nav string) templates.PageMeta {
	m := templates.PageMeta{Title: title, Nav: nav, Assets: s.static.assets}
	if l, ok := learnerFrom(r.Context()); ok {
		m.Learner = l.DisplayName
	}
	m.Flash = sessionFlash(r)
	return m
}

// isHTMX reports whether the request came from htmx (fragment wanted).
func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }
