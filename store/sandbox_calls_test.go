package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/quiz"
)

func TestSandboxCallsHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTest(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a, _ := db.CreateLearner(ctx, now)
	b, _ := db.CreateLearner(ctx, now)

	var last int64
	for i := 0; i < SandboxHistoryLimit+5; i++ {
		id, err := db.AddSandboxCall(ctx, SandboxCall{LearnerID: a.ID, At: now.Add(time.Duration(i) * time.Second),
			Target: "sandbox", Method: "GET", Path: "/api/2.2/jobs/list", Query: "limit=" + string(rune('a'+i%26)), Status: 200, Response: `{"jobs":[]}`})
		if err != nil {
			t.Fatal(err)
		}
		last = id
	}
	if _, err := db.AddSandboxCall(ctx, SandboxCall{LearnerID: b.ID, At: now, Target: "live", Host: "x.cloud.databricks.com", Method: "GET", Path: "/api/2.2/jobs/list", Status: 0}); err != nil {
		t.Fatal(err)
	}
	got, err := db.SandboxCalls(ctx, a.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != SandboxHistoryLimit {
		t.Fatalf("kept %d calls, want %d", len(got), SandboxHistoryLimit)
	}
	if got[0].ID != last || got[0].Response != "" || !got[0].At.Equal(now.Add(time.Duration(SandboxHistoryLimit+4)*time.Second)) {
		t.Fatalf("newest = %+v", got[0])
	}
	c, err := db.SandboxCall(ctx, a.ID, last)
	if err != nil || c.Response != `{"jobs":[]}` || c.Target != "sandbox" || c.Source != "form" {
		t.Fatalf("call = %+v, %v", c, err)
	}
	if _, err := db.SandboxCall(ctx, b.ID, last); !errors.Is(err, ErrNotFound) {
		t.Fatalf("other learner's call: %v, want ErrNotFound", err)
	}
	if _, err := db.AddSandboxCall(ctx, SandboxCall{LearnerID: a.ID, At: now, Target: "elsewhere", Method: "GET", Path: "/"}); err == nil {
		t.Fatal("a bad target was stored")
	}

	big := strings.Repeat("x", MaxSandboxResponse+10)
	id, err := db.AddSandboxCall(ctx, SandboxCall{LearnerID: b.ID, At: now, Target: "sandbox", Method: "GET", Path: "/p", Response: big})
	if err != nil {
		t.Fatal(err)
	}
	c, _ = db.SandboxCall(ctx, b.ID, id)
	if len(c.Response) != MaxSandboxResponse || !c.Truncated {
		t.Fatalf("big response: %d bytes, truncated %v", len(c.Response), c.Truncated)
	}
}

func TestMoveCardsDue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openTest(t)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	l, _ := db.CreateLearner(ctx, now)

	// A card due in ten days, and one already overdue.
	later := quiz.Review(quiz.Card{}, quiz.Easy, now.Add(-time.Hour), time.Time{})
	later.Due = now.Add(240 * time.Hour)
	overdue := later
	overdue.Due = now.Add(-48 * time.Hour)
	for id, c := range map[string]quiz.Card{"later": later, "overdue": overdue} {
		a := quiz.Attempt{LearnerID: l.ID, ShowingID: "s-" + id, ItemID: id, Kind: quiz.Concept, Topic: "repair", Chosen: []string{"x"}, Correct: true, AnsweredAt: now}
		if _, err := db.RecordAnswer(ctx, a, c); err != nil {
			t.Fatal(err)
		}
	}
	fresh := quiz.Review(quiz.Card{}, quiz.Again, now, time.Time{})
	fresh.Misses = 0
	n, err := db.MoveCardsDue(ctx, l.ID, []string{"later", "overdue", "new-one"}, now, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("changed %d cards, want 2 (later moved, new-one created)", n)
	}
	cards, _ := db.Cards(ctx, l.ID)
	if !cards["later"].Due.Equal(now) || cards["later"].Stability != later.Stability {
		t.Errorf("later: due %v stability %v", cards["later"].Due, cards["later"].Stability)
	}
	if !cards["overdue"].Due.Equal(overdue.Due) {
		t.Errorf("overdue card moved: %v", cards["overdue"].Due)
	}
	nc, ok := cards["new-one"]
	if !ok || !nc.Due.Equal(now) || !nc.Seen() || nc.Misses != 0 {
		t.Errorf("new card: %+v (ok %v)", nc, ok)
	}
}
