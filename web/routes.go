package web

import (
	"net/http"

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

	// Lessons.
	pages.HandleFunc("GET /lessons/{slug}", s.handleLessonShow)
	pages.HandleFunc("POST /lessons/{slug}/predictions/{n}", s.handleLessonPredict)

	// Drills.
	pages.HandleFunc("GET /drill", s.handleDrillHome)
	pages.HandleFunc("POST /drill/sessions", s.handleDrillStart)
	pages.HandleFunc("POST /drill/exam-date", s.handleExamDate)
	pages.HandleFunc("GET /drill/s/{id}", s.handleDrillShow)
	pages.HandleFunc("POST /drill/s/{id}/answer", s.handleDrillAnswer)
	pages.HandleFunc("GET /drill/s/{id}/feedback/{showing}", s.handleDrillFeedback)
	// Sandbox.
	pages.HandleFunc("GET /sandbox", s.handleSandbox)
	pages.HandleFunc("POST /sandbox/token", s.handleSandboxToken)
	pages.HandleFunc("POST /sandbox/reset", s.handleSandboxReset)
	pages.HandleFunc("GET /sandbox/fidelity", s.handleFidelity)
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

	// Parts not built yet.
	pages.HandleFunc("GET /workshops", s.handleComing("workshops", "Workshops"))

	// Everything else is a styled 404, or 405 for a known path.
	pages.HandleFunc("/", s.handleNotFound)
	s.pages = pages

	root := http.NewServeMux()
	root.HandleFunc("GET /healthz", s.handleHealth)
	root.HandleFunc("GET /favicon.ico", s.handleFavicon)
	root.Handle("GET /static/", s.static)
	root.Handle("/", s.withSession(pages))
	// The workspace emulator, where real clients look; callers are
	// identified by Bearer token, not by the session cookie.
	api := s.workspaces.Handler()
	root.Handle("/api/", api)
	root.Handle("/api", api)
	root.Handle("/.well-known/databricks-config", api)

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.handleCrossOrigin))
	// Pages and API answers are gzipped when the client accepts it and
	// they are big enough to gain (static files come precompressed).
	gz, err := gzhttp.NewWrapper(gzhttp.MinSize(1024))
	if err != nil {
		panic(err) // unreachable: the options are constants
	}
	return securityHeaders(s.recoverer(s.requestLog(gz(csrf.Handler(root)))))
}
