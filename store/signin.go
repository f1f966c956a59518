package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SigninAlphabet is what sign-in codes are made of: capital letters and
// digits without the ones easily mistaken for each other (0/O, 1/I/L).
const SigninAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// SigninCodeLen is the number of characters in a sign-in code.
const SigninCodeLen = 12

// NormalizeSigninCode is the code as stored (hashed): typed in any case,
// with spaces and dashes anywhere. It does not check the code's shape: a
// malformed code simply matches nothing.
func NormalizeSigninCode(typed string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(typed) {
		if r == ' ' || r == '-' || r == '\t' {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// newSigninCode returns SigninCodeLen characters drawn uniformly from
// SigninAlphabet with crypto/rand.
func newSigninCode() (string, error) {
	n := len(SigninAlphabet)
	limit := 256 - 256%n // bytes at or past it would bias the draw
	out := make([]byte, 0, SigninCodeLen)
	var buf [32]byte
	for len(out) < SigninCodeLen {
		if _, err := rand.Read(buf[:]); err != nil {
			return "", err
		}
		for _, c := range buf {
			if int(c) < limit && len(out) < SigninCodeLen {
				out = append(out, SigninAlphabet[int(c)%n])
			}
		}
	}
	return string(out), nil
}

// IssueSigninCode makes a new sign-in code for the learner, valid until
// now+ttl, replacing any code the learner had (so the old one stops
// working), and returns it; only its SHA-256 hash is stored. Expired codes
// of every learner are deleted on the way. It returns ErrNotFound if the
// learner does not exist.
func (db *DB) IssueSigninCode(ctx context.Context, learnerID int64, now time.Time, ttl time.Duration) (string, error) {
	code, err := newSigninCode()
	if err != nil {
		return "", fmt.Errorf("store: issue sign-in code: %w", err)
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		var one int
		if err := tx.QueryRowContext(ctx, `SELECT 1 FROM learners WHERE id = ?`, learnerID).Scan(&one); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM signin_codes WHERE learner_id = ? OR expires_at <= ?`, learnerID, ms(now)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO signin_codes (code_hash, learner_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			hashToken(code), learnerID, ms(now), ms(now.Add(ttl)))
		return err
	})
	if errors.Is(err, ErrNotFound) {
		return "", ErrNotFound
	}
	if err != nil {
		return "", fmt.Errorf("store: issue sign-in code: %w", err)
	}
	return code, nil
}

// SigninCodeExpiry returns when the learner's current sign-in code
// expires, or ErrNotFound when the learner has no code that is still
// valid at now.
func (db *DB) SigninCodeExpiry(ctx context.Context, learnerID int64, now time.Time) (time.Time, error) {
	var exp int64
	err := db.r.QueryRowContext(ctx, `SELECT expires_at FROM signin_codes WHERE learner_id = ? AND expires_at > ?`, learnerID, ms(now)).Scan(&exp)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, ErrNotFound
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: sign-in code expiry: %w", err)
	}
	return fromMS(exp), nil
}

// UseSigninCode spends a typed sign-in code (see NormalizeSigninCode) and
// returns the learner it belongs to. The code is deleted whether or not it
// has expired, so it never works twice. It returns ErrNotFound for an
// unknown, already used, replaced or expired code.
func (db *DB) UseSigninCode(ctx context.Context, typed string, now time.Time) (int64, error) {
	var id, exp int64
	err := db.w.QueryRowContext(ctx, `DELETE FROM signin_codes WHERE code_hash = ? RETURNING learner_id, expires_at`,
		hashToken(NormalizeSigninCode(typed))).Scan(&id, &exp)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("store: use sign-in code: %w", err)
	}
	if exp <= ms(now) {
		return 0, ErrNotFound
	}
	return id, nil
}
