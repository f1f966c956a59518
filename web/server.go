// Package web is the trainer's HTTP layer: routes, handlers, sessions,
// middleware and error pages. Handlers parse input, call the lower packages
// and render templ components; they hold no SQL and no business rules.
package web

import (
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/jobs-api-trainer/trainer/lessons"
	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/workspace"
)

// Options configures a server beyond its dependencies.
type Options struct {
	// SessionKeys are the cookie store's authentication and encryption keys
	// (32 bytes each).
	SessionAuthKey, SessionEncKey []byte
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// LiveAllowHosts are extra hosts ("host" or "host:port") the sandbox's
	// live mode may call besides Databricks' workspace domains
	// (-live-allow-host; tests and private deployments).
	LiveAllowHosts []string
	// Exam is the mock exam's blueprint (quiz.LoadBlueprint of
	// data/exam/blueprint.yaml); NewServer fails without one.
	Exam quiz.Blueprint
	// TrustProxy believes X-Forwarded-Proto, X-Forwarded-Host and the last
	// X-Forwarded-For entry from a reverse proxy in front of the server
	// (-trust-proxy) when deciding whether the client uses https (Secure
	// cookies), which host it called (the host shown for the CLI, links)
	// and its address (limits on wrong codes). Off, the headers are
	// ignored: any client can send them (workspace/proxy.go).
	TrustProxy bool
	// Metrics serves Prometheus metrics on GET /metrics and counts
	// requests, emulator calls and database writes for them (-metrics).
	Metrics bool
}

type server struct {
	log        *slog.Logger
	db         *store.DB
	lessons    *lessons.Set
	bank       *quiz.Bank
	workspaces *workspace.Manager
	opts       Options
	now        func() time.Time
	static     *staticFiles
	sess       *sessionStore
	learners   *learnerCache
	live       *liveTargets       // live mode's host and PAT per session, memory only
	pruneMu    sync.Mutex         // guards nextPrune
	nextPrune  time.Time          // when creating a learner next prunes idle ones (learners.go)
	pages      *http.ServeMux     // the page routes, asked which methods a path allows
	root       *http.ServeMux     // every route; asked for the route label of a request
	metrics    *metrics           // nil when Options.Metrics is off
	sendLimit  *clientLimiter     // the sandbox console's send action, per learner (by id)
	showingKey []byte             // signs drill showings and derives shuffle seeds (drill.go)
	rooms      *rooms             // live workshops (workshop_room.go)
	codes      *clientLimiter     // wrong join codes per client (workshop_join.go)
	signins    *clientLimiter     // wrong sign-in codes per client (signin.go)
	newcomers  *clientLimiter     // learners created per client (session.go, newcomers.go)
	starts     formLedger[int64]  // makes starting a drill idempotent (form_ledger.go)
	creates    formLedger[string] // makes creating a workshop idempotent: the host link
}

// NewServer builds the trainer's whole HTTP handler. It returns an error
// when the static assets cannot be prepared or opts.Exam has no topics.
func NewServer(log *slog.Logger, db *store.DB, ls *lessons.Set, bank *quiz.Bank, workspaces *workspace.Manager, opts Options) (http.Handler, error) {
	if len(opts.Exam.Topics) == 0 || len(opts.Exam.Lengths) == 0 {
		return nil, errors.New("web: no exam blueprint (Options.Exam)")
	}
	st, err := processStatic()
	if err != nil {
		return nil, err
	}
	s := &server{
		log:        log,
		db:         db,
		lessons:    ls,
		bank:       bank,
		workspaces: workspaces,
		opts:       opts,
		now:        opts.Now,
		static:     st,
		sess:       newSessionStore(opts.SessionAuthKey, opts.SessionEncKey),
		learners:   newLearnerCache(db),
		live:       newLiveTargets(),
		showingKey: newShowingKey(opts.SessionAuthKey),
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.sendLimit = newClientLimiter(s.now, time.Second/sendsPerSecond, sendsPerSecond)
	s.rooms = newRooms(db)
	s.codes = newClientLimiter(s.now, time.Minute/codeGuessesPerMinute, codeGuessesPerMinute)
	s.signins = newClientLimiter(s.now, time.Minute/codeGuessesPerMinute, codeGuessesPerMinute)
	s.newcomers = newClientLimiter(s.now, newcomerEvery, newcomerBurst)
	if opts.Metrics {
		s.metrics = newMetrics(db, workspaces)
	}
	return s.routes(), nil
}
