package workspace

import (
	"net/http"
	"strings"
)

// RequestScheme is the scheme ("https" or "http") the client used to reach
// this server: https when the connection itself is TLS, or, only when
// trustProxy is set (-trust-proxy: a reverse proxy in front of the server
// terminates TLS and sets the header), when X-Forwarded-Proto says so.
// Without trustProxy the header is ignored: any client can send it. It and
// RequestHost are the one place the trainer decides whether to believe
// proxy headers.
func RequestScheme(r *http.Request, trustProxy bool) string {
	if r.TLS != nil {
		return "https"
	}
	if trustProxy && firstForwarded(r.Header.Get("X-Forwarded-Proto")) == "https" {
		return "https"
	}
	return "http"
}

// RequestHost is the base URL ("scheme://host[:port]") the client called,
// for every link the trainer hands out (run_page_url, the host metadata's
// oidc_endpoint, the DATABRICKS_HOST snippet): the request's Host header,
// or, only when trustProxy is set, the proxy's X-Forwarded-Host (its first
// entry, when it is a plain host[:port]), so that links work behind a
// reverse proxy or under another host name. The scheme is RequestScheme's.
// A request without a host (never sent by HTTP/1.1 clients) gets
// "localhost".
func RequestHost(r *http.Request, trustProxy bool) string {
	host := r.Host
	if trustProxy {
		if fh := firstForwarded(r.Header.Get("X-Forwarded-Host")); validHost(fh) {
			host = fh
		}
	}
	if !validHost(host) {
		host = "localhost"
	}
	return RequestScheme(r, trustProxy) + "://" + host
}

// firstForwarded is the first entry of a comma-separated forwarding header
// (the one the client-facing proxy set), trimmed.
func firstForwarded(v string) string {
	first, _, _ := strings.Cut(v, ",")
	return strings.TrimSpace(first)
}

// validHost reports whether h is a plain host[:port] (letters, digits and
// ".-_:[]"), so that a header cannot smuggle a path, userinfo or markup
// into a link.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for _, c := range h {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.ContainsRune(".-_:[]", c):
		default:
			return false
		}
	}
	return true
}
