package web

import (
	"bytes"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/a-h/templ"

	"github.com/jobs-api-trainer/trainer/templates"
)

// render buffers c and writes it with status. A render error becomes the
// 500 page, so a half-written page never reaches the browser. When the
// client has gone (its request context ended) nothing is written: the
// fact is logged once at debug level and the error page is not tried.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	if s.clientGone(r) {
		return
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	defer putPageBuffer(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		if s.clientGone(r) {
			return
		}
		s.internalError(w, r, fmt.Errorf("render: %w", err))
		return
	}
	s.writePage(w, r, status, buf.Bytes())
}

// pageBuffers recycles render's buffers: growing a fresh buffer to a
// 40 KB page was a tenth of a page's CPU.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooledBuffer keeps a rare huge page from pinning its buffer.
const maxPooledBuffer = 1 << 20

func putPageBuffer(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	pageBuffers.Put(b)
}

// renderHX renders fragment for an htmx request (status 200: htmx swaps
// only 2xx answers) and the whole page with status otherwise.
func (s *server) renderHX(w http.ResponseWriter, r *http.Request, status int, fragment, page templ.Component) {
	if isHTMX(r) {
		s.render(w, r, http.StatusOK, fragment)
		return
	}
	s.render(w, r, status, page)
}

// redirectFlash answers 303 to url with flash shown on the next page ("":
// no flash). A failure to save the flash is the error page instead.
func (s *server) redirectFlash(w http.ResponseWriter, r *http.Request, url, flash string) {
	if flash != "" {
		if err := s.setFlash(w, r, flash); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
}

// writePage writes an HTML page body with status. A failed write means
// the client is gone: it is logged once at debug level and dropped.
func (s *server) writePage(w http.ResponseWriter, r *http.Request, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Add("Vary", "HX-Request")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	if _, err := w.Write(body); err != nil {
		s.dropped(r, err)
	}
}

// goneKey marks a request whose client has been reported gone, so the
// debug line is written once however many writes fail after it.
type goneKey struct{}

// goneFlag is stored in the request context by the recoverer middleware.
type goneFlag struct{ logged atomic.Bool }

// clientGone reports whether r's client has hung up (its context is
// cancelled), logging that once per request at debug level.
func (s *server) clientGone(r *http.Request) bool {
	err := r.Context().Err()
	if err == nil {
		return false
	}
	s.dropped(r, err)
	return true
}

// dropped logs, once per request and at debug level, that a response was
// dropped because the client went away (err says how).
func (s *server) dropped(r *http.Request, err error) {
	if f, ok := r.Context().Value(goneKey{}).(*goneFlag); ok && !f.logged.CompareAndSwap(false, true) {
		return
	}
	s.log.Debug("client gone, response dropped", "method", r.Method, "path", r.URL.Path, "err", err)
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

// isHTMX reports whether the request came from htmx (fragment wanted). A
// history restore (Back to a page htmx did not cache) wants the whole
// page, so it is not one.
func isHTMX(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}
