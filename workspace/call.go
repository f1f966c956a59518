package workspace

import (
	"bytes"
	"net/http"
)

// Response is the answer to an in-process call (see Manager.Call).
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Err is the typed error behind an error answer (nil on success), so
	// callers need not read the body's text to learn what went wrong.
	Err *Error
}

// Call serves r in process exactly as Handler does (authentication,
// routing, locking, the same bytes) and returns the whole answer with its
// typed error. The sandbox console sends learners' calls this way.
func (m *Manager) Call(r *http.Request) Response {
	w := &bufferedResponse{header: http.Header{}}
	m.serve(w, r)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return Response{Status: w.status, Header: w.header, Body: w.body.Bytes(), Err: w.err}
}

// bufferedResponse is the http.ResponseWriter of Call: it keeps the status,
// headers and body in memory, and the typed error writeErr wrote.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
	err    *Error
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}
