package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jobs-api-trainer/trainer/store"
)

// sseEvent is one event read from a stream.
type sseEvent struct{ id, name, data string }

// openStream opens an event stream with the client's cookies; lastID
// ("" none) is sent as Last-Event-ID.
func (a *app) openStream(t *testing.T, path, lastID string) (*http.Response, *bufio.Reader) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, a.srv.URL+path, nil)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Accept-Encoding", "gzip")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	res, err := a.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { res.Body.Close() })
	return res, bufio.NewReader(res.Body)
}

// nextEvent reads the next event (skipping comments and retry lines),
// failing after a few seconds.
func nextEvent(t *testing.T, br *bufio.Reader) sseEvent {
	t.Helper()
	got := make(chan sseEvent, 1)
	go func() {
		var ev sseEvent
		var data []string
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				close(got)
				return
			}
			line = strings.TrimRight(line, "\n")
			switch {
			case line == "" && ev.name != "":
				ev.data = strings.Join(data, "\n")
				got <- ev
				return
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.name = line[7:]
			case strings.HasPrefix(line, "data: "):
				data = append(data, line[6:])
			}
		}
	}()
	select {
	case ev, ok := <-got:
		if !ok {
			t.Fatal("the stream ended")
		}
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5 s")
	}
	return sseEvent{}
}

func TestWorkshopSSEDeliversNextState(t *testing.T) {
	t.Parallel()
	host := newApp(t)
	items := wsItems(t)
	base, code := host.createWorkshop(url.Values{"title": {"SSE"}, "items": {items[0].ID}, "count": {"1"}, "seconds": {"0"}})
	p := host.otherLearner()
	p.joinAs(code, "Ada")

	res, br := p.openStream(t, "/join/"+code+"/events", "")
	if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" || res.Header.Get("Content-Encoding") != "" {
		t.Fatalf("stream: Content-Type %q, Content-Encoding %q (want an uncompressed event stream)", ct, res.Header.Get("Content-Encoding"))
	}
	first := nextEvent(t, br)
	if first.name != "state" || !strings.Contains(first.data, `data-phase="lobby"`) {
		t.Fatalf("first event %q: %.200s", first.name, first.data)
	}
	_, hostBR := host.openStream(t, base+"/host/events", "")
	if ev := nextEvent(t, hostBR); !strings.Contains(ev.data, `data-phase="lobby"`) {
		t.Fatalf("host's first event: %.200s", ev.data)
	}

	host.host(base, "next")
	ev := nextEvent(t, br)
	if !strings.Contains(ev.data, `data-phase="question"`) || ev.id == first.id {
		t.Fatalf("after next: id %q (first %q), %.200s", ev.id, first.id, ev.data)
	}
	if hev := nextEvent(t, hostBR); !strings.Contains(hev.data, `data-phase="question"`) {
		t.Fatalf("host after next: %.200s", hev.data)
	}
	// An answer reaches the host's stream as a count.
	p.answer(code, 0, keyOption(items[0]))
	if hev := nextEvent(t, hostBR); !strings.Contains(hev.data, `data-testid="answer-count">1<`) {
		t.Errorf("host after an answer: %.300s", hev.data)
	}

	// A resumed stream whose Last-Event-ID is stale gets the current state
	// at once; one that is current waits for the next change.
	_, br2 := p.openStream(t, "/join/"+code+"/events", first.id)
	if ev := nextEvent(t, br2); !strings.Contains(ev.data, `data-phase="locked"`) {
		t.Errorf("resumed from a stale id: %.200s", ev.data)
	}
}

func TestWorkshopReconnectSameSeat(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	db := newApp(t).db
	host := newTestServer(t, testOpts{DB: db, Now: clk.Now})
	items := wsItems(t)
	base, code := host.createWorkshop(url.Values{"title": {"R"}, "items": {items[0].ID + "," + items[1].ID}, "count": {"2"}, "seconds": {"30"}})
	p := host.otherLearner()
	p.joinAs(code, "Ada")
	host.host(base, "next")
	clk.Advance(3 * time.Second)
	p.answer(code, 0, keyOption(items[0]))
	host.host(base, "reveal")
	cookies := p.sessionCookies()

	// The tab closes; the same browser (cookie) comes back, even through
	// the join form under another name: same seat, same score.
	back := p.withCookies(cookies)
	if r := back.joinAs(code, "Someone else"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/join/"+code {
		t.Fatalf("rejoin: %d %q", r.status, r.header.Get("Location"))
	}
	v := back.get("/join/" + code)
	if v.text(`[data-testid="me"]`) != "Ada" || phaseOf(v) != "revealed" || v.text(`[data-testid="my-score"]`) != "950" {
		t.Fatalf("back in: name %q phase %q score %q", v.text(`[data-testid="me"]`), phaseOf(v), v.text(`[data-testid="my-score"]`))
	}

	// The server restarts mid-workshop: everything resumes from SQLite.
	restarted := newTestServer(t, testOpts{DB: db, Now: clk.Now})
	again := restarted.withCookies(cookies)
	hostAgain := restarted.withCookies(host.sessionCookies())
	if v := again.get("/join/" + code); v.text(`[data-testid="me"]`) != "Ada" || phaseOf(v) != "revealed" || v.text(`[data-testid="my-score"]`) != "950" {
		t.Fatalf("after restart: name %q phase %q score %q", v.text(`[data-testid="me"]`), phaseOf(v), v.text(`[data-testid="my-score"]`))
	}
	if r := hostAgain.host(base, "next"); phaseOf(r) != "question" || r.text(`[data-testid="round"]`) != "Round 2 of 2" {
		t.Fatalf("host presses next after restart: %q %q", phaseOf(r), r.text(`[data-testid="round"]`))
	}
	if r := again.answer(code, 1, keyOption(items[1])); phaseOf(r) != "locked" {
		t.Errorf("answer after restart: %q", phaseOf(r))
	}
}

func TestWorkshopAbuse(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	host := newTestServer(t, testOpts{Now: clk.Now})
	items := wsItems(t)
	base, code := host.createWorkshop(url.Values{"title": {"A"}, "items": {items[0].ID}, "count": {"1"}, "seconds": {"20"}})

	t.Run("code guesses are limited per client", func(t *testing.T) {
		g := host.otherLearner()
		for i := range 10 {
			if r := g.joinAs("XXXXXX", "Guesser"); r.status != http.StatusUnprocessableEntity || r.text(`[data-testid="join-error"]`) == "" {
				t.Fatalf("guess %d: %d", i+1, r.status)
			}
		}
		if r := g.joinAs(code, "Guesser"); r.status != http.StatusTooManyRequests {
			t.Fatalf("11th try (the right code): %d, want 429", r.status)
		}
		if r := g.get("/join/" + code); r.status != http.StatusTooManyRequests {
			t.Errorf("/join/CODE while limited: %d", r.status)
		}
		clk.Advance(time.Minute)
		if r := g.joinAs(code, "Guesser"); r.status != http.StatusSeeOther {
			t.Errorf("after a minute: %d", r.status)
		}
	})

	t.Run("behind a trusted proxy, the proxy's address counts, not the client's claim", func(t *testing.T) {
		proxied := newTestServer(t, testOpts{Now: clk.Now, TrustProxy: true})
		for i := range 12 {
			req, _ := http.NewRequest(http.MethodPost, proxied.srv.URL+"/join", strings.NewReader(url.Values{"code": {"XXXXXX"}, "name": {"G"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			// The client writes the first entry; the proxy appends the last.
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.0.0.%d, 203.0.113.9", i))
			r := proxied.do(req)
			if want := map[bool]int{true: http.StatusUnprocessableEntity, false: http.StatusTooManyRequests}[i < 10]; r.status != want {
				t.Fatalf("guess %d with a made-up first address: %d, want %d", i+1, r.status, want)
			}
		}
		req, _ := http.NewRequest(http.MethodPost, proxied.srv.URL+"/join", strings.NewReader(url.Values{"code": {"XXXXXX"}, "name": {"G"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "203.0.113.10")
		if r := proxied.do(req); r.status != http.StatusUnprocessableEntity {
			t.Errorf("another client behind the proxy: %d, want its own guesses", r.status)
		}
	})

	t.Run("names are trimmed, limited and required", func(t *testing.T) {
		n := host.otherLearner()
		if r := n.joinAs(code, " \t "); r.status != http.StatusUnprocessableEntity {
			t.Errorf("blank name: %d", r.status)
		}
		long := strings.Repeat("n", 25)
		if r := n.joinAs(code, long); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(r.text(`[data-testid="join-error"]`), "longer than 24") || r.doc().Find(`[data-testid="name"]`).AttrOr("value", "") != long {
			t.Errorf("25-character name: %d %q, field %q", r.status, r.text(`[data-testid="join-error"]`), r.doc().Find(`[data-testid="name"]`).AttrOr("value", ""))
		}
		for _, bad := range []string{"a\x00b", "\xff", "a\u202eb", "x\x1b[2J"} {
			if r := n.joinAs(code, bad); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="join-error"]`), "visible characters") || !utf8.ValidString(r.body) {
				t.Errorf("name %q: %d %q", bad, r.status, r.text(`[data-testid="join-error"]`))
			}
		}
		n.joinAs(code, "  "+strings.Repeat("n", 24)+"  ")
		if got := n.get("/join/" + code).text(`[data-testid="me"]`); got != strings.Repeat("n", 24) {
			t.Errorf("24-character name became %q", got)
		}
	})

	t.Run("a typed code is cut by characters, not bytes", func(t *testing.T) {
		r := host.otherLearner().joinAs("a"+strings.Repeat("é", 40), "Eve")
		if r.status != http.StatusUnprocessableEntity || !utf8.ValidString(r.body) {
			t.Errorf("long code: %d, valid UTF-8 %v", r.status, utf8.ValidString(r.body))
		}
	})

	t.Run("a kicked participant cannot rejoin until the host allows it", func(t *testing.T) {
		k := host.otherLearner()
		k.joinAs(code, "Mallory")
		var seat int64
		for _, s := range mustLoad(t, host.db, base).Seats {
			if s.Name == "Mallory" {
				seat = s.ID
			}
		}
		if r := k.hxPost(base+"/seats/"+strconv.FormatInt(seat, 10)+"/kick", nil); r.status != http.StatusForbidden {
			t.Fatalf("a participant kicking: %d", r.status)
		}
		host.hxPost(base+"/seats/"+strconv.FormatInt(seat, 10)+"/kick", nil)
		if p := k.get("/join/" + code); phaseOf(p) != "kicked" {
			t.Errorf("kicked screen: %q", phaseOf(p))
		}
		if r := k.joinAs(code, "Mallory2"); r.status != http.StatusForbidden {
			t.Errorf("rejoin under a new name: %d, want 403", r.status)
		}
		for _, verb := range []string{"bogus", "Allow", "allow/x"} {
			if r := host.hxPost(base+"/seats/"+strconv.FormatInt(seat, 10)+"/"+verb, nil); r.status != http.StatusNotFound && r.status != http.StatusMethodNotAllowed {
				t.Errorf("host posts seat verb %q: %d, want 404", verb, r.status)
			}
		}
		if p := k.get("/join/" + code); phaseOf(p) != "kicked" {
			t.Errorf("after unknown seat verbs: %q, want still kicked", phaseOf(p))
		}
		host.hxPost(base+"/seats/"+strconv.FormatInt(seat, 10)+"/allow", nil)
		if p := k.get("/join/" + code); phaseOf(p) != "lobby" {
			t.Errorf("after the host allows: %q", phaseOf(p))
		}
	})

	t.Run("another browser with the host link's key becomes a host", func(t *testing.T) {
		other := host.otherLearner()
		if r := other.get(base + "/host"); r.status != http.StatusForbidden {
			t.Errorf("host screen without the key: %d", r.status)
		}
		if r := other.get(base + "/host?key=wrong"); r.status != http.StatusForbidden {
			t.Errorf("host screen with a wrong key: %d", r.status)
		}
	})
}

func mustLoad(t *testing.T, db *store.DB, base string) store.WorkshopState {
	t.Helper()
	id, _ := strconv.ParseInt(strings.TrimPrefix(base, "/workshops/"), 10, 64)
	st, err := db.LoadWorkshop(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestWorkshopStreamsPerParticipantBounded: a participant opening event
// streams in a loop keeps at most maxStreamsPerOwner (4) of them: each new
// one closes the oldest, and the newest still follows the workshop.
func TestWorkshopStreamsPerParticipantBounded(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	host := newTestServer(t, testOpts{Now: clk.Now})
	items := wsItems(t)
	base, code := host.createWorkshop(url.Values{"title": {"Streams"}, "items": {items[0].ID}, "count": {"1"}, "seconds": {"20"}})
	ada := host.otherLearner()
	ada.joinAs(code, "Ada")
	var readers []*bufio.Reader
	for range 6 {
		_, br := ada.openStream(t, "/join/"+code+"/events", "")
		nextEvent(t, br) // the state at once
		readers = append(readers, br)
	}
	// The first two were pushed out: their streams end.
	for i, br := range readers[:2] {
		done := make(chan error, 1)
		go func() {
			_, err := io.ReadAll(br)
			done <- err
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("stream %d is still open after 6 were opened", i+1)
		}
	}
	host.host(base, "next")
	for i, br := range readers[2:] {
		if ev := nextEvent(t, br); !strings.Contains(ev.data, "question") {
			t.Errorf("stream %d after next: %q", i+3, ev.data)
		}
	}
}

// TestWorkshopPlayScreenHasHeading: the phone screen, which hides the site
// navigation, still has one level-one heading (the workshop's title) for
// screen readers to start from.
func TestWorkshopPlayScreenHasHeading(t *testing.T) {
	t.Parallel()
	host := newApp(t)
	base, code := host.createWorkshop(url.Values{"title": {"Friday `jobs` quiz"}, "items": {wsItems(t)[0].ID}, "count": {"1"}, "seconds": {"20"}})
	ada := host.otherLearner()
	ada.joinAs(code, "Ada")
	play := ada.get("/join/" + code)
	h1 := play.doc().Find("h1")
	if h1.Length() != 1 || !strings.Contains(h1.Text(), "Friday") {
		t.Errorf("play screen headings: %d %q, want one with the workshop's title", h1.Length(), h1.Text())
	}
	// The title's inline code shows as code, on the phone and the projector.
	if got := play.doc().Find(`.ws-me code`).Text(); got != "jobs" {
		t.Errorf("phone title code %q, want jobs", got)
	}
	if got := host.get(base + "/host").doc().Find(`.ws-bar h1 code`).Text(); got != "jobs" {
		t.Errorf("projector title code %q, want jobs", got)
	}
}
