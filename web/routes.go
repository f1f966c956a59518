package web

import (
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
)

// routes is the only route table. Pages get the learner session; the
// emulator's API paths identify callers by Bearer token instead.
func (s *server) routes() http.Handler {
	pages := http.NewServeMux()

	// Home and account.
	pages.HandleFunc("GET /{$}", s.handleHome)
	pages.HandleFunc("GET /me", s.handleProfileShow)
	pages.HandleFunc("POST /me", s.handleProfileSave)
	pages.HandleFunc("POST /me/signin-code", s.handleSigninCodeCreate)
	pages.HandleFunc("POST /me/signin", s.handleSignin)

	// Lessons.
	pages.HandleFunc("GET /lessons/{slug}", s.handleLessonShow)
	pages.HandleFunc("POST /lessons/{slug}/predictions/{n}", s.handleLessonPredict)

	// Drills.
	pages.HandleFunc("GET /drill", s.handleDrillHome)
	pages.HandleFunc("POST /drill/sessions", s.handleDrillStart)
	pages.HandleFunc("POST /drill/exam-date", s.handleExamDate)
	pages.HandleFunc("GET /drill/items", s.handleDrillItems)
	pages.HandleFunc("POST /drill/items/{id}/suspend", s.handleSuspend)
	pages.HandleFunc("POST /drill/items/{id}/unsuspend", s.handleUnsuspend)
	pages.HandleFunc("GET /drill/s/{id}", s.handleDrillShow)
	pages.HandleFunc("POST /drill/s/{id}/answer", s.handleDrillAnswer)
	pages.HandleFunc("POST /drill/s/{id}/undo", s.handleDrillUndo)
	pages.HandleFunc("GET /drill/s/{id}/feedback/{showing}", s.handleDrillFeedback)
	// Sandbox.
	pages.HandleFunc("GET /sandbox", s.handleSandbox)
	pages.HandleFunc("POST /sandbox/token", s.handleSandboxToken)
	pages.HandleFunc("POST /sandbox/reset", s.handleSandboxReset)
	pages.HandleFunc("GET /sandbox/fidelity", s.handleFidelity)
	pages.HandleFunc("GET /sandbox/bundle/{file...}", s.handleBundleFile)
	pages.HandleFunc("GET /jobs/{job_id}", s.handleJobLink)               // the links `databricks bundle summary` prints
	pages.HandleFunc("GET /jobs/{job_id}/runs/{run_id}", s.handleRunLink) // and `databricks bundle run`
	pages.HandleFunc("POST /sandbox/send", s.handleSandboxSend)
	pages.HandleFunc("POST /sandbox/cli", s.handleSandboxCLI)
	pages.HandleFunc("POST /sandbox/live", s.handleLiveOn)
	pages.HandleFunc("POST /sandbox/live/off", s.handleLiveOff)
	pages.HandleFunc("GET /sandbox/picture", s.handlePicture)
	pages.HandleFunc("GET /sandbox/challenges", s.handleChallenges)
	pages.HandleFunc("GET /sandbox/challenges/{id}", s.handleChallengeShow)
	pages.HandleFunc("POST /sandbox/challenges/{id}/check", s.handleChallengeCheck)
	pages.HandleFunc("POST /sandbox/challenges/{id}/hint", s.handleChallengeHint)
	pages.HandleFunc("POST /sandbox/challenges/{id}/solution", s.handleChallengeSolution)
	pages.HandleFunc("POST /sandbox/challenges/{id}/restart", s.handleChallengeRestart)

	// Mock exam.
	pages.HandleFunc("GET /exam", s.handleExamHome)
	pages.HandleFunc("POST /exam", s.handleExamStart)
	pages.HandleFunc("GET /exam/{id}", s.handleExamShow)
	pages.HandleFunc("GET /exam/{id}/q/{n}", s.handleExamQuestion)
	pages.HandleFunc("POST /exam/{id}/q/{n}", s.handleExamAnswer)
	pages.HandleFunc("GET /exam/{id}/confirm", s.handleExamConfirm)
	pages.HandleFunc("POST /exam/{id}/submit", s.handleExamSubmit)
	pages.HandleFunc("GET /exam/{id}/result", s.handleExamResult)

	// Progress.
	pages.HandleFunc("GET /progress", s.handleProgress)
	pages.HandleFunc("GET /progress/export.csv", s.handleProgressExport)

	// Workshops: the host's side.
	pages.HandleFunc("GET /workshops", s.handleWorkshops)
	pages.HandleFunc("GET /workshops/new", s.handleWorkshopNew)
	pages.HandleFunc("POST /workshops", s.handleWorkshopCreate)
	pages.HandleFunc("GET /workshops/{id}/host", s.handleWorkshopHost)
	pages.HandleFunc("GET /workshops/{id}/host/state", s.handleWorkshopHostState)
	pages.HandleFunc("GET /workshops/{id}/host/events", s.handleWorkshopHostEvents)
	pages.HandleFunc("POST /workshops/{id}/host/{action}", s.handleWorkshopAction)
	pages.HandleFunc("POST /workshops/{id}/host-link", s.handleNewHostLink)
	pages.HandleFunc("POST /workshops/{id}/seats/{seat}/kick", s.handleWorkshopSeat(true))
	pages.HandleFunc("POST /workshops/{id}/seats/{seat}/allow", s.handleWorkshopSeat(false))
	pages.HandleFunc("GET /workshops/{id}/qr.svg", s.handleWorkshopQR)
	pages.HandleFunc("GET /workshops/{id}/results.csv", s.handleWorkshopResults)
	pages.HandleFunc("GET /workshops/{id}/summary.csv", s.handleWorkshopSummary)
	// Workshops: the participants' side.
	pages.HandleFunc("GET /join", s.handleJoinForm)
	pages.HandleFunc("POST /join", s.handleJoin)
	pages.HandleFunc("GET /join/{code}", s.handlePlay)
	pages.HandleFunc("GET /join/{code}/state", s.handlePlayState)
	pages.HandleFunc("GET /join/{code}/events", s.handlePlayEvents)
	pages.HandleFunc("POST /join/{code}/answer", s.handlePlayAnswer)
	pages.HandleFunc("POST /join/{code}/check", s.handlePlayCheck)

	// Everything else is a styled 404, or 405 for a known path.
	pages.HandleFunc("/", s.handleNotFound)
	s.pages = pages

	root := http.NewServeMux()
	root.HandleFunc("GET /healthz", s.handleHealth)
	if s.metrics != nil {
		root.Handle("GET /metrics", s.metrics.handler())
	}
	root.HandleFunc("GET /favicon.ico", s.handleFavicon)
	root.Handle("GET /static/", s.static)
	root.Handle("/", s.withSession(pages))
	// The workspace emulator, where real clients look; callers are
	// identified by Bearer token, not by the session cookie.
	api := s.instrumentAPI(s.workspaces.Handler())
	root.Handle("/api/", api)
	root.Handle("/api", api)
	root.Handle("/.well-known/databricks-config", api)
	root.Handle("/telemetry-ext", api) // the CLI's usage logs, accepted and dropped
	s.root = root

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.handleCrossOrigin))
	// Pages and API answers are gzipped when the client accepts it and
	// they are big enough to gain (static files come precompressed).
	gz, err := gzhttp.NewWrapper(gzhttp.MinSize(1024))
	if err != nil {
		panic(err) // unreachable: the options are constants
	}
	// Event streams skip compression: gzhttp would buffer them, and each
	// event must reach the browser as soon as it is written.
	// Every /api/ path goes to the emulator as sent: the mux would redirect
	// one that is not clean ("//", "..") instead of answering it in JSON.
	dispatch := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			api.ServeHTTP(w, r)
			return
		}
		root.ServeHTTP(w, r)
	})
	plain, zipped := csrf.Handler(dispatch), gz(csrf.Handler(dispatch))
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isEventStream(r) {
			plain.ServeHTTP(w, r)
			return
		}
		zipped.ServeHTTP(w, r)
	})
	return securityHeaders(s.instrument(s.recoverer(s.requestLog(h))))
}

// isEventStream reports whether r asks for one of the workshop event
// streams (text/event-stream).
func isEventStream(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/events") &&
		(strings.HasPrefix(r.URL.Path, "/join/") || strings.HasPrefix(r.URL.Path, "/workshops/"))
}
