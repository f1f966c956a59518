package workspace

import "net/http"

// RequestScheme is the scheme ("https" or "http") the client used to reach
// this server: https when the connection itself is TLS, or, only when
// trustProxy is set (-trust-proxy: a reverse proxy in front of the server
// terminates TLS and sets the header), when X-Forwarded-Proto says so.
// Without trustProxy the header is ignored: any client can send it. It is
// the one place the trainer decides whether to believe proxy headers.
func RequestScheme(r *http.Request, trustProxy bool) string {
	if r.TLS != nil {
		return "https"
	}
	if trustProxy && r.Header.Get("X-Forwarded-Proto") == "https" {
		return "https"
	}
	return "http"
}
