package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"github.com/jobs-api-trainer/trainer/quiz"
)

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

// drillStmts are the statements of one answer, prepared once at Open:
// preparing them roughly doubles RecordAnswer's throughput.
type drillStmts struct {
	insertAttempt, countShowing, upsertCard, addAnswerDay, priorCard *sql.Stmt // writer
	startSession, endSession                                         *sql.Stmt // writer
	answerState                                                      *sql.Stmt // reader
}

func prepareDrill(ctx context.Context, w, r *sql.DB) (*drillStmts, error) {
	st := &drillStmts{}
	err := prepareAll(ctx, w, []stmtDef{
		{&st.insertAttempt, insertAttemptSQL},
		{&st.countShowing, countShowingSQL},
		{&st.upsertCard, upsertCardSQL},
		{&st.addAnswerDay, addAnswerDaySQL},
		{&st.priorCard, priorCardSQL},
		{&st.startSession, startSessionSQL},
		{&st.endSession, endSessionSQL},
	})
	if err == nil {
		err = prepareAll(ctx, r, []stmtDef{{&st.answerState, answerStateSQL}})
	}
	if err != nil {
		st.close()
		return nil, fmt.Errorf("store: prepare drill statements: %w", err)
	}
	return st, nil
}

func (st *drillStmts) close() error {
	return closeAll(st.insertAttempt, st.countShowing, st.upsertCard, st.addAnswerDay,
		st.priorCard, st.startSession, st.endSession, st.answerState)
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
	// The batch's learners are written until the cache has the answers:
	// no read may fill their cache from the database in between.
	learners := make([]int64, len(batch))
	for i, r := range batch {
		learners[i] = r.a.LearnerID
	}
	db.cache.begin(learners...)
	ended := false
	endWrite := func() {
		if !ended {
			ended = true
			db.cache.end(learners...)
		}
	}
	defer endWrite()
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
	err := db.observedTx(ctx, "answers", len(batch), func(tx *sql.Tx) error {
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
		if results[i].recorded {
			db.cache.update(r.a.LearnerID, func(st *learnerState) { applyAnswer(st, r.a, r.c) })
		}
	}
	endWrite() // before anyone is answered: their next read may fill the cache
	for i, r := range batch {
		r.done <- results[i]
	}
}

// writeAnswer inserts one attempt, with the item's card as it was before
// (for UndoLastAnswer), adds it to the learner's day (answer_days) and
// upserts its card inside tx. It
// returns recorded=false for a showing already recorded, and ErrNotFound
// (writing nothing) when the session is not the learner's.
func writeAnswer(ctx context.Context, tx *sql.Tx, st *drillStmts, r *answerReq) (bool, error) {
	a, c := r.a, r.c
	prior, err := readPriorCard(ctx, tx.StmtContext(ctx, st.priorCard), a.LearnerID, a.ItemID)
	if err != nil {
		return false, err
	}
	// The session must be the learner's: the WHERE makes a forged
	// session insert nothing, told apart from a duplicate below.
	res, err := tx.StmtContext(ctx, st.insertAttempt).ExecContext(ctx,
		a.LearnerID, r.session, a.ShowingID, a.ItemID, string(a.Kind), a.Topic, r.chosen,
		a.Correct, a.Took.Milliseconds(), ms(a.AnsweredAt), prior)
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
	if _, err := tx.StmtContext(ctx, st.addAnswerDay).ExecContext(ctx,
		a.LearnerID, dayNumber(ms(a.AnsweredAt)), a.Correct); err != nil {
		return false, err
	}
	_, err = tx.StmtContext(ctx, st.upsertCard).ExecContext(ctx,
		a.LearnerID, a.ItemID, msOrZero(c.Due), c.Stability, c.Difficulty, int64(c.ScheduledDays),
		int64(c.Reps), int64(c.Lapses), int(c.State), msOrZero(c.LastReview), c.RemainingSteps, c.Misses)
	return err == nil, err
}
