package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// raceToken is the sandbox token a participant's race screen shows.
func raceToken(t *testing.T, r resp) string {
	t.Helper()
	m := regexp.MustCompile(`DATABRICKS_TOKEN=(dapi[0-9a-f]{32})`).FindStringSubmatch(r.text(`[data-testid="race-env"]`))
	if m == nil {
		t.Fatalf("no token on the race screen: %q", r.text(`[data-testid="race-env"]`))
	}
	return m[1]
}

func TestWorkshopSandboxRaceGradedFromAPICalls(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	host := newTestServer(t, testOpts{Now: clk.Now})
	items := wsItems(t)
	base, code := host.createWorkshop(url.Values{"title": {"Race"}, "items": {items[0].ID}, "count": {"1"}, "seconds": {"0"},
		"race": {"two-task-job"}})
	ada, bob := host.otherLearner(), host.otherLearner()
	ada.joinAs(code, "Ada")
	bob.joinAs(code, "Bob")
	host.host(base, "next")
	ada.answer(code, 0, keyOption(items[0]))
	host.host(base, "reveal")
	if r := host.host(base, "next"); phaseOf(r) != "race" || r.text(`[data-testid="solve-count"]`) != "0" {
		t.Fatalf("race start: phase %q solves %q", phaseOf(r), r.text(`[data-testid="solve-count"]`))
	}
	adaTok, bobTok := raceToken(t, ada.get("/join/"+code)), raceToken(t, bob.get("/join/"+code))
	if adaTok == bobTok {
		t.Fatal("two participants share a race token")
	}

	// Each token opens its own workspace, seeded from the fixtures.
	st, m := ada.api(http.MethodGet, "/api/2.2/jobs/list", adaTok, "")
	if st != http.StatusOK || len(jobNames(m)) == 0 {
		t.Fatalf("jobs/list with the race token: %d %v", st, m)
	}
	clk.Advance(90 * time.Second)
	body := `{"name":"two-steps","tasks":[
		{"task_key":"a","notebook_task":{"notebook_path":"/a"},"existing_cluster_id":"c1"},
		{"task_key":"b","depends_on":[{"task_key":"a"}],"notebook_task":{"notebook_path":"/b"},"existing_cluster_id":"c1"}]}`
	if st, m := ada.api(http.MethodPost, "/api/2.2/jobs/create", adaTok, body); st != http.StatusOK {
		t.Fatalf("jobs/create: %d %v", st, m)
	}
	if _, m := bob.api(http.MethodGet, "/api/2.2/jobs/list", bobTok, ""); strings.Contains(strings.Join(jobNames(m), ","), "two-steps") {
		t.Fatal("Ada's job shows in Bob's workspace")
	}

	// The projector grades as it refreshes: Ada solved it at 1:30, Bob not.
	board := host.hxGet(base + "/host/state")
	solves := board.doc().Find(`[data-testid="solves"] li`)
	if solves.Length() != 1 || !strings.Contains(solves.Text(), "Ada") || !strings.Contains(solves.Text(), "1:30") {
		t.Fatalf("solves: %q", solves.Text())
	}
	if v := ada.get("/join/" + code); v.doc().Find(`[data-testid="solved"]`).Length() != 1 {
		t.Errorf("Ada's screen does not say solved: %q", phaseOf(v))
	}
	// Bob checks his own (untouched) workspace: not yet, with the reason.
	if r := bob.hxPost("/join/"+code+"/check", nil); !strings.HasPrefix(r.text(`[data-testid="notice"]`), "Not yet") {
		t.Errorf("Bob's check: %q", r.text(`[data-testid="notice"]`))
	}
	// Race points score time: ten minutes to race, solved at 1:30.
	host.host(base, "reveal")
	end := host.host(base, "next")
	if got := boardNames(end); strings.Join(got, ",") != "Ada,Bob" {
		t.Errorf("leaderboard %v", got)
	}
	if got := end.doc().Find(`[data-testid="leaderboard"] .ws-score`).First().Text(); got != "1925" {
		t.Errorf("Ada's score %q, want 1000 (question, untimed) + 925 (race at 1:30 of 10:00)", got)
	}
	// A kicked participant's token stops working.
	var bobSeat string
	end.doc().Find(`[data-testid="seat"]`).Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), "Bob") {
			bobSeat = s.Find("form").AttrOr("action", "")
		}
	})
	host.hxPost(bobSeat, nil)
	if st, _ := bob.api(http.MethodGet, "/api/2.2/jobs/list", bobTok, ""); st != http.StatusForbidden {
		t.Errorf("a kicked seat's token: %d, want 403", st)
	}
}
