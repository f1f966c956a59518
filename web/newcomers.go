package web

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// A visitor without a learner gets one (and, on first use, a sandbox
// workspace) when they act: send a form, start a drill or an exam, join a
// workshop, ask for a sandbox token (session.go, withSession). Each client
// address may create newcomerBurst learners at once and one more every
// newcomerEvery after that (a token bucket, clientLimiter). A workshop
// room of 60 phones behind one NAT address (a venue's Wi-Fi) joins at once
// within the burst, with 40 to spare for late arrivals and second
// browsers, and the bucket is full again 10 minutes after it was empty, so
// the next session's room joins too. A script creating learners in a loop
// gets 100, then one every 6 seconds (600 an hour) instead of as many as
// it can send; with the emulator's memory budget (workspace
// Options.MaxLoadedBytes) that bounds what one address can make the
// server hold or write. Learners who already have a cookie are never
// counted or refused, and a refused visitor has nothing stored.
const (
	newcomerBurst = 100
	newcomerEvery = 6 * time.Second
)

// tooManyNewcomers answers a visitor refused a new learner: 429 with
// Retry-After, nothing stored. A page request gets the error page (an htmx
// request gets it above the page it came from, so the form it sent keeps
// what was typed); a client that asks for JSON gets a Databricks-shaped
// error.
func (s *server) tooManyNewcomers(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := int(math.Ceil(wait.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	msg := fmt.Sprintf("Too many new visitors from your network address just now. Nothing was saved: "+
		"wait %s, then send it again. Learners who have already started here are not affected.", waitText(secs))
	if strings.Contains(r.Header.Get("Accept"), "application/json") && !strings.Contains(r.Header.Get("Accept"), "text/html") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_ = json.NewEncoder(w).Encode(map[string]string{"error_code": "REQUEST_LIMIT_EXCEEDED", "message": msg})
		return
	}
	s.errorPageSwap(w, r, http.StatusTooManyRequests, "Too many new visitors", msg, "", "afterbegin show:top")
}

// waitText says secs for people: "10 seconds", "1 minute".
func waitText(secs int) string {
	switch {
	case secs <= 1:
		return "a second"
	case secs < 90:
		return strconv.Itoa(secs) + " seconds"
	}
	return strconv.Itoa((secs+59)/60) + " minutes"
}
