package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

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

// msPerDay is one UTC day in Unix milliseconds: answer_days numbers days
// answered_at / msPerDay.
const msPerDay = 24 * 60 * 60 * 1000

// dayNumber is the answer_days day of a time in Unix milliseconds. Go and
// SQLite both truncate integer division, so it matches the migration's
// backfill.
func dayNumber(at int64) int64 { return at / msPerDay }

// isUTC reports whether loc's calendar days are answer_days' UTC days.
func isUTC(loc *time.Location) bool { return loc == time.UTC || loc.String() == "UTC" }

// DailyAccuracy returns learnerID's answers per calendar day in loc (UTC
// when nil) from since on, oldest first, including only days with answers.
// For UTC it reads the daily totals kept with each answer (answer_days),
// so its cost does not grow with the learner's history; another location
// reads the attempts. No answers is an empty result, not ErrNotFound; it
// returns an error only when the query fails.
func (db *DB) DailyAccuracy(ctx context.Context, learnerID int64, since time.Time, loc *time.Location) ([]DayStats, error) {
	if loc == nil {
		loc = time.UTC
	}
	if !isUTC(loc) {
		return db.dailyAccuracyFromAttempts(ctx, learnerID, since, math.MaxInt64, loc)
	}
	// A day that starts before since counts only from since on.
	first := dayNumber(ms(since))
	if ms(since)%msPerDay != 0 {
		first++
	}
	var out []DayStats
	if ms(since)%msPerDay != 0 {
		// The rest of since's own day, from the attempts.
		partial, err := db.dailyAccuracyFromAttempts(ctx, learnerID, since, first*msPerDay, loc)
		if err != nil {
			return nil, err
		}
		out = partial
	}
	days, err := db.answerDays(ctx, learnerID)
	if err != nil {
		return nil, fmt.Errorf("store: daily accuracy: %w", err)
	}
	i, _ := slices.BinarySearchFunc(days, first, func(d answerDay, day int64) int { return cmp.Compare(d.day, day) })
	for _, d := range days[i:] {
		out = append(out, DayStats{Day: fromMS(d.day * msPerDay), Answered: d.answered, Correct: d.correct})
	}
	return out, nil
}

// answerDays returns the learner's answer_days rows, oldest first, from
// the cache (learner_cache.go) or the table. The slice is shared and must
// not be modified.
func (db *DB) answerDays(ctx context.Context, learnerID int64) ([]answerDay, error) {
	st, gen := db.cache.snapshot(learnerID)
	if st != nil && st.days != nil {
		return st.days, nil
	}
	rows, err := db.pages.answerDays.QueryContext(ctx, learnerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	days := []answerDay{}
	for rows.Next() {
		var d answerDay
		if err := rows.Scan(&d.day, &d.answered, &d.correct); err != nil {
			return nil, err
		}
		days = append(days, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	db.cache.fill(learnerID, gen, func(st *learnerState) { st.days = days })
	return days, nil
}

// dailyAccuracyFromAttempts is DailyAccuracy computed from the attempts
// answered from since until (Unix ms, excluded), for days that are not
// whole UTC days.
func (db *DB) dailyAccuracyFromAttempts(ctx context.Context, learnerID int64, since time.Time, until int64, loc *time.Location) ([]DayStats, error) {
	rows, err := db.r.QueryContext(ctx,
		`SELECT answered_at, correct FROM attempts WHERE learner_id = ? AND answered_at >= ? AND answered_at < ? ORDER BY answered_at`,
		learnerID, ms(since), until)
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
// is no answer yet today, yesterday. For UTC it reads the daily totals
// (answer_days), one row per day of the streak. No streak is 0, not
// ErrNotFound; it returns an error only when the query fails.
func (db *DB) Streak(ctx context.Context, learnerID int64, now time.Time, loc *time.Location) (int, error) {
	if loc == nil {
		loc = time.UTC
	}
	today := midnight(now, loc)
	if isUTC(loc) {
		days, err := db.answerDays(ctx, learnerID)
		if err != nil {
			return 0, fmt.Errorf("store: streak: %w", err)
		}
		// Newest day first, up to today.
		last := dayNumber(ms(today))
		i, found := slices.BinarySearchFunc(days, last, func(d answerDay, day int64) int { return cmp.Compare(d.day, day) })
		if found {
			i++
		}
		// streakCounter's rules on day numbers: no time arithmetic per day.
		want, streak := last, 0
		for j := i - 1; j >= 0; j-- {
			d := days[j].day
			switch {
			case d == want:
				streak++
				want--
			case streak == 0 && want == last && d == last-1:
				streak, want = 1, d-1 // nothing today yet: the streak may end yesterday
			default:
				return streak, nil
			}
		}
		return streak, nil
	}
	rows, err := db.r.QueryContext(ctx,
		`SELECT answered_at FROM attempts WHERE learner_id = ? AND answered_at < ? ORDER BY answered_at DESC`,
		learnerID, ms(today.AddDate(0, 0, 1)))
	if err != nil {
		return 0, fmt.Errorf("store: streak: %w", err)
	}
	defer rows.Close()
	s := streakCounter{today: today, want: today}
	for rows.Next() {
		var at int64
		if err := rows.Scan(&at); err != nil {
			return 0, fmt.Errorf("store: streak: %w", err)
		}
		if !s.add(midnight(fromMS(at), loc)) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("store: streak: %w", err)
	}
	return s.streak, nil
}

// streakCounter counts a streak from answer days given newest first.
type streakCounter struct {
	today, want time.Time // want: the next day the streak needs
	streak      int
}

// add takes the next (older or same) day with an answer and reports
// whether the streak may go on.
func (s *streakCounter) add(day time.Time) bool {
	switch {
	case day.Equal(s.want):
		s.streak++
		s.want = s.want.AddDate(0, 0, -1)
	case day.After(s.want):
		// another answer on a day already counted
	case s.streak == 0 && s.want.Equal(s.today) && day.Equal(s.today.AddDate(0, 0, -1)):
		// nothing today yet: the streak may end yesterday
		s.streak++
		s.want = day.AddDate(0, 0, -1)
	default:
		return false
	}
	return true
}

// RecentSessions returns learnerID's latest limit sessions, newest first,
// with their answer totals. No sessions is an empty result, not
// ErrNotFound; it returns an error only when the query fails.
func (db *DB) RecentSessions(ctx context.Context, learnerID int64, limit int) ([]SessionStats, error) {
	st, gen := db.cache.snapshot(learnerID)
	if st != nil && st.recent != nil && st.recentLimit >= limit {
		if n := min(limit, len(st.recent)); n > 0 {
			return slices.Clone(st.recent[:n]), nil
		}
		return nil, nil
	}
	out, err := db.recentSessionsFromDB(ctx, learnerID, limit)
	if err != nil {
		return nil, err
	}
	db.cache.fill(learnerID, gen, func(st *learnerState) {
		if st.recent != nil && st.recentLimit > limit {
			return // keep the longer list
		}
		st.recent, st.recentLimit = slices.Clip(slices.Clone(out)), limit
		if st.recent == nil {
			st.recent = []SessionStats{}
		}
	})
	return out, nil
}

func (db *DB) recentSessionsFromDB(ctx context.Context, learnerID int64, limit int) ([]SessionStats, error) {
	rows, err := db.pages.recentSessions.QueryContext(ctx, learnerID, limit)
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
	db.cache.forget(learnerID)
	if err != nil {
		return fmt.Errorf("store: set exam date: %w", err)
	}
	return nil
}

// ExamDate returns learnerID's exam date, or the zero time when none is
// set (also for an unknown learner), never ErrNotFound. It returns an error
// only when the query fails.
func (db *DB) ExamDate(ctx context.Context, learnerID int64) (time.Time, error) {
	st, gen := db.cache.snapshot(learnerID)
	if st != nil && st.examDate != nil {
		return *st.examDate, nil
	}
	date, err := db.examDateFromDB(ctx, learnerID)
	if err != nil {
		return time.Time{}, err
	}
	db.cache.fill(learnerID, gen, func(st *learnerState) { st.examDate = &date })
	return date, nil
}

func (db *DB) examDateFromDB(ctx context.Context, learnerID int64) (time.Time, error) {
	var v sql.NullInt64
	err := db.pages.examDate.QueryRowContext(ctx, learnerID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !v.Valid) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: exam date: %w", err)
	}
	return fromMS(v.Int64), nil
}
