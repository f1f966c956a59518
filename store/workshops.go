package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrCodeTaken is returned by CreateWorkshop when the join code is in use
// by another workshop: draw another one.
var ErrCodeTaken = errors.New("join code taken")

// ErrNameTaken is returned by AddSeat when the workshop already has a
// participant of that name (names compare by their key).
var ErrNameTaken = errors.New("name taken")

// The workshop states.
const (
	WorkshopLobby   = "lobby"
	WorkshopRunning = "running"
	WorkshopEnded   = "ended"
)

// The round kinds and states.
const (
	RoundQuestion = "question"
	RoundRace     = "race"

	RoundPending  = "pending"
	RoundOpen     = "open"
	RoundClosed   = "closed"
	RoundRevealed = "revealed"
	RoundSkipped  = "skipped"
)

// Workshop is one hosted workshop.
type Workshop struct {
	ID           int64
	Code         string
	Title        string
	HostLearner  int64
	Scoring      string // quiz.ScoreCorrect or quiz.ScoreSpeed
	Seconds      int    // per question; 0 = untimed
	RaceSeconds  int
	CountAsDrill bool
	State        string // WorkshopLobby, WorkshopRunning or WorkshopEnded
	Current      int    // the round on screen; -1 in the lobby
	CreatedAt    time.Time
	EndedAt      time.Time // zero until ended
}

// WorkshopRound is one question or sandbox race of a workshop.
type WorkshopRound struct {
	N           int
	Kind        string // RoundQuestion or RoundRace
	ItemID      string // bank item of a question
	ChallengeID string // challenge of a race
	State       string // RoundPending, RoundOpen, RoundClosed, RoundRevealed or RoundSkipped
	OpenedAt    time.Time
	ClosesAt    time.Time // zero: untimed
	ClosedAt    time.Time
}

// Seat is one participant's place in a workshop.
type Seat struct {
	ID         int64
	WorkshopID int64
	LearnerID  int64
	Name       string
	NameKey    string
	Kicked     bool
	JoinedAt   time.Time
}

// WorkshopResponse is one seat's answer to one round (or its race solve).
type WorkshopResponse struct {
	N          int
	SeatID     int64
	Choice     string
	Correct    bool
	ReceivedAt time.Time
	ElapsedMS  int64
	Points     int
}

// WorkshopState is everything stored about a workshop.
type WorkshopState struct {
	Workshop  Workshop
	Rounds    []WorkshopRound
	Seats     []Seat             // in joining order
	Responses []WorkshopResponse // by round, then receive time
	Baselines map[int]map[int64]string
}

// WorkshopWorkspaceOf is the emulated workspace of a seat in a workshop's
// sandbox races: its own, apart from the learner's sandbox.
func WorkshopWorkspaceOf(workshopID, seatID int64) string {
	return fmt.Sprintf("workshop-%d-seat-%d", workshopID, seatID)
}

func isUnique(err error, column string) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed") && strings.Contains(err.Error(), column)
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CreateWorkshop stores a new workshop in the lobby with its rounds and
// the hash of its host key, and returns it with its id. It returns
// ErrCodeTaken when w.Code is in use, or the database error.
func (db *DB) CreateWorkshop(ctx context.Context, w Workshop, hostKey string, rounds []WorkshopRound) (Workshop, error) {
	w.State, w.Current = WorkshopLobby, -1
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var host any
		if w.HostLearner != 0 {
			host = w.HostLearner
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO workshops
			(code, title, host_learner_id, host_key_hash, scoring, seconds, race_seconds, count_as_drill, state, current, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			w.Code, w.Title, host, hashToken(hostKey), w.Scoring, w.Seconds, w.RaceSeconds, b2i(w.CountAsDrill),
			w.State, w.Current, ms(w.CreatedAt))
		if err != nil {
			return err
		}
		if w.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		for i, r := range rounds {
			if _, err := tx.ExecContext(ctx, `INSERT INTO workshop_rounds (workshop_id, n, kind, item_id, challenge_id, state)
				VALUES (?, ?, ?, ?, ?, ?)`, w.ID, i, r.Kind, r.ItemID, r.ChallengeID, RoundPending); err != nil {
				return err
			}
		}
		return nil
	})
	if isUnique(err, "workshops.code") {
		return Workshop{}, ErrCodeTaken
	}
	if err != nil {
		return Workshop{}, fmt.Errorf("store: create workshop: %w", err)
	}
	return w, nil
}

const workshopCols = `id, code, title, COALESCE(host_learner_id, 0), scoring, seconds, race_seconds, count_as_drill, state, current, created_at, ended_at`

func scanWorkshop(row interface{ Scan(...any) error }) (Workshop, error) {
	var w Workshop
	var created, ended int64
	err := row.Scan(&w.ID, &w.Code, &w.Title, &w.HostLearner, &w.Scoring, &w.Seconds, &w.RaceSeconds, &w.CountAsDrill,
		&w.State, &w.Current, &created, &ended)
	w.CreatedAt, w.EndedAt = fromMS(created), fromMSOrZero(ended)
	return w, err
}

// WorkshopIDByCode returns the id of the workshop with a join code, or
// ErrNotFound.
func (db *DB) WorkshopIDByCode(ctx context.Context, code string) (int64, error) {
	var id int64
	err := db.r.QueryRowContext(ctx, `SELECT id FROM workshops WHERE code = ?`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: workshop by code: %w", err)
	}
	return id, nil
}

// CheckHostKey reports whether key is the workshop's host key. It returns
// ErrNotFound for no such workshop.
func (db *DB) CheckHostKey(ctx context.Context, workshopID int64, key string) (bool, error) {
	var h string
	err := db.r.QueryRowContext(ctx, `SELECT host_key_hash FROM workshops WHERE id = ?`, workshopID).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, fmt.Errorf("store: check host key: %w", err)
	}
	return h == hashToken(key), nil
}

// ReplaceHostKey makes key the workshop's host key (stored hashed): the old
// host link stops working. It returns ErrNotFound for no such workshop.
func (db *DB) ReplaceHostKey(ctx context.Context, workshopID int64, key string) error {
	res, err := db.w.ExecContext(ctx, `UPDATE workshops SET host_key_hash = ? WHERE id = ?`, hashToken(key), workshopID)
	if err != nil {
		return fmt.Errorf("store: replace host key: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: replace host key: %w", err)
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// HostedWorkshops lists the workshops a learner hosts, newest first (at
// most 50). It returns the database error.
func (db *DB) HostedWorkshops(ctx context.Context, learnerID int64) ([]Workshop, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+workshopCols+` FROM workshops WHERE host_learner_id = ? ORDER BY id DESC LIMIT 50`, learnerID)
	if err != nil {
		return nil, fmt.Errorf("store: hosted workshops: %w", err)
	}
	defer rows.Close()
	var out []Workshop
	for rows.Next() {
		w, err := scanWorkshop(rows)
		if err != nil {
			return nil, fmt.Errorf("store: hosted workshops: %w", err)
		}
		out = append(out, w)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: hosted workshops: %w", err)
	}
	return out, nil
}

// LoadWorkshop reads everything about a workshop: the row, its rounds,
// seats, responses and race baselines. It returns ErrNotFound for no such
// workshop, or the database error.
func (db *DB) LoadWorkshop(ctx context.Context, id int64) (WorkshopState, error) {
	var st WorkshopState
	w, err := scanWorkshop(db.r.QueryRowContext(ctx, `SELECT `+workshopCols+` FROM workshops WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return st, ErrNotFound
	}
	if err != nil {
		return st, fmt.Errorf("store: load workshop: %w", err)
	}
	st.Workshop = w
	st.Baselines = map[int]map[int64]string{}
	err = db.each(ctx, `SELECT n, kind, item_id, challenge_id, state, opened_at, closes_at, closed_at
		FROM workshop_rounds WHERE workshop_id = ? ORDER BY n`, []any{id}, func(rows *sql.Rows) error {
		var r WorkshopRound
		var o, c, cl int64
		if err := rows.Scan(&r.N, &r.Kind, &r.ItemID, &r.ChallengeID, &r.State, &o, &c, &cl); err != nil {
			return err
		}
		r.OpenedAt, r.ClosesAt, r.ClosedAt = fromMSOrZero(o), fromMSOrZero(c), fromMSOrZero(cl)
		st.Rounds = append(st.Rounds, r)
		return nil
	})
	if err == nil {
		err = db.each(ctx, `SELECT id, workshop_id, learner_id, name, name_key, kicked, joined_at
			FROM workshop_seats WHERE workshop_id = ? ORDER BY id`, []any{id}, func(rows *sql.Rows) error {
			var s Seat
			var j int64
			if err := rows.Scan(&s.ID, &s.WorkshopID, &s.LearnerID, &s.Name, &s.NameKey, &s.Kicked, &j); err != nil {
				return err
			}
			s.JoinedAt = fromMS(j)
			st.Seats = append(st.Seats, s)
			return nil
		})
	}
	if err == nil {
		err = db.each(ctx, `SELECT n, seat_id, choice, correct, received_at, elapsed_ms, points
			FROM workshop_responses WHERE workshop_id = ? ORDER BY n, received_at, seat_id`, []any{id}, func(rows *sql.Rows) error {
			var r WorkshopResponse
			var at int64
			if err := rows.Scan(&r.N, &r.SeatID, &r.Choice, &r.Correct, &at, &r.ElapsedMS, &r.Points); err != nil {
				return err
			}
			r.ReceivedAt = fromMS(at)
			st.Responses = append(st.Responses, r)
			return nil
		})
	}
	if err == nil {
		err = db.each(ctx, `SELECT n, seat_id, baseline FROM workshop_baselines WHERE workshop_id = ?`, []any{id}, func(rows *sql.Rows) error {
			var n int
			var seat int64
			var b string
			if err := rows.Scan(&n, &seat, &b); err != nil {
				return err
			}
			if st.Baselines[n] == nil {
				st.Baselines[n] = map[int64]string{}
			}
			st.Baselines[n][seat] = b
			return nil
		})
	}
	if err != nil {
		return WorkshopState{}, fmt.Errorf("store: load workshop: %w", err)
	}
	return st, nil
}

// each runs query on the read pool and calls fn for every row.
func (db *DB) each(ctx context.Context, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// SaveWorkshopStep writes a workshop's state and current round and, in
// the same transaction, the given rounds' states and times and the race
// baselines of the current round (w.Current; nil: none). It returns ErrNotFound for no such
// workshop, or the database error.
func (db *DB) SaveWorkshopStep(ctx context.Context, w Workshop, rounds []WorkshopRound, baselines map[int64]string) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE workshops SET state = ?, current = ?, ended_at = ? WHERE id = ?`,
			w.State, w.Current, msOrZero(w.EndedAt), w.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		for _, r := range rounds {
			if _, err := tx.ExecContext(ctx, `UPDATE workshop_rounds SET state = ?, opened_at = ?, closes_at = ?, closed_at = ?
				WHERE workshop_id = ? AND n = ?`, r.State, msOrZero(r.OpenedAt), msOrZero(r.ClosesAt), msOrZero(r.ClosedAt), w.ID, r.N); err != nil {
				return err
			}
		}
		for seat, b := range baselines {
			if _, err := tx.ExecContext(ctx, `INSERT INTO workshop_baselines (workshop_id, n, seat_id, baseline) VALUES (?, ?, ?, ?)
				ON CONFLICT DO UPDATE SET baseline = excluded.baseline`, w.ID, w.Current, seat, b); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, ErrNotFound) {
		return ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("store: save workshop step: %w", err)
	}
	return nil
}

// AddSeat gives a learner a seat in a workshop under a name, with the
// sandbox token its race workspace answers to (only its hash is stored),
// and returns it. It returns ErrNameTaken when the name's key is taken,
// or the database error (a learner who already has a seat is a UNIQUE
// violation: look the seat up first).
func (db *DB) AddSeat(ctx context.Context, s Seat, token string) (Seat, error) {
	res, err := db.w.ExecContext(ctx, `INSERT INTO workshop_seats (workshop_id, learner_id, name, name_key, token_hash, joined_at)
		VALUES (?, ?, ?, ?, ?, ?)`, s.WorkshopID, s.LearnerID, s.Name, s.NameKey, hashToken(token), ms(s.JoinedAt))
	if isUnique(err, "name_key") {
		return Seat{}, ErrNameTaken
	}
	if err != nil {
		return Seat{}, fmt.Errorf("store: add seat: %w", err)
	}
	s.ID, err = res.LastInsertId()
	if err != nil {
		return Seat{}, fmt.Errorf("store: add seat: %w", err)
	}
	return s, nil
}

// SetSeatKicked removes a seat from its workshop (kicked) or lets it back.
// A kicked seat's sandbox token stops working. It returns ErrNotFound for
// no such seat in the workshop, or the database error.
func (db *DB) SetSeatKicked(ctx context.Context, workshopID, seatID int64, kicked bool) error {
	res, err := db.w.ExecContext(ctx, `UPDATE workshop_seats SET kicked = ? WHERE workshop_id = ? AND id = ?`, b2i(kicked), workshopID, seatID)
	if err != nil {
		return fmt.Errorf("store: kick seat: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ResolveSeatToken returns the workshop and seat a race sandbox token
// belongs to; ErrNotFound for an unknown token or a kicked seat.
func (db *DB) ResolveSeatToken(ctx context.Context, token string) (workshopID, seatID int64, err error) {
	err = db.r.QueryRowContext(ctx, `SELECT workshop_id, id FROM workshop_seats WHERE token_hash = ? AND kicked = 0`,
		hashToken(token)).Scan(&workshopID, &seatID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, ErrNotFound
	}
	if err != nil {
		return 0, 0, fmt.Errorf("store: resolve seat token: %w", err)
	}
	return workshopID, seatID, nil
}

// AddResponse records a seat's answer to a round unless it has one
// already, and reports whether it was recorded (false: the first answer
// stands). It returns the database error.
func (db *DB) AddResponse(ctx context.Context, workshopID int64, r WorkshopResponse) (bool, error) {
	res, err := db.w.ExecContext(ctx, `INSERT INTO workshop_responses
		(workshop_id, n, seat_id, choice, correct, received_at, elapsed_ms, points) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, workshopID, r.N, r.SeatID, r.Choice, b2i(r.Correct), ms(r.ReceivedAt), r.ElapsedMS, r.Points)
	if err != nil {
		return false, fmt.Errorf("store: add response: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
