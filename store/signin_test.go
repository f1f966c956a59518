package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

// TestSigninCodes: a code is made of the unambiguous alphabet, works once,
// in any case and with dashes, not after it expires, and not after the
// learner made a newer one; an unknown learner gets ErrNotFound.
func TestSigninCodes(t *testing.T) {
	t.Parallel()
	db := storetest.New(t)
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l, err := db.CreateLearner(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	code, err := db.IssueSigninCode(ctx, l.ID, t0, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(code) != store.SigninCodeLen || strings.Trim(code, store.SigninAlphabet) != "" {
		t.Fatalf("code %q: want %d characters of %s", code, store.SigninCodeLen, store.SigninAlphabet)
	}
	if exp, err := db.SigninCodeExpiry(ctx, l.ID, t0); err != nil || !exp.Equal(t0.Add(24*time.Hour)) {
		t.Fatalf("expiry %v, %v", exp, err)
	}
	typed := strings.ToLower(code[:4] + "-" + code[4:8] + " " + code[8:])
	if id, err := db.UseSigninCode(ctx, typed, t0.Add(time.Hour)); err != nil || id != l.ID {
		t.Fatalf("use: %d, %v; want %d", id, err, l.ID)
	}
	if _, err := db.UseSigninCode(ctx, code, t0.Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("second use: %v, want ErrNotFound", err)
	}
	if _, err := db.SigninCodeExpiry(ctx, l.ID, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expiry after use: %v, want ErrNotFound", err)
	}

	old, _ := db.IssueSigninCode(ctx, l.ID, t0, 24*time.Hour)
	newer, _ := db.IssueSigninCode(ctx, l.ID, t0, 24*time.Hour)
	if _, err := db.UseSigninCode(ctx, old, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("replaced code: %v, want ErrNotFound", err)
	}
	if _, err := db.UseSigninCode(ctx, newer, t0.Add(24*time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("expired code: %v, want ErrNotFound", err)
	}
	if _, err := db.IssueSigninCode(ctx, l.ID+100, t0, time.Hour); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown learner: %v, want ErrNotFound", err)
	}
}
