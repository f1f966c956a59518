package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// createWithKey posts the create form as a and returns the workshop's
// path (/workshops/ID), its join code and the secret host link's key,
// checking the link leaves the address bar at once and shows once, folded
// away.
func (a *app) createWithKey(t *testing.T, v url.Values) (base, code, key string) {
	t.Helper()
	r := a.postForm("/workshops", v)
	loc := r.header.Get("Location")
	path, query, ok := strings.Cut(loc, "?")
	if r.status != http.StatusSeeOther || !ok {
		t.Fatalf("create: %d %q", r.status, loc)
	}
	q, _ := url.ParseQuery(query)
	key = q.Get("key")
	if len(key) < 16 {
		t.Fatalf("host link %q has no key", loc)
	}
	base = strings.TrimSuffix(path, "/host")
	checkHostLinkOnce(t, a, base, key)
	return base, a.get(base + "/host").text(`[data-testid="join-code"]`), key
}

// checkHostLinkOnce opens the host link with key as a: it redirects to the
// host screen without the key, which shows the link once inside a closed
// <details> and nowhere else; the next visit does not show it.
func checkHostLinkOnce(t *testing.T, a *app, base, key string) {
	t.Helper()
	r := a.get(base + "/host?key=" + url.QueryEscape(key))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != base+"/host" {
		t.Fatalf("opening the host link: %d %q, want 303 to %s/host (the key out of the address bar)", r.status, r.header.Get("Location"), base)
	}
	first := a.get(base + "/host")
	if first.status != http.StatusOK {
		t.Fatalf("host screen after the link: %d", first.status)
	}
	d := first.doc().Find(`details[data-testid="host-link"]`)
	if d.Length() != 1 {
		t.Fatal("the host link is not offered once, in a <details>, after it was opened")
	}
	if _, open := d.Attr("open"); open {
		t.Error("the host link's <details> is open: it would show on the projector")
	}
	if !strings.Contains(d.Find("summary").Text(), "keep it secret") || !strings.Contains(d.Text(), key) {
		t.Errorf("host link details: %q", d.Text())
	}
	if n := strings.Count(first.body, key); n != 1 {
		t.Errorf("the key appears %d times on the first host screen, want once (inside the closed details)", n)
	}
	again := a.get(base + "/host")
	if strings.Contains(again.body, key) || again.doc().Find(`[data-testid="host-link"]`).Length() != 0 {
		t.Error("a reload shows the host link again")
	}
}

// TestWorkshopHostKeyOffTheProjector: the secret host link's key is in no
// host screen (page, htmx partial, action answer, event) in any phase, and
// not in what participants see.
func TestWorkshopHostKeyOffTheProjector(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	host := newTestServer(t, testOpts{Now: clk.Now})
	items := wsItems(t)
	base, code, key := host.createWithKey(t, url.Values{"title": {"Secret"}, "items": {items[0].ID + "\n" + items[1].ID},
		"count": {"2"}, "seconds": {"20"}})
	ada := host.otherLearner()
	ada.joinAs(code, "Ada")

	// Another browser opening the link becomes a host and sees it once too.
	laptop := host.otherLearner()
	checkHostLinkOnce(t, laptop, base, key)
	if r := laptop.hxPost(base+"/host/state", nil); r.status == http.StatusForbidden {
		t.Error("the browser that opened the link is not a host")
	}

	_, hostBR := host.openStream(t, base+"/host/events", "")
	check := func(what, body string) {
		t.Helper()
		if strings.Contains(body, key) {
			t.Errorf("%s contains the host key", what)
		}
		if strings.Contains(body, "?key=") {
			t.Errorf("%s contains a host link", what)
		}
	}
	screens := func(phase string) {
		t.Helper()
		for _, c := range []*app{host, laptop} {
			p := c.get(base + "/host")
			if p.status != http.StatusOK || phaseOf(p) != phase {
				t.Fatalf("%s: host screen %d %q", phase, p.status, phaseOf(p))
			}
			check(phase+" host page", p.body)
			check(phase+" host state partial", c.hxGet(base+"/host/state").body)
		}
		check(phase+" host event", nextEvent(t, hostBR).data)
		check(phase+" participant page", ada.get("/join/"+code).body)
		check(phase+" participant partial", ada.hxGet("/join/"+code+"/state").body)
	}
	screens("lobby")
	for _, step := range []struct{ action, phase string }{
		{"next", "question"}, {"close", "closed"}, {"reveal", "revealed"}, {"next", "question"}, {"reveal", "revealed"}, {"next", "ended"},
	} {
		r := host.host(base, step.action)
		if phaseOf(r) != step.phase {
			t.Fatalf("%s: phase %q, want %q", step.action, phaseOf(r), step.phase)
		}
		check(step.action+" answer", r.body)
		if joinLine := r.doc().Find(`[data-testid="join-code"]`).Length(); (step.phase == "ended") != (joinLine == 0) {
			t.Errorf("%s: the join line shown %d times (none once the workshop has ended, else once)", step.phase, joinLine)
		}
		if step.phase == "question" {
			ada.answer(code, 0, keyOption(items[0]))
		}
		screens(step.phase)
	}
}

// TestWorkshopScoresShowAtReveal: a right answer changes no score, rank or
// leaderboard anywhere until the host reveals the round.
func TestWorkshopScoresShowAtReveal(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	host := newTestServer(t, testOpts{Now: clk.Now})
	items := wsItems(t)
	base, code := host.createWorkshop(url.Values{"title": {"Fair"}, "items": {items[0].ID + "\n" + items[1].ID + "\n" + items[2].ID},
		"count": {"3"}, "seconds": {"20"}, "scoring": {"speed"}})
	ada, bob := host.otherLearner(), host.otherLearner()
	ada.joinAs(code, "Ada")
	bob.joinAs(code, "Bob")

	// look reads a participant's score and rank from every place that
	// shows them: the answer to their POST, the page, the partial, an event.
	type seen struct{ score, rank string }
	look := func(who *app, answer resp) []seen {
		t.Helper()
		_, br := who.openStream(t, "/join/"+code+"/events", "")
		ev := nextEvent(t, br)
		var out []seen
		for _, r := range []resp{answer, who.get("/join/" + code), who.hxGet("/join/" + code + "/state"),
			{body: ev.data, parsed: &lazyDoc{body: ev.data}}} {
			if r.body == "" {
				continue
			}
			out = append(out, seen{r.text(`[data-testid="my-score"]`), r.text(`[data-testid="rank"]`)})
		}
		return out
	}
	same := func(what string, got []seen, want seen) {
		t.Helper()
		for i, g := range got {
			if g != want {
				t.Errorf("%s, view %d: score %q rank %q, want %q %q", what, i, g.score, g.rank, want.score, want.rank)
			}
		}
	}

	host.host(base, "next")
	clk.Advance(2 * time.Second)
	right := ada.answer(code, 0, keyOption(items[0]))
	wrong := bob.answer(code, 0, wrongOption(items[0]))
	same("Ada right before the reveal", look(ada, right), seen{"0", ""})
	same("Bob wrong before the reveal", look(bob, wrong), seen{"0", ""})
	if h := host.get(base + "/host"); h.doc().Find(`[data-testid="leaderboard"]`).Length() != 0 {
		t.Error("the projector shows scores before the reveal")
	}

	rev := host.host(base, "reveal")
	if got := rev.text(`[data-testid="leaderboard"] .ws-score`); got != "9500" {
		t.Errorf("projector scores after the reveal %q, want Ada 950 then Bob 0", got)
	}
	same("Ada after the reveal", look(ada, resp{}), seen{"950", "You are number 1 of 2."})
	same("Bob after the reveal", look(bob, resp{}), seen{"0", "You are number 2 of 2."})

	// Round 2: Bob right, Ada wrong; nothing moves until its reveal.
	host.host(base, "next")
	clk.Advance(time.Second)
	right = bob.answer(code, 1, keyOption(items[1]))
	wrong = ada.answer(code, 1, wrongOption(items[1]))
	same("Bob right in round 2", look(bob, right), seen{"0", ""})
	same("Ada wrong in round 2", look(ada, wrong), seen{"950", ""})
	host.host(base, "reveal")
	same("Bob after round 2", look(bob, resp{}), seen{"975", "You are number 1 of 2."})

	// Round 3 ends with the workshop, unrevealed: it scores nothing, and
	// the end button says so before it ends anything (it said nothing).
	if c := host.get(base+"/host").doc().Find(`form:has([data-testid="host-end"])`).AttrOr("data-confirm", ""); !strings.Contains(c, "cannot be restarted") || strings.Contains(c, "not revealed") {
		t.Errorf("end confirmation after a reveal: %q", c)
	}
	host.host(base, "next")
	ada.answer(code, 2, keyOption(items[2]))
	if c := host.get(base+"/host").doc().Find(`form:has([data-testid="host-end"])`).AttrOr("data-confirm", ""); !strings.Contains(c, "not revealed yet, so it scores nothing") {
		t.Errorf("end confirmation during an open round: %q", c)
	}
	end := host.host(base, "end")
	if got := boardNames(end); strings.Join(got, ",") != "Bob,Ada" {
		t.Errorf("final board %v, want Bob, Ada (round 3 never revealed)", got)
	}
	end3 := ada.get("/join/" + code)
	if got := end3.text(`[data-testid="final"]`); !strings.Contains(got, "with 950 points") {
		t.Errorf("Ada's end screen %q", got)
	}
	// What did not count says so everywhere, as the leaderboard has it:
	// Ada's end screen, the host's round table, both exports (results.csv
	// gave round 3 its points, 987).
	if got := end3.text(`[data-testid="unscored"]`); !strings.Contains(got, "round 3 was revealed") {
		t.Errorf("Ada's end screen does not say round 3 did not count: %q", got)
	}
	if end3.doc().Find(`a[data-testid="keep-practising"][href="/drill"]`).Length() != 1 {
		t.Error("the end screen leads nowhere")
	}
	if got := end.text(`[data-testid="round-status"]`); got != "(not revealed, not scored)" {
		t.Errorf("host's round table marks round 3 %q", got)
	}
	rows, err := csv.NewReader(strings.NewReader(host.get(base + "/results.csv").body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	points := 0
	for _, row := range rows[1:] {
		if row[3] == "Ada" {
			p, _ := strconv.Atoi(row[6])
			points += p
			if row[0] == "3" && (row[6] != "0" || row[9] != "not revealed, not scored" || row[5] != "true") {
				t.Errorf("Ada's round 3 in results.csv: %v", row)
			}
		}
	}
	if points != 950 {
		t.Errorf("results.csv gives Ada %d points, the leaderboard 950", points)
	}
	srows, _ := csv.NewReader(strings.NewReader(host.get(base + "/summary.csv").body)).ReadAll()
	if len(srows) < 4 || srows[1][4] != "scored" || srows[3][4] != "not revealed, not scored" {
		t.Errorf("summary.csv states: %v", srows)
	}
}

// TestWorkshopRendersInlineCode: backticks in question and option text
// are code on the phone, the projector and the round table, as in the
// drill, and nothing in them is markup.
func TestWorkshopRendersInlineCode(t *testing.T) {
	t.Parallel()
	bank := testBank(t)
	var ids []string
	for _, id := range []string{"bl-deploy-order", "cli-legacy-get-flag"} {
		it, ok := bank.Item(id)
		if !ok || !strings.Contains(it.Stem, "`") || !strings.Contains(it.Key, "`") {
			t.Fatalf("item %s no longer has backticks in its stem and key", id)
		}
		ids = append(ids, id)
	}
	host := newApp(t)
	base, code := host.createWorkshop(url.Values{"title": {"Code"}, "items": {strings.Join(ids, "\n")}, "count": {"2"}, "seconds": {"0"}})
	ada := host.otherLearner()
	ada.joinAs(code, "Ada")
	noTicks := func(what string, r resp, sel string, wantCode int) {
		t.Helper()
		s := r.doc().Find(sel)
		if s.Length() == 0 {
			t.Fatalf("%s: nothing at %s", what, sel)
		}
		if strings.Contains(s.Text(), "`") {
			t.Errorf("%s shows backticks: %q", what, s.Text())
		}
		if got := s.Find("code").Length(); got < wantCode {
			t.Errorf("%s has %d <code>, want at least %d", what, got, wantCode)
		}
	}
	for n, id := range ids {
		it, _ := bank.Item(id)
		host.host(base, "next")
		noTicks(id+" projector stem", host.get(base+"/host"), `[data-testid="stem"]`, 1)
		noTicks(id+" phone stem", ada.get("/join/"+code), `[data-testid="stem"]`, 1)
		noTicks(id+" phone options", ada.get("/join/"+code), `[data-testid="answer-form"]`, 1)
		noTicks(id+" projector options", host.get(base+"/host"), `[data-testid="distribution"]`, 1)
		locked := ada.answer(code, n, keyOption(it))
		noTicks(id+" phone locked", locked, `[data-testid="chosen"]`, 1)
		rev := host.host(base, "reveal")
		noTicks(id+" projector reveal", rev, `[data-testid="distribution"]`, 1)
		noTicks(id+" phone right answer", ada.get("/join/"+code), `[data-testid="right-answer"]`, 1)
	}
	end := host.host(base, "next")
	noTicks("round table", end, `[data-testid="difficulty"]`, 2)
}

// TestWorkshopLoopbackNote: a host screen reached at a loopback address
// warns that phones cannot reach the join URL and says how to fix it; at
// any other address it does not.
func TestWorkshopLoopbackNote(t *testing.T) {
	t.Parallel()
	host := newApp(t)
	base, _ := host.createWorkshop(url.Values{"title": {"Room"}, "count": {"1"}, "seconds": {"0"}})
	for _, tt := range []struct {
		host string
		warn bool
	}{
		{"", true}, // the test server: 127.0.0.1:port
		{"localhost:8080", true},
		{"LOCALHOST", true},
		{"[::1]:8080", true},
		{"127.0.0.2:8080", true},
		{"0.0.0.0:8080", true},
		{"app.localhost:8080", true},
		{"192.168.1.20:8080", false},
		{"trainer.example.com", false},
		{"[fe80::1]:8080", false},
	} {
		t.Run(tt.host, func(t *testing.T) {
			for _, path := range []string{base + "/host", base + "/host/state"} {
				req, _ := http.NewRequest(http.MethodGet, host.srv.URL+path, nil)
				if tt.host != "" {
					req.Host = tt.host
					for _, c := range host.c.Jar.Cookies(req.URL) { // the jar goes by the Host
						req.AddCookie(c)
					}
				}
				r := host.do(req)
				if r.status != http.StatusOK {
					t.Fatalf("%s: %d", path, r.status)
				}
				note := r.text(`[data-testid="loopback-note"]`)
				if got := note != ""; got != tt.warn {
					t.Fatalf("%s: note %q, want one: %v", path, note, tt.warn)
				}
				if tt.warn && (!strings.Contains(note, "Phones cannot reach") || !strings.Contains(note, "-addr 0.0.0.0:PORT") || !strings.Contains(note, "host link") ||
					!strings.Contains(note, "./trainer -h")) {
					t.Errorf("%s: note %q does not say what to do", path, note)
				}
			}
		})
	}
}

// TestWorkshopNewHostLink: a host who lost the link shown once makes a new
// one: it is shown once, the old one stops letting new browsers in, and
// browsers that opened the old one stay hosts. Only a host may ask.
func TestWorkshopNewHostLink(t *testing.T) {
	t.Parallel()
	host := newApp(t)
	items := wsItems(t)
	base, _, oldKey := host.createWithKey(t, url.Values{"title": {"Lost link"}, "items": {items[0].ID}, "count": {"1"}, "seconds": {"20"}})
	laptop := host.otherLearner()
	checkHostLinkOnce(t, laptop, base, oldKey)

	if r := host.otherLearner().postForm(base+"/host-link", nil); r.status != http.StatusForbidden {
		t.Errorf("a participant asks for a new host link: %d, want 403", r.status)
	}
	page := host.get(base + "/host")
	if page.doc().Find(`[data-testid="new-host-link"]`).Length() != 1 {
		t.Fatal("the host screen offers no new host link")
	}
	r := host.postForm(base+"/host-link", nil)
	if r.status != http.StatusSeeOther || r.header.Get("Location") != base+"/host" {
		t.Fatalf("new host link: %d %q", r.status, r.header.Get("Location"))
	}
	shown := host.get(base + "/host")
	newURL := shown.text(`[data-testid="host-url"]`)
	_, newKey, ok := strings.Cut(newURL, "?key=")
	if !ok || newKey == "" || newKey == url.QueryEscape(oldKey) {
		t.Fatalf("new host link %q", newURL)
	}
	if strings.Contains(host.get(base+"/host").body, newKey) {
		t.Error("the new link is shown more than once")
	}
	if r := host.otherLearner().get(base + "/host?key=" + url.QueryEscape(oldKey)); r.status != http.StatusForbidden {
		t.Errorf("the old link still lets a new browser in: %d", r.status)
	}
	if r := laptop.get(base + "/host"); r.status != http.StatusOK {
		t.Errorf("a browser that opened the old link is no longer a host: %d", r.status)
	}
	k, _ := url.QueryUnescape(newKey)
	checkHostLinkOnce(t, host.otherLearner(), base, k)
}
