package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"github.com/jobs-api-trainer/trainer/quiz"
)

// wsItems are three single-answer bank items for hand-picked workshops.
func wsItems(t *testing.T) []quiz.Item {
	t.Helper()
	var out []quiz.Item
	for _, it := range testBank(t).Items() {
		if it.Kind != quiz.Multi && len(out) < 3 {
			out = append(out, it)
		}
	}
	return out
}

// wrongOption is an option of it that is not its key.
func wrongOption(it quiz.Item) int {
	for i, o := range it.Options {
		if o != it.Key {
			return i
		}
	}
	return -1
}

func keyOption(it quiz.Item) int { return slices.Index(it.Options, it.Key) }

// createWorkshop posts the create form as the host and returns the host
// workshop's path (/workshops/ID) and the join code.
func (a *app) createWorkshop(v url.Values) (base, code string) {
	a.t.Helper()
	r := a.postForm("/workshops", v)
	if r.status != http.StatusSeeOther {
		a.t.Fatalf("create workshop: %d %s", r.status, r.text(".field-error"))
	}
	loc := r.header.Get("Location")
	if !strings.Contains(loc, "?key=") {
		a.t.Fatalf("create redirects to %q, want the host link with its key", loc)
	}
	path, _, _ := strings.Cut(loc, "?")
	if r := a.get(loc); r.status != http.StatusSeeOther || r.header.Get("Location") != path {
		a.t.Fatalf("the host link: %d %q, want 303 to %s", r.status, r.header.Get("Location"), path)
	}
	h := a.get(path)
	if h.status != http.StatusOK {
		a.t.Fatalf("host screen: %d", h.status)
	}
	if h.doc().Find(`[data-testid="host-link"]`).Length() != 1 {
		a.t.Error("the host link is not shown after creation")
	}
	return strings.TrimSuffix(path, "/host"), h.text(`[data-testid="join-code"]`)
}

func (a *app) joinAs(code, name string) resp {
	a.t.Helper()
	return a.postForm("/join", url.Values{"code": {code}, "name": {name}})
}

func (a *app) answer(code string, n, choice int) resp {
	a.t.Helper()
	return a.hxPost("/join/"+code+"/answer", url.Values{"n": {strconv.Itoa(n)}, "choice": {strconv.Itoa(choice)}})
}

func (a *app) host(base, action string) resp {
	a.t.Helper()
	return a.hxPost(base+"/host/"+action, nil)
}

func phaseOf(r resp) string {
	if p, ok := r.doc().Find("[data-phase]").First().Attr("data-phase"); ok {
		return p
	}
	return ""
}

func boardNames(r resp) []string {
	var out []string
	r.doc().Find(`[data-testid="leaderboard"] .ws-name`).Each(func(_ int, s *goquery.Selection) { out = append(out, strings.TrimSpace(s.Text())) })
	return out
}

func TestWorkshopLifecycle(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	host := newTestServer(t, testOpts{Now: clk.Now})
	items := wsItems(t)
	ids := items[0].ID + "\n" + items[1].ID + "\n" + items[2].ID
	base, code := host.createWorkshop(url.Values{"title": {"Team <b>one</b>"}, "items": {ids}, "count": {"3"}, "seconds": {"20"}, "scoring": {"speed"}})
	if len(code) != quiz.JoinCodeLen || strings.ContainsAny(code, "0O1IL") {
		t.Fatalf("join code %q", code)
	}

	ada, bob, cy := host.otherLearner(), host.otherLearner(), host.otherLearner()
	if r := ada.joinAs(strings.ToLower(code), "  Ada  "); r.status != http.StatusSeeOther || r.header.Get("Location") != "/join/"+code {
		t.Fatalf("Ada joins: %d %q", r.status, r.header.Get("Location"))
	}
	bob.joinAs(code, "Bob")
	clash := cy.joinAs(code, "ADA")
	if clash.status != http.StatusConflict || clash.text(`[data-testid="take-suggestion"]`) != "ADA 2" {
		t.Fatalf("a clashing name: %d, suggestion %q", clash.status, clash.text(`[data-testid="take-suggestion"]`))
	}
	if r := cy.joinAs(code, "<i>Cy</i>"); r.status != http.StatusSeeOther {
		t.Fatalf("Cy joins: %d", r.status)
	}
	lobby := host.get(base + "/host")
	if got := lobby.doc().Find(`[data-testid="seat"]`).Length(); got != 3 || phaseOf(lobby) != "lobby" {
		t.Fatalf("lobby: %d seats, phase %q", got, phaseOf(lobby))
	}
	if strings.Contains(lobby.body, "<i>Cy</i>") || !strings.Contains(lobby.body, "&lt;i&gt;Cy&lt;/i&gt;") || strings.Contains(lobby.body, "<b>one</b>") {
		t.Error("names and titles are not escaped on the projector")
	}
	if lobby.doc().Find(`img[data-testid="qr"]`).Length() != 1 {
		t.Error("no QR code in the lobby")
	}
	if r := host.get(base + "/qr.svg"); r.status != http.StatusOK || !strings.HasPrefix(r.body, "<svg") || r.header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("qr.svg: %d %q", r.status, r.header.Get("Content-Type"))
	}

	// Only the host controls.
	if r := ada.host(base, "next"); r.status != http.StatusForbidden {
		t.Fatalf("a participant pressing next: %d, want 403", r.status)
	}
	if r := ada.get(base + "/results.csv"); r.status != http.StatusForbidden {
		t.Errorf("a participant reading the results: %d, want 403", r.status)
	}

	// Question 1: Ada right at 2 s, Bob right at 6 s, Cy wrong; a second
	// answer is ignored.
	if r := host.host(base, "next"); phaseOf(r) != "question" {
		t.Fatalf("after start: phase %q", phaseOf(r))
	}
	if p := ada.get("/join/" + code); phaseOf(p) != "question" || p.text(`[data-testid="stem"]`) == "" {
		t.Fatalf("Ada's screen: phase %q", phaseOf(p))
	}
	clk.Advance(2 * time.Second)
	if r := ada.answer(code, 0, keyOption(items[0])); phaseOf(r) != "locked" {
		t.Fatalf("Ada's answer: phase %q", phaseOf(r))
	}
	if r := ada.answer(code, 0, wrongOption(items[0])); r.status != http.StatusOK || r.text(`[data-testid="notice"]`) != "Your first answer counts." {
		t.Errorf("second answer: %d %q", r.status, r.text(`[data-testid="notice"]`))
	}
	clk.Advance(4 * time.Second)
	bob.answer(code, 0, keyOption(items[0]))
	cy.answer(code, 0, wrongOption(items[0]))
	if got := host.get(base + "/host").text(`[data-testid="answer-count"]`); got != "3" {
		t.Errorf("live count %q, want 3", got)
	}
	rev := host.host(base, "reveal")
	if phaseOf(rev) != "revealed" || rev.text(`[data-testid="explanation"]`) == "" {
		t.Fatalf("reveal: phase %q, explanation %q", phaseOf(rev), rev.text(`[data-testid="explanation"]`))
	}
	if got := rev.doc().Find(`.is-correct [data-testid="option-count"]`).Text(); got != "2" {
		t.Errorf("right option's count %q, want 2", got)
	}
	if got := boardNames(rev); strings.Join(got, ",") != "Ada,Bob,<i>Cy</i>" {
		t.Errorf("leaderboard %v, want Ada (faster), Bob, Cy", got)
	}
	cyView := cy.get("/join/" + code)
	if phaseOf(cyView) != "revealed" || cyView.text(`[data-testid="right-answer"]`) != items[0].Key || cyView.text(`[data-testid="rank"]`) != "You are number 3 of 3." {
		t.Errorf("Cy's reveal: %q %q %q", phaseOf(cyView), cyView.text(`[data-testid="right-answer"]`), cyView.text(`[data-testid="rank"]`))
	}

	// Question 2: an answer after the deadline is refused; the host skips.
	host.host(base, "next")
	clk.Advance(21 * time.Second)
	if r := bob.answer(code, 1, keyOption(items[1])); !strings.HasPrefix(r.text(`[data-testid="notice"]`), "Too late") {
		t.Errorf("late answer: %q", r.text(`[data-testid="notice"]`))
	}
	if r := host.host(base, "skip"); phaseOf(r) != "question" || r.text(`[data-testid="round"]`) != "Round 3 of 3" {
		t.Fatalf("skip: phase %q, %q", phaseOf(r), r.text(`[data-testid="round"]`))
	}

	// Question 3: Bob answers, then the host ends it early; Ada is too late.
	clk.Advance(time.Second)
	bob.answer(code, 2, keyOption(items[2]))
	if r := host.host(base, "close"); phaseOf(r) != "closed" {
		t.Fatalf("end early: phase %q", phaseOf(r))
	}
	if r := ada.answer(code, 2, keyOption(items[2])); !strings.HasPrefix(r.text(`[data-testid="notice"]`), "Too late") {
		t.Errorf("answer after ending early: %q", r.text(`[data-testid="notice"]`))
	}
	host.host(base, "reveal")
	end := host.host(base, "next")
	if phaseOf(end) != "ended" {
		t.Fatalf("past the last round: phase %q", phaseOf(end))
	}
	if got := boardNames(end); strings.Join(got, ",") != "Bob,Ada,<i>Cy</i>" {
		t.Errorf("final leaderboard %v, want Bob (two right), Ada, Cy", got)
	}
	if got := end.doc().Find(`[data-testid="podium"] li`).Length(); got != 3 {
		t.Errorf("podium has %d places", got)
	}
	diff := end.doc().Find(`[data-testid="difficulty"] tbody tr`)
	if diff.Length() != 3 || !strings.Contains(diff.Eq(0).Text(), "66 % of 3") || !strings.Contains(diff.Eq(1).Text(), "skipped") ||
		!strings.Contains(diff.Eq(0).Text(), items[0].Options[wrongOption(items[0])]) {
		t.Errorf("difficulty rows: %q", diff.Text())
	}
	if p := ada.get("/join/" + code); phaseOf(p) != "ended" || !strings.Contains(p.text(`[data-testid="final"]`), "number 2 of 3") {
		t.Errorf("Ada's end screen: %q %q", phaseOf(p), p.text(`[data-testid="final"]`))
	}

	// Exports.
	res := host.get(base + "/results.csv")
	rows, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	if err != nil || res.header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("results.csv: %v %q", err, res.header.Get("Content-Type"))
	}
	if len(rows) != 1+3*3 {
		t.Fatalf("results.csv has %d rows, want a header and 9", len(rows))
	}
	want := []string{"1", "question", items[0].ID, "Ada", items[0].Key, "true", "950"}
	if got := rows[1][:7]; strings.Join(got, "|") != strings.Join(want, "|") || rows[1][7] != "2000" {
		t.Errorf("Ada's first row %v, want %v and 2000 ms", rows[1], want)
	}
	sum := host.get(base + "/summary.csv")
	srows, _ := csv.NewReader(strings.NewReader(sum.body)).ReadAll()
	if len(srows) != 4 || srows[1][7] != "66" || srows[2][4] != "skipped" || !strings.Contains(srows[1][9], items[0].Key+"=2") {
		t.Errorf("summary.csv: %v", srows)
	}
}

// TestWorkshopCountsAsDrill: with "count answers as drill practice", a
// participant's first answer is a drill attempt of their own (it shows in
// their answer export, once, however often they resend it); without it,
// workshop answers stay out of their drill history.
func TestWorkshopCountsAsDrill(t *testing.T) {
	t.Parallel()
	for _, on := range []bool{true, false} {
		clk := newFakeClock()
		host := newTestServer(t, testOpts{Now: clk.Now})
		items := wsItems(t)
		v := url.Values{"title": {"Drill"}, "items": {items[0].ID}, "count": {"1"}, "seconds": {"20"}, "scoring": {"correct"}}
		if on {
			v.Set("count_as_drill", "on")
		}
		base, code := host.createWorkshop(v)
		ada := host.otherLearner()
		ada.joinAs(code, "Ada")
		host.host(base, "next")
		clk.Advance(time.Second)
		ada.answer(code, 0, keyOption(items[0]))
		ada.answer(code, 0, keyOption(items[0])) // a resend records nothing more
		csv := ada.get("/progress/export.csv")
		lines := strings.Count(strings.TrimSpace(csv.body), "\n") // header + rows
		want := 0
		if on {
			want = 1
		}
		if csv.status != http.StatusOK || lines != want || (on && !strings.Contains(csv.body, items[0].ID+",")) {
			t.Errorf("count_as_drill=%v: export %d with %d rows, want %d:\n%s", on, csv.status, lines, want, csv.body)
		}
	}
}

// TestWorkshopForm: every bad field of the create form is a form error
// that keeps what was typed and creates nothing, and a form sent twice
// (a double click, a replay) creates one workshop.
func TestWorkshopForm(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	form := a.get("/workshops/new")
	createID := form.doc().Find(`input[name="create_id"]`).AttrOr("value", "")
	if len(createID) != 24 {
		t.Fatalf("the form carries no create_id: %q", createID)
	}
	good := url.Values{"title": {"Friday quiz"}, "count": {"3"}, "seconds": {"20"}, "create_id": {createID}}
	with := func(field, value string) url.Values {
		v := url.Values{}
		for k, vs := range good {
			v[k] = slices.Clone(vs)
		}
		v.Set(field, value)
		return v
	}
	for _, tt := range []struct {
		name, field, value, msg string
	}{
		{"no title", "title", " \t ", "Give the workshop a title."},
		{"title too long", "title", strings.Repeat("t", 81), "longer than 80"},
		{"NUL in the title", "title", "a\x00b", "visible characters"},
		{"title not UTF-8", "title", "Quiz \xff", "visible characters"},
		{"bidi override in the title", "title", "Quiz \u202e", "visible characters"},
		{"no questions", "count", "0", "Between 1 and"},
		{"count not a number", "count", "ten", "Between 1 and"},
		{"negative seconds", "seconds", "-1", "Between 0"},
		{"seconds too many", "seconds", "99999", "Between 0"},
	} {
		r := a.postForm("/workshops", with(tt.field, tt.value))
		if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(`[data-testid="error-`+tt.field+`"]`), tt.msg) || !utf8.ValidString(r.body) {
			t.Errorf("%s: %d %q, want 422 %q (valid UTF-8: %v)", tt.name, r.status, r.text(`[data-testid="error-`+tt.field+`"]`), tt.msg, utf8.ValidString(r.body))
		}
		if got := r.doc().Find(`input[name="create_id"]`).AttrOr("value", ""); got != createID {
			t.Errorf("%s: the form came back with create_id %q, want the same %q", tt.name, got, createID)
		}
		if tt.field == "title" && tt.name == "title too long" && r.doc().Find(`[data-testid="title"]`).AttrOr("value", "") != tt.value {
			t.Errorf("%s: the typed title was not kept", tt.name)
		}
	}
	if n := a.get("/workshops").doc().Find(`[data-testid="hosted"] li`).Length(); n != 0 {
		t.Fatalf("refused forms created %d workshops", n)
	}

	// The same form twice, also at once: one workshop, one host link.
	var wg sync.WaitGroup
	links := make([]string, 4)
	for i := range links {
		wg.Go(func() { links[i] = a.postForm("/workshops", good).header.Get("Location") })
	}
	wg.Wait()
	for _, l := range links {
		if l == "" || l != links[0] {
			t.Fatalf("replayed create gave host links %q", links)
		}
	}
	if n := a.get("/workshops").doc().Find(`[data-testid="hosted"] li`).Length(); n != 1 {
		t.Errorf("%d workshops after one form sent 4 times, want 1", n)
	}
	// A new form (a new create_id) is a new workshop.
	fresh := with("create_id", a.get("/workshops/new").doc().Find(`input[name="create_id"]`).AttrOr("value", ""))
	if l := a.postForm("/workshops", fresh).header.Get("Location"); l == "" || l == links[0] {
		t.Errorf("a second form: %q", l)
	}
}
