package workspace

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// RequestScheme is the scheme ("https" or "http") the client used to reach
// this server: https when the connection itself is TLS, or, only when
// trustProxy is set (-trust-proxy: a reverse proxy in front of the server
// terminates TLS and sets the header), when X-Forwarded-Proto says so.
// Without trustProxy the header is ignored: any client can send it. It,
// RequestHost and ClientAddr are the one place the trainer decides whether
// to believe proxy headers.
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

// ClientAddr is the client's IP address, for per-client limits: the
// connection's peer or, only when trustProxy is set, the last entry of
// X-Forwarded-For, the address the proxy in front of the server saw and
// appended. The entries before it were written by the client (or by
// proxies it picked) and prove nothing: trusting the first would let any
// client choose its own address and escape the limits. A last entry that
// is not an IP address counts as the proxy's own (the peer's).
func ClientAddr(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if vs := r.Header.Values("X-Forwarded-For"); len(vs) > 0 {
			v := vs[len(vs)-1]
			last := strings.TrimSpace(v[strings.LastIndexByte(v, ',')+1:])
			if a, err := netip.ParseAddr(last); err == nil {
				return a.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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
