package web

import (
	"encoding/json"
	"net/http"
	"strings"
)

// contentSecurityPolicy allows scripts and style sheets only from this
// server (no inline script, no eval, no <style> element: htmx's indicator
// styles are switched off and live in app.css), style attributes only for
// the widths and colours the templates compute (style-src-attr cannot run
// script), and no framing by any site.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the security headers on every response: pages,
// static files, the API and every error, whoever writes it.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY") // frame-ancestors for older browsers
		next.ServeHTTP(w, r)
	})
}

// isAPIPath reports whether path belongs to the emulator, where every
// answer is Databricks-shaped JSON.
func isAPIPath(path string) bool {
	return path == "/api" || strings.HasPrefix(path, "/api/") || path == "/.well-known/databricks-config"
}

// handleCrossOrigin answers a state-changing request that
// http.CrossOriginProtection refused (another site's form or script): a
// Databricks-shaped PERMISSION_DENIED on the API, the styled error page
// elsewhere.
func (s *server) handleCrossOrigin(w http.ResponseWriter, r *http.Request) {
	const msg = "Cross-origin request refused: this server accepts state-changing requests only from its own pages or from clients that send no Origin (CLI, SDK, curl)."
	if isAPIPath(r.URL.Path) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusForbidden)
		_ = json.NewEncoder(w).Encode(map[string]string{"error_code": "PERMISSION_DENIED", "message": msg})
		return
	}
	s.errorPage(w, r, http.StatusForbidden, "Request refused",
		"This form was sent from another site, so it was not accepted. Open the page on this site and send it again.", "")
}
