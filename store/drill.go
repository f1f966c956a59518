package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
)

// DrillSession is one run of the drill: a topic (or all), a size, and when
// it started and ended.
type DrillSession struct {
	ID        int64
	LearnerID int64
	Topic     string // "" for every topic
	Size      int
	StartedAt time.Time
	EndedAt   time.Time // zero while the session is open
}

// SessionStats is a drill session with totals over its attempts.
type SessionStats struct {
	DrillSession
	Answered int
	Correct  int
	Took     time.Duration
}

// DayStats is one day's answers.
type DayStats struct {
	Day      time.Time // midnight of the day in the requested location
	Answered int
	Correct  int
}

// Accuracy returns Correct / Answered, 0 for a day without answers.
func (d DayStats) Accuracy() float64 {
	if d.Answered == 0 {
		return 0
	}
	return float64(d.Correct) / float64(d.Answered)
}

// msOrZero stores a zero time as 0 so it reads back as the zero time.
func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}

func fromMSOrZero(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMS(v)
}

// StartDrillSession opens a drill session for learnerID. It returns an
// error (a foreign-key failure) when the learner does not exist.
func (db *DB) StartDrillSession(ctx context.Context, learnerID int64, topic string, size int, now time.Time) (DrillSession, error) {
	res, err := db.w.ExecContext(ctx,
		`INSERT INTO drill_sessions (learner_id, topic, size, started_at) VALUES (?, ?, ?, ?)`,
		learnerID, topic, size, ms(now))
	if err != nil {
		return DrillSession{}, fmt.Errorf("store: start drill session: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return DrillSession{}, fmt.Errorf("store: start drill session: %w", err)
	}
	return DrillSession{ID: id, LearnerID: learnerID, Topic: topic, Size: size, StartedAt: fromMS(ms(now))}, nil
}

// DrillSession returns learnerID's session id. It returns ErrNotFound when
// there is no such session or it belongs to another learner (a forged id).
func (db *DB) DrillSession(ctx context.Context, learnerID, id int64) (DrillSession, error) {
	var s DrillSession
	var started int64
	var ended sql.NullInt64
	err := db.r.QueryRowContext(ctx,
		`SELECT id, learner_id, topic, size, started_at, ended_at FROM drill_sessions WHERE id = ? AND learner_id = ?`,
		id, learnerID).Scan(&s.ID, &s.LearnerID, &s.Topic, &s.Size, &started, &ended)
	if errors.Is(err, sql.ErrNoRows) {
		return DrillSession{}, ErrNotFound
	}
	if err != nil {
		return DrillSession{}, fmt.Errorf("store: drill session %d: %w", id, err)
	}
	s.StartedAt = fromMS(started)
	if ended.Valid {
		s.EndedAt = fromMS(ended.Int64)
	}
	return s, nil
}

// EndDrillSession marks learnerID's session id ended at now; ending it
// again keeps the first end time. It returns ErrNotFound when there is no
// such session for the learner.
func (db *DB) EndDrillSession(ctx context.Context, learnerID, id int64, now time.Time) error {
	res, err := db.w.ExecContext(ctx,
		`UPDATE drill_sessions SET ended_at = COALESCE(ended_at, ?) WHERE id = ? AND learner_id = ?`,
		ms(now), id, learnerID)
	if err != nil {
		return fmt.Errorf("store: end drill session %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// RecordAnswer appends a and stores c as the learner's card for a.ItemID,
// in one transaction (shared with other answers arriving at the same
// time: see answerBatcher). When an attempt with a.ShowingID was already
// recorded (a double submit or retried request), or a.ItemID was already
// answered in session a.SessionID (a second tab), it changes nothing and
// returns recorded=false. It returns ErrNotFound when a.SessionID is set
// but is not a session of a.LearnerID, and an error for a missing learner
// or an empty ShowingID.
func (db *DB) RecordAnswer(ctx context.Context, a quiz.Attempt, c quiz.Card) (recorded bool, err error) {
	if a.ShowingID == "" {
		return false, errors.New("store: record answer: empty showing id")
	}
	chosen, err := json.Marshal(a.Chosen)
	if err != nil {
		return false, fmt.Errorf("store: record answer: %w", err)
	}
	if a.Chosen == nil {
		chosen = []byte("[]")
	}
	var session sql.NullInt64
	if a.SessionID != 0 {
		session = sql.NullInt64{Int64: a.SessionID, Valid: true}
	}
	req := &answerReq{a: a, c: c, chosen: string(chosen), session: session, done: make(chan answerResult, 1)}
	res := db.answers.submit(ctx, db, req)
	recorded, err = res.recorded, res.err
	if errors.Is(err, ErrNotFound) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, fmt.Errorf("store: record answer: %w", err)
	}
	return recorded, nil
}

const cardColumns = `item_id, due, stability, difficulty, scheduled_days, reps, lapses, state, last_review, remaining_steps, misses`

func scanCard(sc interface{ Scan(...any) error }) (string, quiz.Card, error) {
	var id string
	var c quiz.Card
	var due, last, sched, reps, lapses int64
	var state int
	if err := sc.Scan(&id, &due, &c.Stability, &c.Difficulty, &sched, &reps, &lapses, &state, &last, &c.RemainingSteps, &c.Misses); err != nil {
		return "", quiz.Card{}, err
	}
	c.Due, c.LastReview = fromMSOrZero(due), fromMSOrZero(last)
	c.ScheduledDays, c.Reps, c.Lapses = uint64(sched), uint64(reps), uint64(lapses)
	c.State = quiz.State(state)
	return id, c, nil
}

// Cards returns learnerID's cards keyed by item id; items never answered
// have no entry. An unknown learner has no cards: an empty map, not
// ErrNotFound. It returns an error only when the query fails.
func (db *DB) Cards(ctx context.Context, learnerID int64) (map[string]quiz.Card, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+cardColumns+` FROM cards WHERE learner_id = ?`, learnerID)
	if err != nil {
		return nil, fmt.Errorf("store: cards: %w", err)
	}
	defer rows.Close()
	out := map[string]quiz.Card{}
	for rows.Next() {
		id, c, err := scanCard(rows)
		if err != nil {
			return nil, fmt.Errorf("store: cards: %w", err)
		}
		out[id] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: cards: %w", err)
	}
	return out, nil
}

// Card returns learnerID's card for itemID, or ErrNotFound when the item
// was never answered (use the zero quiz.Card then).
func (db *DB) Card(ctx context.Context, learnerID int64, itemID string) (quiz.Card, error) {
	row := db.r.QueryRowContext(ctx, `SELECT `+cardColumns+` FROM cards WHERE learner_id = ? AND item_id = ?`, learnerID, itemID)
	_, c, err := scanCard(row)
	if errors.Is(err, sql.ErrNoRows) {
		return quiz.Card{}, ErrNotFound
	}
	if err != nil {
		return quiz.Card{}, fmt.Errorf("store: card %s: %w", itemID, err)
	}
	return c, nil
}

const attemptColumns = `id, learner_id, COALESCE(session_id, 0), showing_id, item_id, kind, topic, chosen, correct, ms_taken, answered_at`

func scanAttempt(rows *sql.Rows) (quiz.Attempt, error) {
	var a quiz.Attempt
	var kind, chosen string
	var took, at int64
	if err := rows.Scan(&a.ID, &a.LearnerID, &a.SessionID, &a.ShowingID, &a.ItemID, &kind, &a.Topic, &chosen, &a.Correct, &took, &at); err != nil {
		return quiz.Attempt{}, err
	}
	if err := json.Unmarshal([]byte(chosen), &a.Chosen); err != nil {
		return quiz.Attempt{}, fmt.Errorf("attempt %d: chosen: %w", a.ID, err)
	}
	a.Kind = quiz.Kind(kind)
	a.Took = time.Duration(took) * time.Millisecond
	a.AnsweredAt = fromMS(at)
	return a, nil
}

func (db *DB) eachAttempt(ctx context.Context, what string, fn func(quiz.Attempt) error, query string, args ...any) error {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return fmt.Errorf("store: %s: %w", what, err)
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// Attempts calls fn with each of learnerID's attempts, oldest first, for
// the CSV export without holding them all in memory. It stops at, and
// returns, the first error from fn.
func (db *DB) Attempts(ctx context.Context, learnerID int64, fn func(quiz.Attempt) error) error {
	return db.eachAttempt(ctx, "attempts", fn,
		`SELECT `+attemptColumns+` FROM attempts WHERE learner_id = ? ORDER BY answered_at, id`, learnerID)
}

// SessionAttempts returns the attempts of learnerID's session sessionID,
// in answer order; none (and no error) for a session without answers or of
// another learner.
func (db *DB) SessionAttempts(ctx context.Context, learnerID, sessionID int64) ([]quiz.Attempt, error) {
	var out []quiz.Attempt
	err := db.eachAttempt(ctx, "session attempts", func(a quiz.Attempt) error {
		out = append(out, a)
		return nil
	}, `SELECT `+attemptColumns+` FROM attempts WHERE session_id = ? AND learner_id = ? ORDER BY answered_at, id`,
		sessionID, learnerID)
	return out, err
}

// DailyAccuracy returns learnerID's answers per calendar day in loc (UTC
// when nil) from since on, oldest first, including only days with answers.
// No answers is an empty result, not ErrNotFound; it returns an error only
// when the query fails.
func (db *DB) DailyAccuracy(ctx context.Context, learnerID int64, since time.Time, loc *time.Location) ([]DayStats, error) {
	if loc == nil {
		loc = time.UTC
	}
	rows, err := db.r.QueryContext(ctx,
		`SELECT answered_at, correct FROM attempts WHERE learner_id = ? AND answered_at >= ? ORDER BY answered_at`,
		learnerID, ms(since))
	if err != nil {
		return nil, fmt.Errorf("store: daily accuracy: %w", err)
	}
	defer rows.Close()
	var out []DayStats
	for rows.Next() {
		var at int64
		var correct bool
		if err := rows.Scan(&at, &correct); err != nil {
			return nil, fmt.Errorf("store: daily accuracy: %w", err)
		}
		day := midnight(fromMS(at), loc)
		if len(out) == 0 || !out[len(out)-1].Day.Equal(day) {
			out = append(out, DayStats{Day: day})
		}
		d := &out[len(out)-1]
		d.Answered++
		if correct {
			d.Correct++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: daily accuracy: %w", err)
	}
	return out, nil
}

func midnight(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// Streak returns how many consecutive calendar days in loc (UTC when nil)
// learnerID answered at least once, ending today (now's day) or, if there
// is no answer yet today, yesterday. No streak is 0, not ErrNotFound; it
// returns an error only when the query fails.
func (db *DB) Streak(ctx context.Context, learnerID int64, now time.Time, loc *time.Location) (int, error) {
	if loc == nil {
		loc = time.UTC
	}
	rows, err := db.r.QueryContext(ctx,
		`SELECT answered_at FROM attempts WHERE learner_id = ? AND answered_at < ? ORDER BY answered_at DESC`,
		learnerID, ms(midnight(now, loc).AddDate(0, 0, 1)))
	if err != nil {
		return 0, fmt.Errorf("store: streak: %w", err)
	}
	defer rows.Close()
	today := midnight(now, loc)
	want := today // the next day the streak needs
	streak := 0
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return 0, fmt.Errorf("store: streak: %w", err)
		}
		day := midnight(fromMS(at), loc)
		switch {
		case day.Equal(want):
			streak++
			want = want.AddDate(0, 0, -1)
		case day.After(want):
			// another answer on a day already counted
		case streak == 0 && want.Equal(today) && day.Equal(today.AddDate(0, 0, -1)):
			// nothing today yet: the streak may end yesterday
			streak++
			want = day.AddDate(0, 0, -1)
		default:
			return streak, nil
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: streak: %w", err)
	}
	return streak, nil
}

// RecentSessions returns learnerID's latest limit sessions, newest first,
// with their answer totals. No sessions is an empty result, not
// ErrNotFound; it returns an error only when the query fails.
func (db *DB) RecentSessions(ctx context.Context, learnerID int64, limit int) ([]SessionStats, error) {
	rows, err := db.r.QueryContext(ctx, `
		SELECT s.id, s.learner_id, s.topic, s.size, s.started_at, s.ended_at,
			COUNT(a.id), COALESCE(SUM(a.correct), 0), COALESCE(SUM(a.ms_taken), 0)
		FROM drill_sessions s LEFT JOIN attempts a ON a.session_id = s.id
		WHERE s.learner_id = ?
		GROUP BY s.id
		ORDER BY s.started_at DESC, s.id DESC
		LIMIT ?`, learnerID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: recent sessions: %w", err)
	}
	defer rows.Close()
	var out []SessionStats
	for rows.Next() {
		var s SessionStats
		var started, took int64
		var ended sql.NullInt64
		if err := rows.Scan(&s.ID, &s.LearnerID, &s.Topic, &s.Size, &started, &ended, &s.Answered, &s.Correct, &took); err != nil {
			return nil, fmt.Errorf("store: recent sessions: %w", err)
		}
		s.StartedAt = fromMS(started)
		if ended.Valid {
			s.EndedAt = fromMS(ended.Int64)
		}
		s.Took = time.Duration(took) * time.Millisecond
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: recent sessions: %w", err)
	}
	return out, nil
}

// SetExamDate sets learnerID's exam date; the zero time clears it. It
// returns an error (a foreign-key failure) for an unknown learner.
func (db *DB) SetExamDate(ctx context.Context, learnerID int64, date time.Time) error {
	var v sql.NullInt64
	if !date.IsZero() {
		v = sql.NullInt64{Int64: ms(date), Valid: true}
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO learner_prefs (learner_id, exam_date) VALUES (?, ?)
		ON CONFLICT (learner_id) DO UPDATE SET exam_date = excluded.exam_date`, learnerID, v)
	if err != nil {
		return fmt.Errorf("store: set exam date: %w", err)
	}
	return nil
}

// ExamDate returns learnerID's exam date, or the zero time when none is
// set (also for an unknown learner), never ErrNotFound. It returns an error
// only when the query fails.
func (db *DB) ExamDate(ctx context.Context, learnerID int64) (time.Time, error) {
	var v sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT exam_date FROM learner_prefs WHERE learner_id = ?`, learnerID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !v.Valid) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: exam date: %w", err)
	}
	return fromMS(v.Int64), nil
}

// drillStmts are the statements of one answer, prepared once at Open:
// preparing them roughly doubles RecordAnswer's throughput.
type drillStmts struct {
	insertAttempt, countShowing, upsertCard *sql.Stmt // writer
	answerState                             *sql.Stmt // reader
}

const (
	insertAttemptSQL = `INSERT INTO attempts
		(learner_id, session_id, showing_id, item_id, kind, topic, chosen, correct, ms_taken, answered_at)
		SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
		WHERE ?2 IS NULL OR EXISTS (SELECT 1 FROM drill_sessions WHERE id = ?2 AND learner_id = ?1)
		ON CONFLICT DO NOTHING`
	countShowingSQL = `SELECT COUNT(*) FROM attempts WHERE showing_id = ?1 OR (session_id = ?2 AND item_id = ?3 AND learner_id = ?4)`
	upsertCardSQL   = `INSERT INTO cards
		(learner_id, item_id, due, stability, difficulty, scheduled_days, reps, lapses, state, last_review, remaining_steps, misses)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (learner_id, item_id) DO UPDATE SET
			due = excluded.due, stability = excluded.stability, difficulty = excluded.difficulty,
			scheduled_days = excluded.scheduled_days, reps = excluded.reps, lapses = excluded.lapses,
			state = excluded.state, last_review = excluded.last_review,
			remaining_steps = excluded.remaining_steps, misses = excluded.misses`
	answerStateSQL = `SELECT s.topic, s.size, s.started_at, s.ended_at,
			(SELECT exam_date FROM learner_prefs WHERE learner_id = s.learner_id),
			(SELECT showing_id FROM attempts WHERE session_id = s.id AND item_id = ?3 ORDER BY id LIMIT 1),
			c.due, c.stability, c.difficulty, c.scheduled_days, c.reps, c.lapses, c.state,
			c.last_review, c.remaining_steps, c.misses
		FROM drill_sessions s
		LEFT JOIN cards c ON c.learner_id = s.learner_id AND c.item_id = ?3
		WHERE s.id = ?1 AND s.learner_id = ?2`
)

func prepareDrill(ctx context.Context, w, r *sql.DB) (*drillStmts, error) {
	st := &drillStmts{}
	for _, p := range []struct {
		db  *sql.DB
		dst **sql.Stmt
		sql string
	}{
		{w, &st.insertAttempt, insertAttemptSQL},
		{w, &st.countShowing, countShowingSQL},
		{w, &st.upsertCard, upsertCardSQL},
		{r, &st.answerState, answerStateSQL},
	} {
		s, err := p.db.PrepareContext(ctx, p.sql)
		if err != nil {
			st.close()
			return nil, fmt.Errorf("store: prepare drill statements: %w", err)
		}
		*p.dst = s
	}
	return st, nil
}

func (st *drillStmts) close() error {
	var errs []error
	for _, s := range []*sql.Stmt{st.insertAttempt, st.countShowing, st.upsertCard, st.answerState} {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// AnswerState is what recording one answer needs to know, read at once.
type AnswerState struct {
	Session  DrillSession
	ExamDate time.Time // zero when the learner set none
	Card     quiz.Card // the zero Card for an item never answered
	// Answered is the showing id of the item's attempt in this session,
	// "" when the item was not answered in it yet.
	Answered string
}

// AnswerState reads, in one query, learnerID's session sessionID, their
// exam date, their card for itemID and any earlier answer to itemID in the
// session. It returns ErrNotFound when the session is not learnerID's.
func (db *DB) AnswerState(ctx context.Context, learnerID, sessionID int64, itemID string) (AnswerState, error) {
	st := AnswerState{Session: DrillSession{ID: sessionID, LearnerID: learnerID}}
	var started int64
	var ended, exam, due, sched, reps, lapses, state, last, steps, misses sql.NullInt64
	var stab, diff sql.NullFloat64
	var answered sql.NullString
	err := db.stmts.answerState.QueryRowContext(ctx, sessionID, learnerID, itemID).Scan(
		&st.Session.Topic, &st.Session.Size, &started, &ended, &exam, &answered,
		&due, &stab, &diff, &sched, &reps, &lapses, &state, &last, &steps, &misses)
	if errors.Is(err, sql.ErrNoRows) {
		return AnswerState{}, ErrNotFound
	}
	if err != nil {
		return AnswerState{}, fmt.Errorf("store: answer state: %w", err)
	}
	st.Session.StartedAt = fromMS(started)
	if ended.Valid {
		st.Session.EndedAt = fromMS(ended.Int64)
	}
	if exam.Valid {
		st.ExamDate = fromMS(exam.Int64)
	}
	st.Answered = answered.String
	if due.Valid {
		c := &st.Card
		c.Due, c.LastReview = fromMSOrZero(due.Int64), fromMSOrZero(last.Int64)
		c.Stability, c.Difficulty = stab.Float64, diff.Float64
		c.ScheduledDays, c.Reps, c.Lapses = uint64(sched.Int64), uint64(reps.Int64), uint64(lapses.Int64)
		c.State = quiz.State(state.Int64)
		c.RemainingSteps = int(steps.Int64)
		c.Misses = int(misses.Int64)
	}
	return st, nil
}

// AttemptByShowing returns learnerID's attempt recorded for showingID. It
// returns ErrNotFound when there is none (or it is another learner's).
func (db *DB) AttemptByShowing(ctx context.Context, learnerID int64, showingID string) (quiz.Attempt, error) {
	var out quiz.Attempt
	found := false
	err := db.eachAttempt(ctx, "attempt by showing", func(a quiz.Attempt) error {
		out, found = a, true
		return nil
	}, `SELECT `+attemptColumns+` FROM attempts WHERE showing_id = ? AND learner_id = ?`, showingID, learnerID)
	if err != nil {
		return quiz.Attempt{}, err
	}
	if !found {
		return quiz.Attempt{}, ErrNotFound
	}
	return out, nil
}

// answerReq is one RecordAnswer call waiting for the group commit.
type answerReq struct {
	a       quiz.Attempt
	c       quiz.Card
	chosen  string
	session sql.NullInt64
	done    chan answerResult
}

type answerResult struct {
	recorded bool
	err      error
	lead     bool // not a result: this waiter now leads the next batch
}

// answerBatcher commits concurrent RecordAnswer calls together. The caller
// that finds no commit in progress becomes the leader and writes every
// request queued so far (up to maxAnswerBatch) in one transaction. If more
// arrived meanwhile it hands leadership to the oldest waiter, whose own
// request is first in the queue, and returns: no caller writes more than
// one batch, so nobody's answer waits behind an endless stream of others.
// With one writer connection, the per-transaction cost (BEGIN, COMMIT, the
// WAL write) is paid once per batch instead of once per answer.
//
// Invariant: when leading is false the queue is empty.
type answerBatcher struct {
	mu      sync.Mutex
	pending []*answerReq
	leading bool
}

// maxAnswerBatch bounds one transaction.
const maxAnswerBatch = 64

func (b *answerBatcher) submit(ctx context.Context, db *DB, r *answerReq) answerResult {
	b.mu.Lock()
	b.pending = append(b.pending, r)
	if b.leading {
		b.mu.Unlock()
		// Waiting is bounded by the batches ahead; it does not follow ctx,
		// because this caller may be handed the lead and must take it.
		res := <-r.done
		if !res.lead {
			return res
		}
		b.mu.Lock()
	}
	b.leading = true
	n := min(len(b.pending), maxAnswerBatch)
	batch := b.pending[:n:n] // r is pending[0]: see the type comment
	b.pending = b.pending[n:]
	b.mu.Unlock()

	db.writeAnswers(context.WithoutCancel(ctx), batch)

	b.mu.Lock()
	if len(b.pending) > 0 {
		b.pending[0].done <- answerResult{lead: true}
	} else {
		b.leading = false
		b.pending = nil
	}
	b.mu.Unlock()
	return <-r.done
}

// writeAnswers writes a batch in one transaction and answers every
// request. If the batch transaction fails as a whole, each request is
// retried alone, so one bad answer cannot fail its neighbours.
func (db *DB) writeAnswers(ctx context.Context, batch []*answerReq) {
	results := make([]answerResult, len(batch))
	defer func() {
		// A panic must not strand the waiters (or the leader flag).
		if v := recover(); v != nil {
			for _, r := range batch {
				select {
				case r.done <- answerResult{err: fmt.Errorf("store: record answer: panic: %v", v)}:
				default:
				}
			}
		}
	}()
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for i, r := range batch {
			rec, err := writeAnswer(ctx, tx, db.stmts, r)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			results[i] = answerResult{recorded: rec, err: err}
		}
		return nil
	})
	if err != nil && len(batch) > 1 {
		for _, r := range batch {
			db.writeAnswers(ctx, []*answerReq{r})
		}
		return
	}
	for i, r := range batch {
		if err != nil {
			results[i] = answerResult{err: err}
		}
		r.done <- results[i]
	}
}

// writeAnswer inserts one attempt and upserts its card inside tx. It
// returns recorded=false for a showing already recorded, and ErrNotFound
// (writing nothing) when the session is not the learner's.
func writeAnswer(ctx context.Context, tx *sql.Tx, st *drillStmts, r *answerReq) (bool, error) {
	a, c := r.a, r.c
	// The session must be the learner's: the WHERE makes a forged
	// session insert nothing, told apart from a duplicate below.
	res, err := tx.StmtContext(ctx, st.insertAttempt).ExecContext(ctx,
		a.LearnerID, r.session, a.ShowingID, a.ItemID, string(a.Kind), a.Topic, r.chosen,
		a.Correct, a.Took.Milliseconds(), ms(a.AnsweredAt))
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var dup int
		if err := tx.StmtContext(ctx, st.countShowing).QueryRowContext(ctx, a.ShowingID, r.session, a.ItemID, a.LearnerID).Scan(&dup); err != nil {
			return false, err
		}
		if dup == 0 {
			return false, ErrNotFound
		}
		return false, nil
	}
	_, err = tx.StmtContext(ctx, st.upsertCard).ExecContext(ctx,
		a.LearnerID, a.ItemID, msOrZero(c.Due), c.Stability, c.Difficulty, int64(c.ScheduledDays),
		int64(c.Reps), int64(c.Lapses), int(c.State), msOrZero(c.LastReview), c.RemainingSteps, c.Misses)
	return err == nil, err
}
