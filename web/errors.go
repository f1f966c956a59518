package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"github.com/jobs-api-trainer/trainer/lessons"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
)

// badRequest is an input problem: fail answers 400 with its message.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

// fail maps err to a status and renders the error page. Unknown errors are
// a 500 with a generic message, logged once with a request id. An error
// caused by the client hanging up answers nothing.
func (s *server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var br badRequest
	switch {
	case s.clientGone(r):
		return
	case errors.As(err, &br):
		s.errorPage(w, r, http.StatusBadRequest, "That request did not make sense", br.msg, "")
	case errors.Is(err, store.ErrNotFound), errors.Is(err, lessons.ErrNotFound):
		s.errorPage(w, r, http.StatusNotFound, "Not found", "There is nothing at this address.", "")
	default:
		s.internalError(w, r, err)
	}
}

// internalError logs err once with a new request id and answers the
// generic 500 page quoting that id.
func (s *server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	id := requestID()
	s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "request_id", id, "err", err)
	s.errorPage(w, r, http.StatusInternalServerError, "Something went wrong on our side",
		"The error has been logged. Try again in a moment; if it keeps happening, quote the request id.", id)
}

// fallbackPage is written when the error page itself cannot be rendered.
const fallbackPage = "<!doctype html><title>Error</title><h1>Something went wrong on our side</h1><p>Try again in a moment.</p>\n"

// errorPage renders the styled error page. It never calls fail or render:
// an error page is rendered at most once per request, and if that render
// fails a fixed minimal page is written instead, so no error path can
// call itself.
func (s *server) errorPage(w http.ResponseWriter, r *http.Request, status int, heading, msg, id string) {
	s.errorPageSwap(w, r, status, heading, msg, id, "innerHTML show:top")
}

// errorPageSwap is errorPage whose htmx answer is swapped into #main with
// swap (an hx-swap value): "innerHTML show:top" replaces the page,
// "afterbegin show:top" puts the message above it.
func (s *server) errorPageSwap(w http.ResponseWriter, r *http.Request, status int, heading, msg, id, swap string) {
	if s.clientGone(r) {
		return
	}
	v := templates.ErrorView{
		Meta:      templates.PageMeta{Title: heading, Assets: s.static.assets},
		Status:    status,
		Heading:   heading,
		Message:   msg,
		RequestID: id,
	}
	if l, ok := learnerFrom(r.Context()); ok {
		v.Meta.Learner = l.DisplayName
	}
	c := templates.Error(v)
	if isHTMX(r) {
		// htmx swaps only 2xx answers by default; app.js also swaps an
		// error answer that names its own target, so the message shows.
		w.Header().Set("HX-Retarget", "#main")
		w.Header().Set("HX-Reswap", swap)
		c = templates.ErrorBody(v)
	}
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		if s.clientGone(r) {
			return
		}
		s.log.Error("error page failed", "method", r.Method, "path", r.URL.Path, "request_id", id, "err", err)
		buf.Reset()
		buf.WriteString(fallbackPage)
	}
	s.writePage(w, r, status, buf.Bytes())
}

// handleNotFound answers every request no route matched: 405 with Allow
// when the path exists for other methods, else the styled 404.
func (s *server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	if allow := s.allowedMethods(r); len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		s.errorPage(w, r, http.StatusMethodNotAllowed, "Method not allowed",
			r.Method+" is not used at "+r.URL.Path+"; it answers "+strings.Join(allow, ", ")+".", "")
		return
	}
	s.errorPage(w, r, http.StatusNotFound, "Page not found",
		"There is no page at "+r.URL.Path+". The lesson is a good place to start.", "")
}

// allowedMethods lists the methods some page route serves r's path with.
func (s *server) allowedMethods(r *http.Request) []string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.pages.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	return allow
}

func requestID() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
