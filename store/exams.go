package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
)

// ErrExamClosed is returned when an exam no longer takes answers: it was
// submitted, or its deadline has passed.
var ErrExamClosed = errors.New("exam closed")

// Exam is one mock exam and its questions.
type Exam struct {
	ID          int64
	LearnerID   int64
	Size        int
	Seed        uint64 // option shuffle seed
	PassPercent int
	StartedAt   time.Time
	Deadline    time.Time
	SubmittedAt time.Time // zero while in progress
	Auto        bool      // submitted because time was up
	Correct     int       // set at submit
	Scored      int       // questions counted at submit
	Questions   []quiz.ExamQuestion
}

// Submitted reports whether the exam has been submitted.
func (e Exam) Submitted() bool { return !e.SubmittedAt.IsZero() }

// querier is what the exam loaders need from a *sql.DB or a *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const examColumns = `id, learner_id, size, seed, pass_percent, started_at, deadline, submitted_at, auto, COALESCE(correct, 0), COALESCE(scored, 0)`

func scanExam(sc interface{ Scan(...any) error }) (Exam, error) {
	var e Exam
	var seed, started, deadline int64
	var submitted sql.NullInt64
	if err := sc.Scan(&e.ID, &e.LearnerID, &e.Size, &seed, &e.PassPercent, &started, &deadline, &submitted, &e.Auto, &e.Correct, &e.Scored); err != nil {
		return Exam{}, err
	}
	e.Seed = uint64(seed)
	e.StartedAt, e.Deadline = fromMS(started), fromMS(deadline)
	if submitted.Valid {
		e.SubmittedAt = fromMS(submitted.Int64)
	}
	return e, nil
}

// loadExam reads exam id of learnerID with its questions; ErrNotFound when
// there is none. where narrows the row ("" for none).
func loadExam(ctx context.Context, q querier, where string, args ...any) (Exam, error) {
	e, err := scanExam(q.QueryRowContext(ctx, `SELECT `+examColumns+` FROM exams WHERE `+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Exam{}, ErrNotFound
	}
	if err != nil {
		return Exam{}, err
	}
	rows, err := q.QueryContext(ctx, `SELECT item_id, topic, chosen, flagged FROM exam_answers WHERE exam_id = ? ORDER BY position`, e.ID)
	if err != nil {
		return Exam{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var qu quiz.ExamQuestion
		var chosen string
		if err := rows.Scan(&qu.ItemID, &qu.Topic, &chosen, &qu.Flagged); err != nil {
			return Exam{}, err
		}
		if err := json.Unmarshal([]byte(chosen), &qu.Chosen); err != nil {
			return Exam{}, fmt.Errorf("exam %d: chosen: %w", e.ID, err)
		}
		e.Questions = append(e.Questions, qu)
	}
	return e, rows.Err()
}

// StartExam starts e (its learner, size, seed, pass mark, start, deadline
// and questions; the id is set here) unless the learner already has an
// exam in progress: then that exam is returned with started=false, and e
// is not stored. It returns an error (a foreign-key failure) for an
// unknown learner.
func (db *DB) StartExam(ctx context.Context, e Exam) (got Exam, started bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		open, err := loadExam(ctx, tx, `learner_id = ? AND submitted_at IS NULL`, e.LearnerID)
		if err == nil {
			got = open
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO exams (learner_id, size, seed, pass_percent, started_at, deadline)
			VALUES (?, ?, ?, ?, ?, ?)`, e.LearnerID, len(e.Questions), int64(e.Seed), e.PassPercent, ms(e.StartedAt), ms(e.Deadline))
		if err != nil {
			return err
		}
		if e.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		for i, q := range e.Questions {
			if _, err := tx.ExecContext(ctx, `INSERT INTO exam_answers (exam_id, position, item_id, topic) VALUES (?, ?, ?, ?)`,
				e.ID, i+1, q.ItemID, q.Topic); err != nil {
				return err
			}
		}
		e.Size = len(e.Questions)
		e.StartedAt, e.Deadline = fromMS(ms(e.StartedAt)), fromMS(ms(e.Deadline))
		got, started = e, true
		return nil
	})
	if err != nil {
		return Exam{}, false, fmt.Errorf("store: start exam: %w", err)
	}
	return got, started, nil
}

// OpenExam returns learnerID's exam in progress (not submitted, whether or
// not its deadline has passed), or ErrNotFound when there is none.
func (db *DB) OpenExam(ctx context.Context, learnerID int64) (Exam, error) {
	e, err := loadExam(ctx, db.r, `learner_id = ? AND submitted_at IS NULL`, learnerID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Exam{}, fmt.Errorf("store: open exam: %w", err)
	}
	return e, err
}

// Exam returns learnerID's exam id with its questions. It returns
// ErrNotFound when there is no such exam or it is another learner's.
func (db *DB) Exam(ctx context.Context, learnerID, id int64) (Exam, error) {
	e, err := loadExam(ctx, db.r, `id = ? AND learner_id = ?`, id, learnerID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Exam{}, fmt.Errorf("store: exam %d: %w", id, err)
	}
	return e, err
}

// SaveExamAnswer stores the answer (nil or empty: unanswered) and flag of
// question position (1-based) of learnerID's exam examID, at now. It
// returns ErrNotFound when the exam is not the learner's or has no such
// question, and ErrExamClosed when it was submitted or now is at or past
// its deadline; nothing is stored then.
func (db *DB) SaveExamAnswer(ctx context.Context, learnerID, examID int64, position int, chosen []string, flagged bool, now time.Time) error {
	js, err := json.Marshal(chosen)
	if err != nil || len(chosen) == 0 {
		js = []byte("[]")
	}
	var at sql.NullInt64
	if len(chosen) > 0 {
		at = sql.NullInt64{Int64: ms(now), Valid: true}
	}
	res, err := db.w.ExecContext(ctx, `UPDATE exam_answers SET chosen = ?, flagged = ?, answered_at = ?
		WHERE exam_id = ? AND position = ?
		  AND EXISTS (SELECT 1 FROM exams WHERE id = ? AND learner_id = ? AND submitted_at IS NULL AND deadline > ?)`,
		string(js), flagged, at, examID, position, examID, learnerID, ms(now))
	if err != nil {
		return fmt.Errorf("store: save exam answer: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	// Nothing changed: say why.
	var size int
	var submitted sql.NullInt64
	var deadline int64
	err = db.w.QueryRowContext(ctx, `SELECT size, submitted_at, deadline FROM exams WHERE id = ? AND learner_id = ?`,
		examID, learnerID).Scan(&size, &submitted, &deadline)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return ErrNotFound
	case err != nil:
		return fmt.Errorf("store: save exam answer: %w", err)
	case position < 1 || position > size:
		return ErrNotFound
	default:
		return ErrExamClosed
	}
}

// ExamSubmission is what submitting an exam records, computed from the
// exam as it stands inside the submitting transaction.
type ExamSubmission struct {
	Auto     bool   // submitted because time was up
	Right    []bool // per question, in exam order
	Correct  int
	Scored   int
	Attempts []quiz.Attempt       // answers fed to FSRS, appended to attempts
	Cards    map[string]quiz.Card // the learner's cards after them, by item id
}

// SubmitExam submits learnerID's exam examID at now, in one transaction:
// decide is called with the exam as stored (no answer can arrive in
// between) and returns what to record: the score, whether each question
// was right, and the attempts and cards that feed FSRS. An exam already
// submitted is left as it is and returned with submitted=false, so a
// double submit records one result. It returns ErrNotFound when the exam
// is not the learner's.
func (db *DB) SubmitExam(ctx context.Context, learnerID, examID int64, now time.Time, decide func(Exam) ExamSubmission) (e Exam, submitted bool, err error) {
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if e, err = loadExam(ctx, tx, `id = ? AND learner_id = ?`, examID, learnerID); err != nil {
			return err
		}
		if e.Submitted() {
			return nil
		}
		sub := decide(e)
		if _, err := tx.ExecContext(ctx, `UPDATE exams SET submitted_at = ?, auto = ?, correct = ?, scored = ? WHERE id = ?`,
			ms(now), sub.Auto, sub.Correct, sub.Scored, examID); err != nil {
			return err
		}
		for i, r := range sub.Right {
			if _, err := tx.ExecContext(ctx, `UPDATE exam_answers SET correct = ? WHERE exam_id = ? AND position = ?`, r, examID, i+1); err != nil {
				return err
			}
		}
		for _, a := range sub.Attempts {
			chosen, err := json.Marshal(a.Chosen)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO attempts
				(learner_id, session_id, showing_id, item_id, kind, topic, chosen, correct, ms_taken, answered_at)
				VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				learnerID, a.ShowingID, a.ItemID, string(a.Kind), a.Topic, string(chosen), a.Correct, a.Took.Milliseconds(), ms(a.AnsweredAt))
			if err != nil {
				return err
			}
			// Every attempt counts in its day's totals (answer_days), the
			// exam's as a drill's: the chart and the streak read them.
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				if _, err := tx.ExecContext(ctx, addAnswerDaySQL, learnerID, dayNumber(ms(a.AnsweredAt)), a.Correct); err != nil {
					return err
				}
			}
		}
		for id, c := range sub.Cards {
			if _, err := tx.ExecContext(ctx, upsertCardSQL,
				learnerID, id, msOrZero(c.Due), c.Stability, c.Difficulty, int64(c.ScheduledDays),
				int64(c.Reps), int64(c.Lapses), int(c.State), msOrZero(c.LastReview), c.RemainingSteps, c.Misses); err != nil {
				return err
			}
		}
		e.SubmittedAt, e.Auto, e.Correct, e.Scored = fromMS(ms(now)), sub.Auto, sub.Correct, sub.Scored
		submitted = true
		return nil
	})
	db.cache.forget(learnerID)
	if errors.Is(err, ErrNotFound) {
		return Exam{}, false, ErrNotFound
	}
	if err != nil {
		return Exam{}, false, fmt.Errorf("store: submit exam %d: %w", examID, err)
	}
	return e, submitted, nil
}

// ExamHistory returns learnerID's latest limit submitted exams, newest
// first, with their questions. No exams is an empty result, not
// ErrNotFound; it returns an error only when a query fails.
func (db *DB) ExamHistory(ctx context.Context, learnerID int64, limit int) ([]Exam, error) {
	st, gen := db.cache.snapshot(learnerID)
	if st != nil && st.exams != nil && st.examsLimit >= limit {
		if n := min(limit, len(st.exams)); n > 0 {
			return slices.Clone(st.exams[:n]), nil
		}
		return nil, nil
	}
	out, err := db.examHistoryFromDB(ctx, learnerID, limit)
	if err != nil {
		return nil, err
	}
	db.cache.fill(learnerID, gen, func(st *learnerState) {
		if st.exams != nil && st.examsLimit > limit {
			return // keep the longer list
		}
		st.exams, st.examsLimit = slices.Clip(slices.Clone(out)), limit
		if st.exams == nil {
			st.exams = []Exam{}
		}
	})
	return out, nil
}

func (db *DB) examHistoryFromDB(ctx context.Context, learnerID int64, limit int) ([]Exam, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+examColumns+` FROM exams
		WHERE learner_id = ? AND submitted_at IS NOT NULL ORDER BY submitted_at DESC, id DESC LIMIT ?`, learnerID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: exam history: %w", err)
	}
	var out []Exam
	byID := map[int64]int{}
	for rows.Next() {
		e, err := scanExam(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: exam history: %w", err)
		}
		byID[e.ID] = len(out)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: exam history: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	qrows, err := db.r.QueryContext(ctx, `SELECT a.exam_id, a.item_id, a.topic, a.chosen, a.flagged
		FROM exam_answers a JOIN exams e ON e.id = a.exam_id
		WHERE e.learner_id = ? AND e.submitted_at IS NOT NULL AND a.exam_id >= ?
		ORDER BY a.exam_id, a.position`, learnerID, out[len(out)-1].ID)
	if err != nil {
		return nil, fmt.Errorf("store: exam history: %w", err)
	}
	defer qrows.Close()
	for qrows.Next() {
		var id int64
		var q quiz.ExamQuestion
		var chosen string
		if err := qrows.Scan(&id, &q.ItemID, &q.Topic, &chosen, &q.Flagged); err != nil {
			return nil, fmt.Errorf("store: exam history: %w", err)
		}
		i, ok := byID[id]
		if !ok {
			continue
		}
		if err := json.Unmarshal([]byte(chosen), &q.Chosen); err != nil {
			return nil, fmt.Errorf("store: exam history: exam %d: %w", id, err)
		}
		out[i].Questions = append(out[i].Questions, q)
	}
	if err := qrows.Err(); err != nil {
		return nil, fmt.Errorf("store: exam history: %w", err)
	}
	return out, nil
}
