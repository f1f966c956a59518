package web

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
)

// room is one workshop in memory: the stored state, kept current by
// writing every change to the store first and applying it here after, and
// the live streams that follow it. A restart reloads it from the store, so
// a workshop resumes where it was (the host presses next again).
type room struct {
	mu        sync.RWMutex // guards everything below but subs
	st        store.WorkshopState
	seatIdx   map[int64]int   // seat id -> index in st.Seats
	byLearner map[int64]int64 // learner id -> seat id
	resp      map[int]map[int64]store.WorkshopResponse
	phase     uint64 // bumps on every change participants see
	ver       uint64 // bumps on every change (the host also sees answer counts)

	subMu  sync.Mutex
	subs   map[*subscriber]struct{}
	subSeq uint64 // the last subscriber's seq

	// board caches standings at version boardVer: every participant's
	// screen shows their rank, and ranking once per change instead of once
	// per screen keeps a fan-out to a thousand streams cheap.
	boardMu  sync.Mutex
	board    []quiz.Placed
	boardAt  map[int64]int // seat id -> index in board
	boardVer uint64
}

// subscriber is one open event stream: ch (capacity 1) is signalled when
// the room changes in a way it shows; signals coalesce while it is busy.
type subscriber struct {
	ch    chan struct{}
	host  bool
	owner int64         // the seat (participants) or learner (hosts) whose stream it is
	gone  chan struct{} // closed when a newer stream of the same owner pushed this one out
	seq   uint64        // the order streams were opened in
}

// maxStreamsPerOwner bounds the event streams one participant or host keeps
// open at once (a phone and a couple of tabs): a newer one closes the
// oldest, so a reconnecting browser never waits for its dead stream to time
// out, and a client opening streams in a loop holds at most this many
// goroutines and renders per change.
const maxStreamsPerOwner = 4

func newRoom(st store.WorkshopState) *room {
	r := &room{st: st, seatIdx: map[int64]int{}, byLearner: map[int64]int64{},
		resp: map[int]map[int64]store.WorkshopResponse{}, subs: map[*subscriber]struct{}{}, phase: 1, ver: 1}
	if r.st.Baselines == nil {
		r.st.Baselines = map[int]map[int64]string{}
	}
	for i, s := range st.Seats {
		r.seatIdx[s.ID] = i
		r.byLearner[s.LearnerID] = s.ID
	}
	for _, x := range st.Responses {
		r.addResp(x)
	}
	return r
}

func (r *room) addResp(x store.WorkshopResponse) {
	if r.resp[x.N] == nil {
		r.resp[x.N] = map[int64]store.WorkshopResponse{}
	}
	r.resp[x.N][x.SeatID] = x
}

// rooms keeps every workshop touched since the start in memory (a
// workshop is a few kilobytes; ended ones are dropped past maxRooms).
type rooms struct {
	db *store.DB
	mu sync.Mutex
	m  map[int64]*room
}

const maxRooms = 1000

func newRooms(db *store.DB) *rooms { return &rooms{db: db, m: map[int64]*room{}} }

// get returns the workshop's room, loading it on first use; store.ErrNotFound
// for no such workshop.
func (rs *rooms) get(ctx context.Context, id int64) (*room, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if r, ok := rs.m[id]; ok {
		return r, nil
	}
	st, err := rs.db.LoadWorkshop(ctx, id)
	if err != nil {
		return nil, err
	}
	if len(rs.m) >= maxRooms {
		for k, old := range rs.m {
			if old.ended() && old.idle() {
				delete(rs.m, k)
			}
		}
	}
	r := newRoom(st)
	rs.m[id] = r
	return r, nil
}

func (r *room) ended() bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.st.Workshop.State == store.WorkshopEnded
}

func (r *room) idle() bool {
	r.subMu.Lock()
	defer r.subMu.Unlock()
	return len(r.subs) == 0
}

// subscribe registers an event stream of owner (a seat id, or the host's
// learner id with host set), closing (sub.gone) that owner's oldest stream
// past maxStreamsPerOwner; call the returned function to end it.
func (r *room) subscribe(host bool, owner int64) (*subscriber, func()) {
	sub := &subscriber{ch: make(chan struct{}, 1), host: host, owner: owner, gone: make(chan struct{})}
	r.subMu.Lock()
	defer r.subMu.Unlock()
	var mine []*subscriber
	for o := range r.subs {
		if o.host == host && o.owner == owner {
			mine = append(mine, o)
		}
	}
	if len(mine) >= maxStreamsPerOwner {
		oldest := mine[0]
		for _, o := range mine[1:] {
			if o.seq < oldest.seq {
				oldest = o
			}
		}
		delete(r.subs, oldest)
		close(oldest.gone)
	}
	r.subSeq++
	sub.seq = r.subSeq
	r.subs[sub] = struct{}{}
	return sub, func() {
		r.subMu.Lock()
		delete(r.subs, sub)
		r.subMu.Unlock()
	}
}

// announce bumps the versions (phase too when participants see the change)
// and signals the streams that show it. The caller holds r.mu.
func (r *room) announce(phase bool) {
	r.ver++
	if phase {
		r.phase++
	}
	r.subMu.Lock()
	defer r.subMu.Unlock()
	for sub := range r.subs {
		if phase || sub.host {
			select {
			case sub.ch <- struct{}{}:
			default: // a signal is pending: the stream will render the newest state
			}
		}
	}
}

// versions returns the participant and host versions of the state.
func (r *room) versions() (phase, ver uint64) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.phase, r.ver
}

// workshop returns the workshop row.
func (r *room) workshop() store.Workshop {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.st.Workshop
}

// seatOf returns the learner's seat, if they have one.
func (r *room) seatOf(learnerID int64) (store.Seat, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	id, ok := r.byLearner[learnerID]
	if !ok {
		return store.Seat{}, false
	}
	return r.st.Seats[r.seatIdx[id]], true
}

// nameTaken reports whether a name's key is taken in the workshop.
func (r *room) nameTaken(key string) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, s := range r.st.Seats {
		if s.NameKey == key {
			return true
		}
	}
	return false
}

// errStep is a host action the workshop's state does not allow; its text
// is shown to the host.
type errStep string

func (e errStep) Error() string { return string(e) }

// join seats a learner (store first). It returns store.ErrNameTaken.
func (r *room) join(ctx context.Context, db *store.DB, s store.Seat, token string) (store.Seat, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id, ok := r.byLearner[s.LearnerID]; ok { // a double submit
		return r.st.Seats[r.seatIdx[id]], nil
	}
	s, err := db.AddSeat(ctx, s, token)
	if err != nil {
		return store.Seat{}, err
	}
	r.st.Seats = append(r.st.Seats, s)
	r.seatIdx[s.ID] = len(r.st.Seats) - 1
	r.byLearner[s.LearnerID] = s.ID
	r.announce(false)
	return s, nil
}

// kick removes a seat (kicked true) or lets it back.
func (r *room) kick(ctx context.Context, db *store.DB, seatID int64, kicked bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	i, ok := r.seatIdx[seatID]
	if !ok {
		return store.ErrNotFound
	}
	if err := db.SetSeatKicked(ctx, r.st.Workshop.ID, seatID, kicked); err != nil {
		return err
	}
	r.st.Seats[i].Kicked = kicked
	r.announce(true)
	return nil
}

// current returns the round on screen, if any. The caller holds r.mu.
func (r *room) current() (store.WorkshopRound, bool) {
	c := r.st.Workshop.Current
	if r.st.Workshop.State != store.WorkshopRunning || c < 0 || c >= len(r.st.Rounds) {
		return store.WorkshopRound{}, false
	}
	return r.st.Rounds[c], true
}

// open reports whether round rd takes answers at now: it is open and its
// deadline (if any) has not passed.
func open(rd store.WorkshopRound, now time.Time) bool {
	return rd.State == store.RoundOpen && (rd.ClosesAt.IsZero() || now.Before(rd.ClosesAt))
}

// step is a host action: it changes a copy of the workshop and rounds and
// names the rounds it touched, which are stored in one transaction and
// then applied; an errStep refuses the action.
type step func(w *store.Workshop, rounds []store.WorkshopRound, now time.Time) (touched []int, err error)

// apply runs a host action at now, storing its changes (and baselines,
// the race baselines of the round it opens, if any) before applying them.
func (r *room) apply(ctx context.Context, db *store.DB, now time.Time, fn step, baselines map[int64]string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	w := r.st.Workshop
	rounds := slices.Clone(r.st.Rounds)
	touched, err := fn(&w, rounds, now)
	if err != nil {
		return err
	}
	var changed []store.WorkshopRound
	for _, n := range touched {
		changed = append(changed, rounds[n])
	}
	if err := db.SaveWorkshopStep(ctx, w, changed, baselines); err != nil {
		return err
	}
	r.st.Workshop, r.st.Rounds = w, rounds
	if baselines != nil {
		r.st.Baselines[w.Current] = baselines
	}
	r.announce(true)
	return nil
}

// nextStep shows the next round, opening it (from the lobby, or after a
// reveal or a skip); past the last round the workshop ends.
func nextStep(seconds, raceSeconds int) step {
	return func(w *store.Workshop, rounds []store.WorkshopRound, now time.Time) ([]int, error) {
		var touched []int
		switch w.State {
		case store.WorkshopEnded:
			return nil, errStep("The workshop has ended.")
		case store.WorkshopRunning:
			cur := rounds[w.Current]
			if cur.State == store.RoundOpen || cur.State == store.RoundClosed {
				return nil, errStep("Reveal or skip this round first.")
			}
		}
		n := w.Current + 1
		if n >= len(rounds) {
			w.State, w.EndedAt = store.WorkshopEnded, now
			return touched, nil
		}
		w.State, w.Current = store.WorkshopRunning, n
		rd := &rounds[n]
		rd.State, rd.OpenedAt, rd.ClosesAt, rd.ClosedAt = store.RoundOpen, now, time.Time{}, time.Time{}
		limit := seconds
		if rd.Kind == store.RoundRace {
			limit = raceSeconds
		}
		if limit > 0 {
			rd.ClosesAt = now.Add(time.Duration(limit) * time.Second)
		}
		return append(touched, n), nil
	}
}

// closeStep stops the current round taking answers (end it early).
func closeStep(w *store.Workshop, rounds []store.WorkshopRound, now time.Time) ([]int, error) {
	if w.State != store.WorkshopRunning || rounds[w.Current].State != store.RoundOpen {
		return nil, errStep("No round is taking answers.")
	}
	rd := &rounds[w.Current]
	rd.State, rd.ClosedAt = store.RoundClosed, closedAt(*rd, now)
	return []int{w.Current}, nil
}

// closedAt is when a round stopped taking answers if it stops at now: its
// deadline when that passed first.
func closedAt(rd store.WorkshopRound, now time.Time) time.Time {
	if !rd.ClosesAt.IsZero() && rd.ClosesAt.Before(now) {
		return rd.ClosesAt
	}
	return now
}

// revealStep closes the current round if needed and shows its answer.
func revealStep(w *store.Workshop, rounds []store.WorkshopRound, now time.Time) ([]int, error) {
	if w.State != store.WorkshopRunning {
		return nil, errStep("No round to reveal.")
	}
	rd := &rounds[w.Current]
	switch rd.State {
	case store.RoundOpen:
		rd.ClosedAt = closedAt(*rd, now)
	case store.RoundClosed:
	default:
		return nil, errStep("This round is already over.")
	}
	rd.State = store.RoundRevealed
	return []int{w.Current}, nil
}

// skipStep drops the current round (no points) and opens the next one.
func skipStep(seconds, raceSeconds int) step {
	return func(w *store.Workshop, rounds []store.WorkshopRound, now time.Time) ([]int, error) {
		if w.State != store.WorkshopRunning {
			return nil, errStep("No round to skip.")
		}
		rd := &rounds[w.Current]
		if rd.State == store.RoundRevealed || rd.State == store.RoundSkipped {
			return nil, errStep("This round is already over: press next.")
		}
		rd.State, rd.ClosedAt = store.RoundSkipped, closedAt(*rd, now)
		skipped := w.Current
		touched, err := nextStep(seconds, raceSeconds)(w, rounds, now)
		return append(touched, skipped), err
	}
}

// endStep ends the workshop now: the podium shows.
func endStep(w *store.Workshop, rounds []store.WorkshopRound, now time.Time) ([]int, error) {
	if w.State == store.WorkshopEnded {
		return nil, nil
	}
	var touched []int
	if w.State == store.WorkshopRunning {
		if rd := &rounds[w.Current]; rd.State == store.RoundOpen {
			rd.State, rd.ClosedAt = store.RoundClosed, closedAt(*rd, now)
			touched = append(touched, w.Current)
		}
	}
	w.State, w.EndedAt = store.WorkshopEnded, now
	return touched, nil
}

// The outcomes of an answer.
const (
	answerTaken  = iota // recorded
	answerRepeat        // the seat had answered: the first answer stands
	answerClosed        // the round was not taking answers
)

// answer records a seat's answer to round n, received at now; grade
// decides whether it is right and what it earns from the elapsed time.
func (r *room) answer(ctx context.Context, db *store.DB, seatID int64, n int, choice string, now time.Time,
	grade func(rd store.WorkshopRound, elapsed time.Duration) (bool, int)) (int, store.WorkshopResponse, error) {
	r.mu.RLock()
	rd, ok := r.current()
	i, seated := r.seatIdx[seatID]
	kicked := seated && r.st.Seats[i].Kicked
	_, repeat := r.resp[n][seatID]
	wid := r.st.Workshop.ID
	r.mu.RUnlock()
	switch {
	case !seated || kicked:
		return 0, store.WorkshopResponse{}, store.ErrNotFound
	case repeat:
		return answerRepeat, store.WorkshopResponse{}, nil
	case !ok || rd.N != n || !open(rd, now):
		return answerClosed, store.WorkshopResponse{}, nil
	}
	elapsed := now.Sub(rd.OpenedAt)
	correct, points := grade(rd, elapsed)
	x := store.WorkshopResponse{N: n, SeatID: seatID, Choice: choice, Correct: correct, ReceivedAt: now, ElapsedMS: elapsed.Milliseconds(), Points: points}
	// The primary key keeps one answer per seat and round, however the
	// requests race; the store's word decides.
	recorded, err := db.AddResponse(ctx, wid, x)
	if err != nil {
		return 0, x, err
	}
	if !recorded {
		return answerRepeat, x, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addResp(x)
	// The seat's own screen changes by its POST's answer; the others do
	// not see answers, the host sees the count.
	r.announce(false)
	return answerTaken, x, nil
}

// roundItem is the bank item of round n ("" for a race or no such round).
// roundOpenedAt is when round n opened (zero for no such round).
func (r *room) roundOpenedAt(n int) time.Time {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if n < 0 || n >= len(r.st.Rounds) {
		return time.Time{}
	}
	return r.st.Rounds[n].OpenedAt
}

func (r *room) roundItem(n int) string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if n < 0 || n >= len(r.st.Rounds) {
		return ""
	}
	return r.st.Rounds[n].ItemID
}

// standings ranks the seats that were not kicked, with each seat's index
// in the ranking. The caller holds r.mu (read or write); the result is
// shared and must not be changed.
func (r *room) standings() ([]quiz.Placed, map[int64]int) {
	r.boardMu.Lock()
	defer r.boardMu.Unlock()
	if r.board == nil || r.boardVer != r.ver {
		r.board = r.rank()
		r.boardAt = make(map[int64]int, len(r.board))
		for i, p := range r.board {
			r.boardAt[p.Seat] = i
		}
		r.boardVer = r.ver
	}
	return r.board, r.boardAt
}

// roundStatus says how a round counted, for the exports and the host's
// round table: only a revealed round scores (rank); a round the workshop
// ended in before its reveal scored nothing, one never shown was not
// played.
func roundStatus(state string) string {
	switch state {
	case store.RoundRevealed:
		return "scored"
	case store.RoundSkipped:
		return "skipped"
	case store.RoundPending:
		return "not played"
	default: // open or closed when the workshop ended
		return "not revealed, not scored"
	}
}

// rank computes the standings from the revealed rounds only: a round's
// points show (phone header, rank, projector leaderboard, podium) when the
// host reveals it, never before, so no screen gives a result away early.
// A round the workshop ended in without a reveal, or that was skipped,
// scores nothing (the CSV exports still list its answers). The caller
// holds r.mu.
func (r *room) rank() []quiz.Placed {
	es := make([]quiz.Entry, 0, len(r.st.Seats))
	idx := map[int64]int{}
	for _, s := range r.st.Seats {
		if s.Kicked {
			continue
		}
		idx[s.ID] = len(es)
		es = append(es, quiz.Entry{Seat: s.ID, Name: s.Name})
	}
	for n, byseat := range r.resp {
		if n >= len(r.st.Rounds) || r.st.Rounds[n].State != store.RoundRevealed {
			continue
		}
		for seat, x := range byseat {
			i, ok := idx[seat]
			if !ok {
				continue
			}
			es[i].Score += x.Points
			if x.Correct {
				es[i].Correct++
				es[i].TimeMS += x.ElapsedMS
			}
		}
	}
	return quiz.Rank(es)
}
