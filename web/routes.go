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
	pages.HandleFunc("GET /sandbox", s.handleComing("sandbox", "Sandbox"))
	pages.HandleFunc("GET /exam", s.handleComing("exam", "Mock exam"))
	pages.HandleFunc("GET /progress", s.handleComing("progress", "Progress"))
	pages.HandleFunc("GET /workshops", s.handleComing("workshops", "Workshops"))

	// Everything else is a styled 404.
	pages.HandleFunc("/", s.handleNotFound)

	root := http.NewServeMux()
	root.HandleFunc("GET /healthz", s.handleHealth)
	root.Handle("GET /static/", s.static)
	root.Handle("/", s.withSession(pages))

	csrf := http.NewCrossOriginProtection()
	return s.recoverer(s.requestLog(csrf.Handler(root)))
}
