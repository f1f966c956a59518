package web

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/a-h/templ"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
)

// Event stream timing: a comment line keeps proxies and the browser from
// timing the stream out; the host's stream also re-renders on a tick so a
// deadline passing and race solves from the API show without a request.
const (
	sseKeepAlive    = 20 * time.Second
	sseHostTick     = 2 * time.Second
	sseWriteTimeout = 10 * time.Second
	sseRetryMS      = 2000
)

// handleWorkshopHostEvents streams the host's live part.
func (s *server) handleWorkshopHostEvents(w http.ResponseWriter, r *http.Request) {
	rm, ok := s.hostRoom(w, r)
	if !ok {
		return
	}
	l, _ := learnerFrom(r.Context())
	s.stream(w, r, rm, true, l.ID, func(ctx context.Context) (string, templ.Component) {
		_, ver := rm.versions()
		return fmt.Sprintf("h%d", ver), templates.HostLiveBody(s.hostLive(r, rm, ""))
	})
}

// handlePlayEvents streams a participant's live part.
func (s *server) handlePlayEvents(w http.ResponseWriter, r *http.Request) {
	rm, seat, ok := s.playRoom(w, r)
	if !ok {
		return
	}
	s.stream(w, r, rm, false, seat.ID, func(ctx context.Context) (string, templ.Component) {
		phase, _ := rm.versions()
		return fmt.Sprintf("p%d.%d", phase, rm.answers(seat.ID)), templates.PlayLiveBody(s.playLive(r, rm, seat.ID, ""))
	})
}

// stream serves Server-Sent Events: an event named "state" whose data is
// the live part's HTML, sent at once (unless the client's Last-Event-ID
// says it has this very state: a resumed stream) and then on every change
// the subscriber sees. It returns when the client goes.
func (s *server) stream(w http.ResponseWriter, r *http.Request, rm *room, host bool, owner int64,
	view func(context.Context) (id string, c templ.Component)) {
	sub, done := rm.subscribe(host, owner)
	defer done()
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	ctx := r.Context()
	write := func(b []byte) bool {
		// The server's WriteTimeout would cut a long stream: every write
		// gets its own deadline instead.
		_ = rc.SetWriteDeadline(time.Now().Add(sseWriteTimeout))
		if _, err := w.Write(b); err != nil {
			s.dropped(r, err)
			return false
		}
		if err := rc.Flush(); err != nil {
			s.dropped(r, err)
			return false
		}
		return true
	}
	last := r.Header.Get("Last-Event-ID")
	send := func() bool {
		id, c := view(ctx)
		if id == last {
			return true
		}
		html, err := renderBytes(ctx, c)
		if err != nil {
			s.dropped(r, err)
			return false
		}
		last = id
		return write(sseEvent(id, "state", html))
	}
	if !write(fmt.Appendf(nil, "retry: %d\n\n", sseRetryMS)) || !send() {
		return
	}
	keep := time.NewTicker(sseKeepAlive)
	defer keep.Stop()
	var tick <-chan time.Time
	if host {
		t := time.NewTicker(sseHostTick)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-sub.gone: // a newer stream of the same participant or host
			return
		case <-sub.ch:
			if !send() {
				return
			}
		case <-tick:
			s.gradeRace(ctx, rm)
			if rm.deadlinePassed(s.now()) {
				last = "" // re-render: the screen changes when answers close
			}
			if !send() {
				return
			}
		case <-keep.C:
			if !write([]byte(": keep-alive\n\n")) {
				return
			}
		}
	}
}

// sseEvent formats one event; every line of data gets its own "data:".
func sseEvent(id, name string, data []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "id: %s\nevent: %s\n", id, name)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), len(data)+1)
	for sc.Scan() {
		b.WriteString("data: ")
		b.Write(sc.Bytes())
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// answers counts a seat's responses (part of its stream's event id: its
// own answer changes its screen).
func (rm *room) answers(seatID int64) int {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	n := 0
	for _, byseat := range rm.resp {
		if _, ok := byseat[seatID]; ok {
			n++
		}
	}
	return n
}

// deadlinePassed reports whether the current round is open but past its
// deadline at now.
func (rm *room) deadlinePassed(now time.Time) bool {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	rd, ok := rm.current()
	return ok && rd.State == store.RoundOpen && !rd.ClosesAt.IsZero() && !now.Before(rd.ClosesAt)
}
