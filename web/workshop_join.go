package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
	"github.com/jobs-api-trainer/trainer/workspace"
	"github.com/jobs-api-trainer/trainer/workspace/challenge"
)

// codeGuessesPerMinute bounds wrong join codes per client.
const codeGuessesPerMinute = 10

// clientAddr is the client's IP address (workspace.ClientAddr: the
// proxy's word only with -trust-proxy).
func (s *server) clientAddr(r *http.Request) string {
	return workspace.ClientAddr(r, s.opts.TrustProxy)
}

const tooManyGuesses = "Too many wrong codes from here: wait a minute and try again."

// lookupCode finds the workshop of a typed code, spending one of the
// client's guesses when there is none. msg is what to tell the visitor
// when there is no room.
func (s *server) lookupCode(r *http.Request, typed string) (rm *room, msg string, err error) {
	client := s.clientAddr(r)
	if s.codes.blocked(client) {
		return nil, tooManyGuesses, nil
	}
	code, cerr := quiz.NormalizeCode(typed)
	var id int64
	if cerr == nil {
		id, err = s.db.WorkshopIDByCode(r.Context(), code)
	}
	if cerr != nil || errors.Is(err, store.ErrNotFound) {
		s.codes.spend(client)
		return nil, "No workshop has that code. Check it on the host's screen.", nil
	}
	if err != nil {
		return nil, "", err
	}
	rm, err = s.rooms.get(r.Context(), id)
	return rm, "", err
}

func (s *server) handleJoinForm(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, templates.WorkshopJoin(templates.JoinView{Meta: s.meta(r, "Join a workshop", "workshops")}))
}

func (s *server) handleJoin(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	v := templates.JoinView{Meta: s.meta(r, "Join a workshop", "workshops"),
		Code: strings.TrimSpace(r.PostFormValue("code")), Name: cutRunes(r.PostFormValue("name"), maxEcho)}
	v.Code = cutRunes(v.Code, 32)
	rm, msg, err := s.lookupCode(r, v.Code)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if rm == nil {
		v.Error = msg
		status := http.StatusUnprocessableEntity
		if msg == tooManyGuesses {
			status = http.StatusTooManyRequests
		}
		s.render(w, r, status, templates.WorkshopJoin(v))
		return
	}
	ws := rm.workshop()
	l, _ := learnerFrom(r.Context())
	play := "/join/" + ws.Code
	if seat, ok := rm.seatOf(l.ID); ok {
		if seat.Kicked {
			v.Error = "The host removed you from this workshop; ask them to let you back in."
			s.render(w, r, http.StatusForbidden, templates.WorkshopJoin(v))
			return
		}
		http.Redirect(w, r, play, http.StatusSeeOther) // already seated: back to the seat
		return
	}
	if ws.State == store.WorkshopEnded {
		v.Error = "This workshop has ended."
		s.render(w, r, http.StatusUnprocessableEntity, templates.WorkshopJoin(v))
		return
	}
	name, err := quiz.CleanName(r.PostFormValue("name"))
	if err != nil {
		v.Error = textProblem(err, "Type a name to show on the leaderboard.")
		s.render(w, r, http.StatusUnprocessableEntity, templates.WorkshopJoin(v))
		return
	}
	v.Name = name
	seat := store.Seat{WorkshopID: ws.ID, LearnerID: l.ID, Name: name, NameKey: quiz.NameKey(name), JoinedAt: s.now()}
	if _, err := rm.join(r.Context(), s.db, seat, s.seatToken(ws.ID, l.ID)); err != nil {
		if errors.Is(err, store.ErrNameTaken) {
			v.Error = "Someone here already goes by " + name + "."
			v.Suggestion = quiz.SuggestName(name, rm.nameTaken)
			s.render(w, r, http.StatusConflict, templates.WorkshopJoin(v))
			return
		}
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, play, http.StatusSeeOther)
}

// playRoom resolves {code} for a participant route and their seat: a
// visitor without a seat is sent to the join form (ok false).
func (s *server) playRoom(w http.ResponseWriter, r *http.Request) (*room, store.Seat, bool) {
	rm, msg, err := s.lookupCode(r, r.PathValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return nil, store.Seat{}, false
	}
	if rm == nil {
		status := http.StatusNotFound
		if msg == tooManyGuesses {
			status = http.StatusTooManyRequests
		}
		s.render(w, r, status, templates.WorkshopJoin(templates.JoinView{Meta: s.meta(r, "Join a workshop", "workshops"), Error: msg}))
		return nil, store.Seat{}, false
	}
	var seat store.Seat
	ok := false
	if l, found := learnerFrom(r.Context()); found {
		seat, ok = rm.seatOf(l.ID)
	}
	if !ok {
		if r.Method == http.MethodGet && !isHTMX(r) && !strings.HasSuffix(r.URL.Path, "/events") {
			s.render(w, r, http.StatusOK, templates.WorkshopJoin(templates.JoinView{Meta: s.meta(r, "Join a workshop", "workshops"), Code: rm.workshop().Code}))
		} else {
			s.fail(w, r, badRequest{"Join the workshop first."})
		}
		return nil, store.Seat{}, false
	}
	return rm, seat, true
}

func (s *server) handlePlay(w http.ResponseWriter, r *http.Request) {
	rm, seat, ok := s.playRoom(w, r)
	if !ok {
		return
	}
	m := s.meta(r, rm.workshop().Title, "workshops")
	m.Bare = true // the question and its options fit a phone without the site's navigation
	v := templates.PlayView{Meta: m, Live: s.playLive(r, rm, seat.ID, "")}
	s.render(w, r, http.StatusOK, templates.WorkshopPlay(v, s.assetURL("sse.min.js"), s.assetURL("workshop.js")))
}

func (s *server) handlePlayState(w http.ResponseWriter, r *http.Request) {
	rm, seat, ok := s.playRoom(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, templates.PlayLiveBody(s.playLive(r, rm, seat.ID, "")))
}

// handlePlayAnswer takes a participant's answer. A late or second answer
// is not an error page: the screen says what happened.
func (s *server) handlePlayAnswer(w http.ResponseWriter, r *http.Request) {
	rm, seat, ok := s.playRoom(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	now := s.now() // the server's receive time decides
	n, err1 := strconv.Atoi(r.PostFormValue("n"))
	choice, err2 := strconv.Atoi(r.PostFormValue("choice"))
	if err1 != nil || err2 != nil {
		s.fail(w, r, badRequest{"The answer form was incomplete."})
		return
	}
	it, ok := s.bank.Item(rm.roundItem(n))
	if !ok {
		s.afterPlayPost(w, r, rm, seat, "This round takes no answers.")
		return
	}
	if choice < 0 || choice >= len(it.Options) {
		s.fail(w, r, badRequest{"There is no such option."})
		return
	}
	text := it.Options[choice]
	correct, err := quiz.Grade(it, []string{text})
	if err != nil {
		s.fail(w, r, badRequest{"There is no such option."})
		return
	}
	scoring := quiz.Scoring(rm.workshop().Scoring)
	outcome, _, err := rm.answer(r.Context(), s.db, seat.ID, n, text, now, func(rd store.WorkshopRound, elapsed time.Duration) (bool, int) {
		return correct, quiz.Points(scoring, correct, elapsed, roundLimit(rd))
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if outcome == answerTaken && rm.workshop().CountAsDrill {
		if err := s.recordWorkshopDrill(r, rm, seat, n, it, text, now); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	notice := ""
	switch outcome {
	case answerRepeat:
		notice = "Your first answer counts."
	case answerClosed:
		notice = "Too late: this question no longer takes answers."
	}
	s.afterPlayPost(w, r, rm, seat, notice)
}

// roundLimit is how long a round takes answers (0: untimed).
func roundLimit(rd store.WorkshopRound) time.Duration {
	if rd.ClosesAt.IsZero() {
		return 0
	}
	return rd.ClosesAt.Sub(rd.OpenedAt)
}

// afterPlayPost answers a participant's form: their live part to htmx, a
// 303 back to their screen otherwise.
func (s *server) afterPlayPost(w http.ResponseWriter, r *http.Request, rm *room, seat store.Seat, notice string) {
	if isHTMX(r) {
		s.render(w, r, http.StatusOK, templates.PlayLiveBody(s.playLive(r, rm, seat.ID, notice)))
		return
	}
	s.redirectFlash(w, r, "/join/"+rm.workshop().Code, notice)
}

// playLive builds a participant's live part.
func (s *server) playLive(r *http.Request, rm *room, seatID int64, notice string) templates.PlayLive {
	now := s.now()
	rm.mu.RLock()
	defer rm.mu.RUnlock()
	ws := rm.st.Workshop
	seat := rm.st.Seats[rm.seatIdx[seatID]]
	base := "/join/" + ws.Code
	v := templates.PlayLive{Code: ws.Code, Title: ws.Title, Name: seat.Name, StateURL: base + "/state", EventsURL: base + "/events",
		AnswerURL: base + "/answer", CheckURL: base + "/check", Rounds: len(rm.st.Rounds), Notice: notice}
	board, at := rm.standings()
	v.Seats = len(board)
	if i, ok := at[seatID]; ok {
		v.Rank, v.Score = board[i].Rank, board[i].Score
	}
	rd, hasRound := rm.current()
	switch {
	case seat.Kicked:
		v.Phase = "kicked"
		return v
	case ws.State == store.WorkshopLobby:
		v.Phase = "lobby"
		return v
	case ws.State == store.WorkshopEnded || !hasRound:
		v.Phase = "ended"
		for _, r := range rm.st.Rounds {
			// only the round on screen can be open or closed at the end
			if _, answered := rm.resp[r.N][seatID]; answered && (r.State == store.RoundOpen || r.State == store.RoundClosed) {
				v.Unscored = fmt.Sprintf("The workshop ended before round %d was revealed, so your answer there did not count.", r.N+1)
			}
		}
		for _, p := range board[:min(len(board), 3)] {
			v.Podium = append(v.Podium, templates.BoardRow{Rank: p.Rank, Name: p.Name, Score: p.Score, Me: p.Seat == seatID})
		}
		return v
	}
	v.Round = rd.N + 1
	mine, answered := rm.resp[rd.N][seatID]
	isOpen := open(rd, now)
	if isOpen && !rd.ClosesAt.IsZero() {
		v.ClosesAtMS = rd.ClosesAt.UnixMilli()
		v.RemainingS = int((rd.ClosesAt.Sub(now) + time.Second - 1) / time.Second)
	}
	if rd.Kind == store.RoundRace {
		c, _ := challenge.ByID(rd.ChallengeID)
		race := &templates.PlayRace{Title: c.Title, Goal: c.Goal, Host: s.baseURL(r), Token: s.seatToken(ws.ID, seat.LearnerID),
			AnswerLabel: c.AnswerLabel, Solved: answered && mine.Correct}
		if race.Solved {
			race.Time = mmss(time.Duration(mine.ElapsedMS) * time.Millisecond)
			for i, x := range solveOrder(rm, rd.N) {
				if x.SeatID == seatID {
					race.Place = i + 1
				}
			}
		}
		v.Race = race
		v.Phase = "race"
		if !isOpen {
			v.Phase = "race-over"
		}
		return v
	}
	it, _ := s.bank.Item(rd.ItemID)
	q := &templates.PlayQuestion{N: rd.N, Stem: questionStem(it), Chosen: mine.Choice, Code: codeOptions(it.Kind)}
	for i, o := range it.Options {
		q.Options = append(q.Options, templates.PlayOption{Index: i, Letter: letters[i : i+1], Text: o})
	}
	v.Question = q
	switch {
	case rd.State == store.RoundRevealed || rd.State == store.RoundSkipped:
		v.Phase = "revealed"
		v.Result = &templates.PlayResult{Answered: answered, Correct: mine.Correct, Chosen: mine.Choice, Right: it.Key,
			Explanation: it.Explanation, Points: mine.Points, Code: q.Code}
	case answered:
		v.Phase = "locked"
	case isOpen:
		v.Phase = "question"
	default:
		v.Phase = "closed"
	}
	return v
}

// recordWorkshopDrill records a participant's first answer to round n as
// a drill attempt of their learner (outside any drill session), so their
// cards and progress learn from the workshop, when the host chose that.
// The showing id names the workshop, round and seat, so a replay of the
// same answer records nothing twice.
func (s *server) recordWorkshopDrill(r *http.Request, rm *room, seat store.Seat, n int, it quiz.Item, text string, now time.Time) error {
	if seat.LearnerID == 0 {
		return nil
	}
	ctx := r.Context()
	card, err := s.db.Card(ctx, seat.LearnerID, it.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	exam, err := s.db.ExamDate(ctx, seat.LearnerID)
	if err != nil {
		return err
	}
	a, c, err := quiz.Decide(quiz.Answer{LearnerID: seat.LearnerID,
		ShowingID: fmt.Sprintf("workshop-%d-%d-%d", rm.workshop().ID, n, seat.ID),
		Item:      it, Chosen: []string{text}, Card: card, ShownAt: rm.roundOpenedAt(n), Now: now, ExamDate: exam})
	if err != nil {
		return err
	}
	_, err = s.db.RecordAnswer(ctx, a, c)
	return err
}
