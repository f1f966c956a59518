package web

import "net/http"

// routes is the only route table. Pages get the learner session; the
// emulator's API paths (mounted by later features) identify callers by
// Bearer token instead.
func (s *server) routes() http.Handler {
	pages := http.NewServeMux()

	// Home and account.
	pages.HandleFunc("GET /{$}", s.handleHome)
	pages.HandleFunc("GET /me", s.handleProfileShow)
	pages.HandleFunc("POST /me", s.handleProfileSave)

	// Lessons.
	pages.HandleFunc("GET /lessons/{slug}", s.handleLessonShow)

	// Parts not built yet.
	pages.HandleFunc("GET /drill", s.handleComing("drill", "Drills"))
	// Sandbox.
	pages.HandleFunc("GET /sandbox", s.handleSandbox)
	pages.HandleFunc("POST /sandbox/token", s.handleSandboxToken)
	pages.HandleFunc("POST /sandbox/reset", s.handleSandboxReset)
	pages.HandleFunc("GET /sandbox/fidelity", s.handleFidelity)
	pages.HandleFunc("GET /exam", s.handleComing("exam", "Mock exam"))
	pages.HandleFunc("GET /progress", s.handleComing("progress", "Progress"))
	pages.HandleFunc("GET /workshops", s.handleComing("workshops", "Workshops"))

	// Everything else is a styled 404.
	pages.HandleFunc("/", s.handleNotFound)

	root := http.NewServeMux()
	root.HandleFunc("GET /healthz", s.handleHealth)
	root.Handle("GET /static/", s.static)
	root.Handle("/", s.withSession(pages))
	// The workspace emulator, where real clients look; callers are
	// identified by Bearer token, not by the session cookie.
	api := s.workspaces.Handler()
	root.Handle("/api/", api)
	root.Handle("/.well-known/databricks-config", api)

	csrf := http.NewCrossOriginProtection()
	return s.recoverer(s.requestLog(csrf.Handler(root)))
}
