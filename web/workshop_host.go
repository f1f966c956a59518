package web

import (
	"bytes"
	"cmp"
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
	"github.com/jobs-api-trainer/trainer/workspace"
	"github.com/jobs-api-trainer/trainer/workspace/challenge"
)

// boardSize is how many leaderboard lines the screens show.
const boardSize = 10

// handleWorkshopHost serves the projector screen. The secret host link
// (?key=…) makes this browser a host and is then dropped from the address
// bar with a redirect, since the address bar may be on the projector; the
// link is shown once more, folded away, on the screen it redirects to.
func (s *server) handleWorkshopHost(w http.ResponseWriter, r *http.Request) {
	rm, ok := s.workshopRoom(w, r)
	if !ok {
		return
	}
	ws := rm.workshop()
	clean := fmt.Sprintf("/workshops/%d/host", ws.ID)
	if key := r.URL.Query().Get("key"); key != "" {
		good, err := s.db.CheckHostKey(r.Context(), ws.ID, key)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !good && !s.isHost(r, ws) {
			s.forbidden(w, r)
			return
		}
		if good {
			if err := s.grantHost(w, r, ws.ID, s.hostLinkURL(r, ws.ID, key)); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		http.Redirect(w, r, clean, http.StatusSeeOther)
		return
	}
	if !s.isHost(r, ws) {
		s.forbidden(w, r)
		return
	}
	hostURL, err := s.takeHostLink(w, r, ws.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := templates.WorkshopHostView{Meta: s.meta(r, ws.Title, "workshops"), HostURL: hostURL,
		NewLinkURL: clean + "-link", Live: s.hostLive(r, rm, "")}
	s.render(w, r, http.StatusOK, templates.WorkshopHost(v, s.assetURL("sse.min.js"), s.assetURL("workshop.js")))
}

// handleNewHostLink gives the workshop a new secret host link, for a host
// who lost the one shown once: the old link stops working (browsers that
// opened it stay hosts), and the host screen shows the new one once.
func (s *server) handleNewHostLink(w http.ResponseWriter, r *http.Request) {
	rm, ok := s.hostRoom(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	ws := rm.workshop()
	key := crand.Text()
	if err := s.db.ReplaceHostKey(r.Context(), ws.ID, key); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.grantHost(w, r, ws.ID, s.hostLinkURL(r, ws.ID, key)); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/workshops/%d/host", ws.ID), http.StatusSeeOther)
}

// hostLinkURL is the secret host link of workshop id with key, as the
// browser reached this server.
func (s *server) hostLinkURL(r *http.Request, id int64, key string) string {
	return fmt.Sprintf("%s/workshops/%d/host?key=%s", s.baseURL(r), id, url.QueryEscape(key))
}

// loopbackHost is the host name of base (scheme://host[:port]) when it
// names this computer only (localhost, 127.0.0.0/8, ::1, or the
// unspecified address), which phones in the room cannot reach; "" when it
// is any other address.
func loopbackHost(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	h := strings.ToLower(u.Hostname())
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return h
	}
	if a, err := netip.ParseAddr(h); err == nil && (a.IsLoopback() || a.IsUnspecified()) {
		return h
	}
	return ""
}

// assetURL is the versioned URL of a static file.
func (s *server) assetURL(name string) string { return "/static/" + s.static.version + "/" + name }

func (s *server) handleWorkshopHostState(w http.ResponseWriter, r *http.Request) {
	rm, ok := s.hostRoom(w, r)
	if !ok {
		return
	}
	s.gradeRace(r.Context(), rm)
	s.render(w, r, http.StatusOK, templates.HostLiveBody(s.hostLive(r, rm, "")))
}

// handleWorkshopAction runs a host control: next, close, reveal, skip, end.
func (s *server) handleWorkshopAction(w http.ResponseWriter, r *http.Request) {
	rm, ok := s.hostRoom(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	ws := rm.workshop()
	now := s.now()
	var fn step
	var baselines map[int64]string
	switch r.PathValue("action") {
	case "next":
		fn = nextStep(ws.Seconds, ws.RaceSeconds)
		baselines = s.raceBaselines(r.Context(), rm, ws.Current+1)
	case "skip":
		fn = skipStep(ws.Seconds, ws.RaceSeconds)
		baselines = s.raceBaselines(r.Context(), rm, ws.Current+1)
	case "close":
		fn = closeStep
	case "reveal":
		fn = revealStep
	case "end":
		fn = endStep
	default:
		s.fail(w, r, store.ErrNotFound)
		return
	}
	msg := ""
	if err := rm.apply(r.Context(), s.db, now, fn, baselines); err != nil {
		var es errStep
		if !errors.As(err, &es) {
			s.fail(w, r, err)
			return
		}
		msg = string(es)
	}
	s.afterHostPost(w, r, rm, msg)
}

// afterHostPost answers a host control: the live part to htmx, a 303 back
// to the host screen otherwise.
func (s *server) afterHostPost(w http.ResponseWriter, r *http.Request, rm *room, msg string) {
	if isHTMX(r) {
		s.render(w, r, http.StatusOK, templates.HostLiveBody(s.hostLive(r, rm, msg)))
		return
	}
	s.redirectFlash(w, r, fmt.Sprintf("/workshops/%d/host", rm.workshop().ID), msg)
}

// handleWorkshopSeat removes a participant (kick) or lets them back in.
func (s *server) handleWorkshopSeat(kick bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rm, ok := s.hostRoom(w, r)
		if !ok || !s.parseForm(w, r) {
			return
		}
		seat, err := strconv.ParseInt(r.PathValue("seat"), 10, 64)
		if err != nil {
			s.fail(w, r, store.ErrNotFound)
			return
		}
		if err := rm.kick(r.Context(), s.db, seat, kick); err != nil {
			s.fail(w, r, err)
			return
		}
		s.afterHostPost(w, r, rm, "")
	}
}

// hostPhase names what the host screen shows for the current round at now.
func hostPhase(ws store.Workshop, rd store.WorkshopRound, hasRound bool, now time.Time) string {
	switch {
	case ws.State == store.WorkshopLobby:
		return "lobby"
	case ws.State == store.WorkshopEnded || !hasRound:
		return "ended"
	}
	prefix := ""
	if rd.Kind == store.RoundRace {
		prefix = "race-"
	}
	switch rd.State {
	case store.RoundOpen:
		if open(rd, now) {
			if prefix != "" {
				return "race"
			}
			return "question"
		}
		return prefix + "closed"
	case store.RoundClosed:
		return prefix + "closed"
	}
	return prefix + "revealed"
}

// letters label the options.
const letters = "ABCDEFGH"

// hostLive builds the host screen's live part.
func (s *server) hostLive(r *http.Request, rm *room, msg string) templates.HostLive {
	now := s.now()
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	ws := rm.st.Workshop
	base := fmt.Sprintf("/workshops/%d", ws.ID)
	v := templates.HostLive{
		ID: ws.ID, Title: ws.Title, Code: ws.Code,
		JoinURL: s.baseURL(r) + "/join/" + ws.Code, LocalOnly: loopbackHost(s.baseURL(r)), QRURL: base + "/qr.svg",
		StateURL: base + "/host/state", EventsURL: base + "/host/events",
		Rounds: len(rm.st.Rounds), ActionsBase: base + "/host/", Error: msg,
		ResultsCSV: base + "/results.csv", SummaryCSV: base + "/summary.csv",
	}
	rd, hasRound := rm.current()
	v.Phase = hostPhase(ws, rd, hasRound, now)
	if hasRound {
		v.Round = rd.N + 1
		if open(rd, now) && !rd.ClosesAt.IsZero() {
			v.ClosesAtMS = rd.ClosesAt.UnixMilli()
			v.RemainingS = int((rd.ClosesAt.Sub(now) + time.Second - 1) / time.Second)
		}
	}
	answered := rm.resp[rd.N]
	for _, st := range rm.st.Seats {
		row := templates.SeatRow{ID: st.ID, Name: st.Name, Kicked: st.Kicked,
			KickURL: fmt.Sprintf("%s/seats/%d/kick", base, st.ID), AllowURL: fmt.Sprintf("%s/seats/%d/allow", base, st.ID)}
		if hasRound {
			_, row.Answered = answered[st.ID]
		}
		if !st.Kicked {
			v.Total++
			if row.Answered {
				v.Answered++
			}
		}
		v.Seats = append(v.Seats, row)
	}
	if hasRound && rd.Kind == store.RoundQuestion {
		v.Question = s.hostQuestion(rd, answered, rd.State == store.RoundRevealed || rd.State == store.RoundSkipped)
	}
	if hasRound && rd.Kind == store.RoundRace {
		v.Race = s.raceBoard(rm, rd)
	}
	switch v.Phase {
	case "revealed", "race-revealed", "ended":
		board, _ := rm.standings()
		for _, p := range board[:min(len(board), boardSize)] {
			v.Board = append(v.Board, templates.BoardRow{Rank: p.Rank, Name: p.Name, Score: p.Score, Correct: p.Correct})
		}
	}
	if v.Phase == "ended" {
		v.Podium = v.Board[:min(len(v.Board), 3)]
		v.Difficulty = s.difficulty(rm)
	}
	return v
}

// hostQuestion is a question with its answer distribution.
func (s *server) hostQuestion(rd store.WorkshopRound, answered map[int64]store.WorkshopResponse, revealed bool) *templates.HostQuestion {
	it, ok := s.bank.Item(rd.ItemID)
	if !ok {
		return &templates.HostQuestion{Stem: "(this question is no longer in the bank)"}
	}
	q := &templates.HostQuestion{Topic: it.Topic, Stem: questionStem(it), Explanation: it.Explanation, Revealed: revealed, Code: codeOptions(it.Kind)}
	var rs []quiz.Response
	for _, x := range answered {
		rs = append(rs, quiz.Response{Choice: x.Choice, Correct: x.Correct, ElapsedMS: x.ElapsedMS})
	}
	st := quiz.Difficulty(it.Options, rs)
	for i, o := range it.Options {
		bar := templates.OptionBar{Letter: letters[i : i+1], Text: o, Count: st.Counts[i], Correct: o == it.Key}
		if st.Answered > 0 {
			bar.Percent = st.Counts[i] * 100 / st.Answered
		}
		q.Options = append(q.Options, bar)
	}
	return q
}

// questionStem is what a question asks; classify items ask job or run.
func questionStem(it quiz.Item) string {
	if it.Stem != "" {
		return it.Stem
	}
	if it.Kind == quiz.Classify {
		return "Is this about the job or a run?"
	}
	return it.Scenario
}

// raceBoard lists a race's solves in order. The caller holds rm.mu.
func (s *server) raceBoard(rm *room, rd store.WorkshopRound) *templates.RaceBoard {
	c, _ := challenge.ByID(rd.ChallengeID)
	b := &templates.RaceBoard{Title: c.Title, Goal: c.Goal}
	for i, x := range solveOrder(rm, rd.N) {
		b.Solves = append(b.Solves, templates.SolveRow{Rank: i + 1, Name: rm.st.Seats[rm.seatIdx[x.SeatID]].Name,
			Time: mmss(time.Duration(x.ElapsedMS) * time.Millisecond), Points: x.Points})
	}
	return b
}

// solveOrder is round n's right answers, fastest first. The caller holds rm.mu.
func solveOrder(rm *room, n int) []store.WorkshopResponse {
	var out []store.WorkshopResponse
	for _, x := range rm.resp[n] {
		if x.Correct && !rm.st.Seats[rm.seatIdx[x.SeatID]].Kicked {
			out = append(out, x)
		}
	}
	slicesSortResponses(out)
	return out
}

// mmss formats a duration as m:ss.
func mmss(d time.Duration) string {
	sec := int(d / time.Second)
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}

// difficulty is how each round went. The caller holds rm.mu.
func (s *server) difficulty(rm *room) []templates.DifficultyRow {
	var out []templates.DifficultyRow
	for _, rd := range rm.st.Rounds {
		row := templates.DifficultyRow{Round: rd.N + 1, Skipped: rd.State == store.RoundSkipped || rd.State == store.RoundPending,
			Status: roundStatus(rd.State)}
		var rs []quiz.Response
		for _, x := range rm.resp[rd.N] {
			rs = append(rs, quiz.Response{Choice: x.Choice, Correct: x.Correct, ElapsedMS: x.ElapsedMS})
		}
		var options []string
		if rd.Kind == store.RoundRace {
			c, _ := challenge.ByID(rd.ChallengeID)
			row.Title = "Race: " + c.Title
		} else if it, ok := s.bank.Item(rd.ItemID); ok {
			row.Title, options, row.Code = questionStem(it), it.Options, codeOptions(it.Kind)
		}
		st := quiz.Difficulty(options, rs)
		if rd.Kind == store.RoundRace {
			// Everyone seated could have solved it: the share is of them.
			seated := 0
			for _, seat := range rm.st.Seats {
				if !seat.Kicked {
					seated++
				}
			}
			st.Answered = seated
			if seated > 0 {
				st.RightShare = st.Right * 100 / seated
			}
		}
		row.RightShare, row.CommonWrong, row.Answered = st.RightShare, st.CommonWrong, st.Answered
		row.AvgTime = fmt.Sprintf("%.1f s", float64(st.AvgMS)/1000)
		out = append(out, row)
	}
	return out
}

// raceBaselines reads, for a race about to open as round n, what each
// seat's checker compares against later (nil when round n is no race or
// its challenge needs none). A workspace that cannot be read gets none.
func (s *server) raceBaselines(ctx context.Context, rm *room, n int) map[int64]string {
	rm.mu.RLock()
	if n < 0 || n >= len(rm.st.Rounds) || rm.st.Rounds[n].Kind != store.RoundRace {
		rm.mu.RUnlock()
		return nil
	}
	c, _ := challenge.ByID(rm.st.Rounds[n].ChallengeID)
	seats := append([]store.Seat(nil), rm.st.Seats...)
	wid := rm.st.Workshop.ID
	rm.mu.RUnlock()
	out := map[int64]string{}
	for _, seat := range seats {
		if seat.Kicked {
			continue
		}
		ov, err := s.workspaces.Peek(ctx, store.WorkshopWorkspaceOf(wid, seat.ID), workspace.Window{RunsPerJob: checkRunsPerJob, MaxRunSize: pictureMaxRunSize})
		if err != nil {
			continue
		}
		if b := c.Baseline(ov); b != "" {
			out[seat.ID] = b
		}
	}
	return out
}

// renderBytes renders c into a buffer (an event's data).
func renderBytes(ctx context.Context, c templ.Component) ([]byte, error) {
	var buf bytes.Buffer
	err := c.Render(ctx, &buf)
	return buf.Bytes(), err
}

// slicesSortResponses orders responses by elapsed time, then seat.
func slicesSortResponses(xs []store.WorkshopResponse) {
	slices.SortFunc(xs, func(a, b store.WorkshopResponse) int {
		return cmp.Or(cmp.Compare(a.ElapsedMS, b.ElapsedMS), cmp.Compare(a.SeatID, b.SeatID))
	})
}
