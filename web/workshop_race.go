package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/workspace/challenge"
)

// raceSeat is one seat a race check grades.
type raceSeat struct {
	seat     store.Seat
	baseline string
}

// openRace returns the race taking answers at now, its challenge and the
// unsolved seats (only seat only, when not 0).
func (rm *room) openRace(now time.Time, only int64) (store.WorkshopRound, challenge.Challenge, []raceSeat, bool) {
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	rd, ok := rm.current()
	if !ok || rd.Kind != store.RoundRace || !open(rd, now) {
		return rd, challenge.Challenge{}, nil, false
	}
	c, ok := challenge.ByID(rd.ChallengeID)
	if !ok {
		return rd, c, nil, false
	}
	var seats []raceSeat
	for _, st := range rm.st.Seats {
		if _, done := rm.resp[rd.N][st.ID]; done || st.Kicked || (only != 0 && st.ID != only) {
			continue
		}
		seats = append(seats, raceSeat{seat: st, baseline: rm.st.Baselines[rd.N][st.ID]})
	}
	return rd, c, seats, true
}

// checkRaceSeat grades one seat's workspace against the race's challenge
// and records a solve at the server's time.
func (s *server) checkRaceSeat(ctx context.Context, rm *room, rd store.WorkshopRound, c challenge.Challenge, rs raceSeat, answer string) (challenge.Result, error) {
	wid := rm.workshop().ID
	ov, err := s.workspaces.Overview(ctx, store.WorkshopWorkspaceOf(wid, rs.seat.ID), checkRunsPerJob)
	if err != nil {
		return challenge.Result{}, err
	}
	res := c.Check(challenge.Input{Overview: ov, StartedAt: rd.OpenedAt, Answer: answer, Baseline: rs.baseline})
	if !res.Passed {
		return res, nil
	}
	_, _, err = rm.answer(ctx, s.db, rs.seat.ID, rd.N, "solved", s.now(), func(rd store.WorkshopRound, elapsed time.Duration) (bool, int) {
		return true, quiz.RacePoints(elapsed, roundLimit(rd))
	})
	return res, err
}

// gradeRace checks every unsolved seat of an open race whose challenge
// needs no typed answer: the host screen calls it as it refreshes, so
// solves made from curl, the CLI or an SDK show up without the
// participant pressing anything. Failures are logged and retried next time.
func (s *server) gradeRace(ctx context.Context, rm *room) {
	rd, c, seats, ok := rm.openRace(s.now(), 0)
	if !ok || c.AnswerLabel != "" {
		return
	}
	for _, rs := range seats {
		if _, err := s.checkRaceSeat(ctx, rm, rd, c, rs, ""); err != nil && ctx.Err() == nil {
			s.log.Warn("workshop race check", "workshop", rm.workshop().ID, "seat", rs.seat.ID, "err", err)
		}
	}
}

// handlePlayCheck grades the participant's race workspace now.
func (s *server) handlePlayCheck(w http.ResponseWriter, r *http.Request) {
	rm, seat, ok := s.playRoom(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	rd, c, seats, open := rm.openRace(s.now(), seat.ID)
	if !open {
		s.afterPlayPost(w, r, rm, seat, "No race is running.")
		return
	}
	if len(seats) == 0 { // solved already
		s.afterPlayPost(w, r, rm, seat, "")
		return
	}
	answer := strings.TrimSpace(r.PostFormValue("answer"))
	if len(answer) > maxAnswerLen {
		answer = strings.ToValidUTF8(answer[:maxAnswerLen], "")
	}
	res, err := s.checkRaceSeat(r.Context(), rm, rd, c, seats[0], answer)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	notice := ""
	if !res.Passed {
		notice = "Not yet: " + res.Reason
	}
	s.afterPlayPost(w, r, rm, seat, notice)
}
