package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
)

func TestWorkshopRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.New(t)
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	host, err := db.CreateLearner(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	w, err := db.CreateWorkshop(ctx, store.Workshop{Code: "ACEFHJ", Title: "Team", HostLearner: host.ID, Scoring: "speed", Seconds: 20, RaceSeconds: 600, CreatedAt: t0},
		"hostkey", []store.WorkshopRound{{Kind: store.RoundQuestion, ItemID: "q1"}, {Kind: store.RoundRace, ChallengeID: "two-task-job"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateWorkshop(ctx, store.Workshop{Code: "ACEFHJ", Title: "Again", Scoring: "speed", CreatedAt: t0}, "k", nil); !errors.Is(err, store.ErrCodeTaken) {
		t.Fatalf("same code: %v, want ErrCodeTaken", err)
	}
	if id, err := db.WorkshopIDByCode(ctx, "ACEFHJ"); err != nil || id != w.ID {
		t.Fatalf("by code: %d, %v", id, err)
	}
	if _, err := db.WorkshopIDByCode(ctx, "XXXXXX"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown code: %v", err)
	}
	if ok, _ := db.CheckHostKey(ctx, w.ID, "hostkey"); !ok {
		t.Error("host key refused")
	}
	if ok, _ := db.CheckHostKey(ctx, w.ID, "guess"); ok {
		t.Error("wrong host key accepted")
	}
	p, _ := db.CreateLearner(ctx, t0)
	seat, err := db.AddSeat(ctx, store.Seat{WorkshopID: w.ID, LearnerID: p.ID, Name: "Ada", NameKey: "ada", JoinedAt: t0}, "dapiseat")
	if err != nil {
		t.Fatal(err)
	}
	p2, _ := db.CreateLearner(ctx, t0)
	if _, err := db.AddSeat(ctx, store.Seat{WorkshopID: w.ID, LearnerID: p2.ID, Name: "ADA", NameKey: "ada", JoinedAt: t0}, "dapi2"); !errors.Is(err, store.ErrNameTaken) {
		t.Fatalf("same name: %v, want ErrNameTaken", err)
	}
	if wid, sid, err := db.ResolveSeatToken(ctx, "dapiseat"); err != nil || wid != w.ID || sid != seat.ID {
		t.Fatalf("resolve seat token: %d %d %v", wid, sid, err)
	}
	w.State, w.Current = store.WorkshopRunning, 0
	open := store.WorkshopRound{N: 0, State: store.RoundOpen, OpenedAt: t0, ClosesAt: t0.Add(20 * time.Second)}
	if err := db.SaveWorkshopStep(ctx, w, []store.WorkshopRound{open}, map[int64]string{seat.ID: "base"}); err != nil {
		t.Fatal(err)
	}
	r := store.WorkshopResponse{N: 0, SeatID: seat.ID, Choice: "job", Correct: true, ReceivedAt: t0.Add(time.Second), ElapsedMS: 1000, Points: 975}
	if ok, err := db.AddResponse(ctx, w.ID, r); !ok || err != nil {
		t.Fatalf("first answer: %v %v", ok, err)
	}
	r.Choice = "run"
	if ok, err := db.AddResponse(ctx, w.ID, r); ok || err != nil {
		t.Fatalf("second answer recorded: %v %v", ok, err)
	}
	if err := db.SetSeatKicked(ctx, w.ID, seat.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ResolveSeatToken(ctx, "dapiseat"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("kicked seat's token: %v", err)
	}
	st, err := db.LoadWorkshop(ctx, w.ID)
	if err != nil {
		t.Fatal(err)
	}
	if st.Workshop.State != store.WorkshopRunning || st.Workshop.Current != 0 || len(st.Rounds) != 2 || st.Rounds[0].State != store.RoundOpen ||
		!st.Rounds[0].ClosesAt.Equal(t0.Add(20*time.Second)) || st.Rounds[1].ChallengeID != "two-task-job" {
		t.Errorf("loaded workshop %+v rounds %+v", st.Workshop, st.Rounds)
	}
	if len(st.Seats) != 1 || !st.Seats[0].Kicked || len(st.Responses) != 1 || st.Responses[0].Choice != "job" || st.Baselines[0][seat.ID] != "base" {
		t.Errorf("loaded seats %+v responses %+v baselines %v", st.Seats, st.Responses, st.Baselines)
	}
	if ids, err := db.PruneIdleLearners(ctx, t0.Add(48*time.Hour)); err != nil || len(ids) != 1 || ids[0] != p2.ID {
		t.Errorf("pruned %v, %v; want only the learner without a seat (%d)", ids, err, p2.ID)
	}
}
