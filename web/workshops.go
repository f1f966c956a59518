package web

import (
	"crypto/hmac"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
	"github.com/jobs-api-trainer/trainer/workspace/challenge"
)

// Workshop defaults and bounds of the create form.
const (
	defaultWorkshopCount   = 10
	maxWorkshopCount       = 50
	defaultWorkshopSeconds = 20
	maxWorkshopSeconds     = 600
	raceSeconds            = 600 // a sandbox race lasts ten minutes unless ended early
	maxTitleLen            = 80
)

func (s *server) handleWorkshops(w http.ResponseWriter, r *http.Request) {
	v := templates.WorkshopsView{Meta: s.meta(r, "Workshops", "workshops")}
	if l, ok := learnerFrom(r.Context()); ok {
		hosted, err := s.db.HostedWorkshops(r.Context(), l.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, h := range hosted {
			v.Hosted = append(v.Hosted, templates.WorkshopLink{Title: h.Title, Code: h.Code, State: h.State,
				Href: fmt.Sprintf("/workshops/%d/host", h.ID)})
		}
	}
	s.render(w, r, http.StatusOK, templates.Workshops(v))
}

// workshopForm is the create form's input.
type workshopForm struct {
	createID string // the form's id (formLedger)
	title    string
	topics   []string
	items    string
	count    int
	seconds  int
	scoring  quiz.Scoring
	races    []string
	drill    bool // count answers as drill attempts
}

func (s *server) newWorkshopView(r *http.Request, f workshopForm, errs map[string]string) templates.WorkshopNewView {
	if !validFormID(f.createID) {
		f.createID = newFormID()
	}
	v := templates.WorkshopNewView{Meta: s.meta(r, "Host a workshop", "workshops"), CreateID: f.createID, Title: f.title, Items: f.items,
		Count: f.count, Seconds: f.seconds, Scoring: string(f.scoring), CountAsDrill: f.drill, Errors: errs}
	for _, t := range quiz.Topics {
		v.Topics = append(v.Topics, templates.Choice{Value: t.ID, Label: t.Title, Checked: slices.Contains(f.topics, t.ID)})
	}
	for _, c := range challenge.All() {
		v.Challenges = append(v.Challenges, templates.Choice{Value: c.ID, Label: c.Title, Checked: slices.Contains(f.races, c.ID)})
	}
	return v
}

func (s *server) handleWorkshopNew(w http.ResponseWriter, r *http.Request) {
	f := workshopForm{count: defaultWorkshopCount, seconds: defaultWorkshopSeconds, scoring: quiz.ScoreSpeed}
	s.render(w, r, http.StatusOK, templates.WorkshopNew(s.newWorkshopView(r, f, nil)))
}

// parseWorkshopForm reads the create form; problems are per field.
func parseWorkshopForm(r *http.Request) (workshopForm, map[string]string) {
	errs := map[string]string{}
	f := workshopForm{
		createID: r.PostFormValue("create_id"),
		title:    r.PostFormValue("title"),
		topics:   r.PostForm["topic"],
		items:    strings.TrimSpace(r.PostFormValue("items")),
		scoring:  quiz.Scoring(r.PostFormValue("scoring")),
		races:    r.PostForm["race"],
		drill:    r.PostFormValue("count_as_drill") == "on",
	}
	title, err := quiz.CleanText(f.title, maxTitleLen)
	if msg := textProblem(err, "Give the workshop a title."); msg != "" {
		errs["title"], f.title = msg, cutRunes(f.title, maxEcho) // shown back for editing
	} else {
		f.title = title
	}
	if f.count, err = strconv.Atoi(r.PostFormValue("count")); err != nil || f.count < 1 || f.count > maxWorkshopCount {
		errs["count"] = fmt.Sprintf("Between 1 and %d questions.", maxWorkshopCount)
	}
	if f.seconds, err = strconv.Atoi(r.PostFormValue("seconds")); err != nil || f.seconds < 0 || f.seconds > maxWorkshopSeconds {
		errs["seconds"] = fmt.Sprintf("Between 0 (untimed) and %d seconds.", maxWorkshopSeconds)
	}
	if f.scoring != quiz.ScoreCorrect {
		f.scoring = quiz.ScoreSpeed
	}
	return f, errs
}

// drawWorkshop picks the rounds: the hand-picked items first, then random
// single-answer items of the chosen topics (all when none), up to count
// questions, then one race per chosen challenge.
func (s *server) drawWorkshop(f workshopForm, errs map[string]string) []store.WorkshopRound {
	var rounds []store.WorkshopRound
	seen := map[string]bool{}
	for _, id := range strings.FieldsFunc(f.items, func(r rune) bool { return r == ',' || r == '\n' || r == ' ' || r == '\r' }) {
		it, ok := s.bank.Item(id)
		if !ok || it.Kind == quiz.Multi {
			errs["items"] = "No single-answer question has the id " + id + "."
			continue
		}
		if !seen[id] && len(rounds) < f.count {
			seen[id] = true
			rounds = append(rounds, store.WorkshopRound{Kind: store.RoundQuestion, ItemID: id})
		}
	}
	var pool []string
	for _, it := range s.bank.Items() {
		if it.Kind != quiz.Multi && !seen[it.ID] && (len(f.topics) == 0 || slices.Contains(f.topics, it.Topic)) {
			pool = append(pool, it.ID)
		}
	}
	rand.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	for _, id := range pool {
		if len(rounds) >= f.count {
			break
		}
		rounds = append(rounds, store.WorkshopRound{Kind: store.RoundQuestion, ItemID: id})
	}
	for _, id := range f.races {
		if _, ok := challenge.ByID(id); ok {
			rounds = append(rounds, store.WorkshopRound{Kind: store.RoundRace, ChallengeID: id})
		}
	}
	return rounds
}

func (s *server) handleWorkshopCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f, errs := parseWorkshopForm(r)
	var rounds []store.WorkshopRound
	if len(errs) == 0 {
		rounds = s.drawWorkshop(f, errs)
	}
	if len(errs) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, templates.WorkshopNew(s.newWorkshopView(r, f, errs)))
		return
	}
	l, _ := learnerFrom(r.Context())
	create := func() (string, error) { return s.createWorkshop(r, l.ID, f, rounds) }
	var hostURL string
	var err error
	if validFormID(f.createID) {
		hostURL, err = s.creates.once(l.ID, f.createID, create)
	} else {
		hostURL, err = create()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, hostURL, http.StatusSeeOther)
}

// createWorkshop stores the workshop of form f for the host learner and
// returns its host link (with the secret key). It returns the store's
// error.
func (s *server) createWorkshop(r *http.Request, host int64, f workshopForm, rounds []store.WorkshopRound) (string, error) {
	key := crand.Text()
	ws := store.Workshop{Title: f.title, HostLearner: host, Scoring: string(f.scoring), Seconds: f.seconds,
		RaceSeconds: raceSeconds, CountAsDrill: f.drill, CreatedAt: s.now()}
	var err error
	for range 5 { // a code clash is rare: draw again
		var b [quiz.JoinCodeLen]byte
		_, _ = crand.Read(b[:])
		ws.Code, _ = quiz.JoinCode(b[:])
		var created store.Workshop
		if created, err = s.db.CreateWorkshop(r.Context(), ws, key, rounds); err == nil {
			return fmt.Sprintf("/workshops/%d/host?key=%s", created.ID, key), nil
		}
		if !errors.Is(err, store.ErrCodeTaken) {
			break
		}
	}
	return "", err
}

// workshopRoom resolves {id} to its room, answering 404 when there is none.
func (s *server) workshopRoom(w http.ResponseWriter, r *http.Request) (*room, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.fail(w, r, store.ErrNotFound)
		return nil, false
	}
	rm, err := s.rooms.get(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return rm, true
}

// isHost reports whether r comes from the workshop's host: the learner who
// created it, or a browser that opened the secret host link.
func (s *server) isHost(r *http.Request, ws store.Workshop) bool {
	if l, ok := learnerFrom(r.Context()); ok && ws.HostLearner != 0 && l.ID == ws.HostLearner {
		return true
	}
	return slices.Contains(sessionHosts(r), ws.ID)
}

// hostRoom is workshopRoom for host-only routes: another browser gets 403.
func (s *server) hostRoom(w http.ResponseWriter, r *http.Request) (*room, bool) {
	rm, ok := s.workshopRoom(w, r)
	if !ok {
		return nil, false
	}
	if !s.isHost(r, rm.workshop()) {
		s.forbidden(w, r)
		return nil, false
	}
	return rm, true
}

// forbidden answers 403: only the host controls a workshop.
func (s *server) forbidden(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusForbidden, "Only the host can do that",
		"This browser is not the workshop's host. The host can open the secret host link here.", "")
}

// seatToken is the sandbox token of a learner's seat in a workshop: derived
// from the session secret, so it can be shown again on every visit and only
// its hash is stored.
func (s *server) seatToken(workshopID, learnerID int64) string {
	m := hmac.New(sha256.New, s.showingKey)
	fmt.Fprintf(m, "workshop-seat/%d/%d", workshopID, learnerID)
	return "dapi" + hex.EncodeToString(m.Sum(nil)[:16])
}
