// Package live sends Jobs API calls to a learner's real Databricks workspace
// (live mode), refusing anything that could reach another service: hosts
// outside Databricks' workspace domains, IP literals, names that resolve to
// loopback, private, link-local or other internal addresses (checked again
// at connect time against DNS rebinding), paths outside the Jobs API, and
// redirects. It is stdlib-only and never logs.
package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jobs-api-trainer/trainer/jobsapi"
)

// Domains are the workspace domain suffixes live mode talks to: AWS
// (*.cloud.databricks.com), Azure (*.azuredatabricks.net), GCP
// (*.gcp.databricks.com), Azure China (*.databricks.azure.cn), Azure
// Government (*.databricks.azure.us), AWS GovCloud (*.cloud.databricks.us)
// and AWS GovCloud DoD (*.cloud.databricks.mil).
var Domains = []string{
	".cloud.databricks.com",
	".azuredatabricks.net",
	".gcp.databricks.com",
	".databricks.azure.cn",
	".databricks.azure.us",
	".cloud.databricks.us",
	".cloud.databricks.mil",
}

// Defaults for Client.
const (
	DefaultTimeout = 30 * time.Second
	DefaultMaxBody = 5 << 20 // 5 MiB
)

// Sentinel errors; every error of this package that refuses something wraps
// one of them, so callers can tell a refusal from a network failure.
var (
	// ErrHostNotAllowed: the host is not a Databricks workspace host, or it
	// is (or resolves to) an address live mode must not reach.
	ErrHostNotAllowed = errors.New("host not allowed")
	// ErrRequestNotAllowed: the method or path is outside the Jobs API.
	ErrRequestNotAllowed = errors.New("request not allowed")
	// ErrTimeout: the workspace did not answer in time.
	ErrTimeout = errors.New("timed out")
)

// Resolver looks up a host's addresses; *net.Resolver is one.
type Resolver interface {
	// LookupIPAddr returns host's addresses. For a name that does not
	// exist it returns a *net.DNSError with IsNotFound set (Guard then says
	// so); any other error is reported as a failed lookup.
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Guard decides which workspace hosts live mode may reach.
type Guard struct {
	// Allow lists extra hosts (from -live-allow-host), as "host" (any port)
	// or "host:port". They may use http, and skip the domain and address
	// checks: they exist for tests on 127.0.0.1 and private deployments.
	Allow []string
	// Resolver resolves host names; nil means net.DefaultResolver.
	Resolver Resolver
}

func (g Guard) resolver() Resolver {
	if g.Resolver == nil {
		return net.DefaultResolver
	}
	return g.Resolver
}

// allowed reports whether host (lower case, no brackets) with port (may be
// "") is in Allow.
func (g Guard) allowed(host, port string) bool {
	for _, a := range g.Allow {
		a = strings.ToLower(strings.TrimSpace(a))
		a = strings.TrimPrefix(strings.TrimPrefix(a, "https://"), "http://")
		a = strings.TrimRight(a, "/")
		if a == "" {
			continue
		}
		if h, p, err := net.SplitHostPort(a); err == nil {
			if strings.Trim(h, "[]") == host && p == port {
				return true
			}
			continue
		}
		if strings.Trim(a, "[]") == host {
			return true
		}
	}
	return false
}

func refuse(format string, args ...any) error {
	return fmt.Errorf("live: %s: %w", fmt.Sprintf(format, args...), ErrHostNotAllowed)
}

func domainList() string {
	s := make([]string, len(Domains))
	for i, d := range Domains {
		s[i] = "*" + d
	}
	return strings.Join(s, ", ")
}

// CheckHost normalises the learner's workspace address (with or without
// https://, with or without a trailing path or query) to scheme://host and
// decides whether live mode may reach it. Outside Allow it requires https,
// the default port, a host under one of Domains that is not an IP literal
// (in any notation) or localhost, no userinfo, and resolved addresses that
// are all public. It returns an error wrapping ErrHostNotAllowed for a
// refusal, or a plain error when the input cannot be parsed or the name
// does not resolve.
func (g Guard) CheckHost(ctx context.Context, raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, refuse("no workspace host given")
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("live: cannot read the workspace host %q: %w", raw, errors.Unwrap(err))
	}
	scheme := strings.ToLower(u.Scheme)
	if u.User != nil {
		return nil, refuse("the host must not contain a user name or password (user@host)")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if host == "" {
		return nil, refuse("no workspace host in %q", raw)
	}
	if scheme != "http" && scheme != "https" {
		return nil, refuse("live mode only uses https; %q is not supported", u.Scheme)
	}
	out := &url.URL{Scheme: scheme, Host: hostPort(host, port)}
	if g.allowed(host, port) {
		return out, nil
	}
	if scheme != "https" {
		return nil, refuse("live mode only uses https (https://%s)", host)
	}
	if port != "" && port != "443" {
		return nil, refuse("live mode only uses the default https port 443, not %s", port)
	}
	out.Host = host
	if isIPLiteral(host) {
		return nil, refuse("'%s' is an IP address; live mode needs the workspace host name (%s)", host, domainList())
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return nil, refuse("'%s' is this machine; live mode only talks to Databricks workspace hosts", host)
	}
	if !validName(host) || !hasDomain(host) {
		return nil, refuse("live mode only talks to Databricks workspace hosts (%s); '%s' is not one", domainList(), host)
	}
	if _, err := g.publicAddrs(ctx, host); err != nil {
		return nil, err
	}
	return out, nil
}

func hostPort(host, port string) string {
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port == "" {
		return host
	}
	return host + ":" + port
}

func hasDomain(host string) bool {
	for _, d := range Domains {
		if strings.HasSuffix(host, d) && len(host) > len(d) {
			return true
		}
	}
	return false
}

func validName(host string) bool {
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return len(host) <= 253
}

// isIPLiteral catches IPv4 and IPv6 literals and the numeric forms that
// resolvers accept as IPv4 (2130706433, 0x7f.1, 0177.0.0.1): any host whose
// last label is numeric, as no top-level domain is.
func isIPLiteral(host string) bool {
	if strings.Contains(host, ":") || net.ParseIP(host) != nil {
		return true
	}
	labels := strings.Split(host, ".")
	last := labels[len(labels)-1]
	if last == "" {
		return false
	}
	if strings.HasPrefix(last, "0x") {
		_, err := strconv.ParseUint(last[2:], 16, 64)
		return err == nil || last == "0x"
	}
	_, err := strconv.ParseUint(last, 10, 64)
	return err == nil
}

var blockedPrefixes = func() []netip.Prefix {
	var ps []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",     // "this network"
		"100.64.0.0/10", // carrier-grade NAT
		"192.0.0.0/24",  // IETF protocol assignments
		"198.18.0.0/15", // benchmarking
		"240.0.0.0/4",   // reserved, broadcast
		"64:ff9b::/96",  // NAT64: checked via the embedded IPv4 too
		"64:ff9b:1::/48",
		"100::/64",  // discard
		"2001::/32", // Teredo
	} {
		ps = append(ps, netip.MustParsePrefix(s))
	}
	return ps
}()

// Blocked reports whether live mode must not connect to ip: loopback,
// private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16
// including the cloud metadata address, fe80::/10), unspecified, multicast,
// CGNAT 100.64/10 and other non-public ranges. It never fails.
func Blocked(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range blockedPrefixes {
		if p.Contains(ip) {
			return true
		}
	}
	if ip.Is6() {
		b := ip.As16()
		// 6to4 (2002::/16) embeds an IPv4 address in bytes 2..5.
		if b[0] == 0x20 && b[1] == 0x02 {
			return Blocked(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
		}
	}
	return false
}

// publicAddrs resolves host and refuses it if any address is blocked.
func (g Guard) publicAddrs(ctx context.Context, host string) ([]netip.Addr, error) {
	addrs, err := g.resolver().LookupIPAddr(ctx, host)
	if err != nil {
		var de *net.DNSError
		if errors.As(err, &de) && de.IsNotFound {
			return nil, fmt.Errorf("live: the workspace host '%s' does not exist (no DNS record)", host)
		}
		return nil, fmt.Errorf("live: cannot resolve '%s': %w", host, err)
	}
	if len(addrs) == 0 {
		return nil, fmt.Errorf("live: the workspace host '%s' has no addresses", host)
	}
	var out []netip.Addr
	for _, a := range addrs {
		ip, ok := netip.AddrFromSlice(a.IP)
		if !ok || Blocked(ip) {
			return nil, refuse("'%s' resolves to %s, a loopback, private, link-local or otherwise internal address", host, a.IP)
		}
		out = append(out, ip.Unmap())
	}
	return out, nil
}

// Request is the API call Client.Do sends (the same fields as cli.Call).
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Body   []byte
}

// Response is what the workspace answered. Body holds at most the client's
// MaxBody bytes; Truncated says more were cut off.
type Response struct {
	Status    int
	Header    http.Header
	Body      []byte
	Truncated bool
}

// Client sends Jobs API calls to a checked workspace host.
type Client struct {
	Guard Guard
	// HTTP, when set, supplies the Transport (tests); Do still applies its
	// own redirect policy and timeout. With a custom Transport the
	// connect-time address check is the caller's job. nil builds a
	// transport that pins the checked addresses and re-checks the
	// connected one.
	HTTP *http.Client
	// Timeout bounds the whole call; 0 means DefaultTimeout (30 s).
	Timeout time.Duration
	// MaxBody caps the response body kept; 0 means DefaultMaxBody (5 MiB).
	MaxBody int64
}

// CheckRequest refuses anything but a Jobs API endpoint of the catalogue
// (package jobsapi: a method and a path under /api/2.1/jobs/,
// /api/2.2/jobs/ or /api/2.0/permissions/jobs/), and a path not in clean
// form, with an error wrapping ErrRequestNotAllowed.
func CheckRequest(method, p string) error {
	if path.Clean(p) != strings.TrimSuffix(p, "/") || strings.ContainsAny(p, "%?#\\") || strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return fmt.Errorf("live: the path %q is not in clean form: %w", p, ErrRequestNotAllowed)
	}
	if _, ok := jobsapi.Match(method, strings.TrimSuffix(p, "/")); !ok {
		return fmt.Errorf("live: %s %s is not a Jobs API endpoint; live mode only calls the Jobs API: %w", method, p, ErrRequestNotAllowed)
	}
	return nil
}

// Do checks host again with the Guard and the request with CheckRequest
// (both before any connection), then sends it with "Authorization: Bearer
// token". Redirects are returned as responses, never followed. It returns
// an error wrapping ErrHostNotAllowed or ErrRequestNotAllowed for a
// refusal, ErrTimeout when the workspace does not answer within Timeout,
// or the transport error otherwise. Neither the error nor the Response
// contains the token.
func (c *Client) Do(ctx context.Context, host *url.URL, token string, r Request) (Response, error) {
	if host == nil {
		return Response{}, refuse("no workspace host given")
	}
	method := strings.ToUpper(r.Method)
	if err := CheckRequest(method, r.Path); err != nil {
		return Response{}, err
	}
	base, err := c.Guard.CheckHost(ctx, host.Scheme+"://"+host.Host)
	if err != nil {
		return Response{}, err
	}
	if strings.ContainsAny(token, "\r\n") || token == "" {
		return Response{}, errors.New("live: the access token is empty or contains line breaks")
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	limit := c.MaxBody
	if limit <= 0 {
		limit = DefaultMaxBody
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	u := *base
	u.Path = r.Path
	u.RawQuery = r.Query.Encode()
	var body io.Reader
	if len(r.Body) > 0 && method != "GET" {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return Response{}, fmt.Errorf("live: build request: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("User-Agent", "jobs-api-trainer/live")

	hc, done := c.client(base)
	defer done()
	resp, err := hc.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || ctx.Err() != nil {
			return Response{}, fmt.Errorf("live: %s %s: no answer within %s: %w", method, r.Path, timeout, ErrTimeout)
		}
		return Response{}, fmt.Errorf("live: %s %s: %w", method, r.Path, unwrapURL(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		if ctx.Err() != nil {
			return Response{}, fmt.Errorf("live: %s %s: reading the answer took longer than %s: %w", method, r.Path, timeout, ErrTimeout)
		}
		return Response{}, fmt.Errorf("live: %s %s: read response: %w", method, r.Path, err)
	}
	out := Response{Status: resp.StatusCode, Header: resp.Header.Clone(), Body: data}
	if int64(len(data)) > limit {
		out.Body, out.Truncated = data[:limit], true
	}
	return out, nil
}

// unwrapURL drops *url.Error, whose text repeats the URL.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// client returns the http.Client for one call and a func that releases
// what it built. A transport of our own is built per call (Do checks the
// host on every call and web builds a Client per request), so it keeps no
// connection alive and done closes whatever it still holds: nothing is left
// behind once Do returns. A caller-supplied Transport is left alone.
func (c *Client) client(base *url.URL) (*http.Client, func()) {
	var hc http.Client
	done := func() {}
	if c.HTTP != nil {
		hc = *c.HTTP
	} else {
		tr := c.transport(base)
		hc.Transport = tr
		done = tr.CloseIdleConnections
	}
	hc.Timeout = 0 // the context carries the deadline
	hc.Jar = nil
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &hc, done
}

// transport dials only checked addresses: for hosts outside Allow it
// resolves the name itself, refuses blocked addresses, dials the IP it
// checked, and the dialer's Control hook re-checks the address actually
// connected to.
func (c *Client) transport(base *url.URL) *http.Transport {
	g := c.Guard
	host, port := base.Hostname(), base.Port()
	allowed := g.allowed(strings.ToLower(host), port)
	d := &net.Dialer{Timeout: 10 * time.Second}
	if !allowed {
		d.Control = controlPublic
	}
	return &http.Transport{
		Proxy: nil, // a proxy would hide the address we connect to
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if allowed {
				return d.DialContext(ctx, network, addr)
			}
			h, p, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			ips, err := g.publicAddrs(ctx, h)
			if err != nil {
				return nil, err
			}
			var last error
			for _, ip := range ips {
				conn, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), p))
				if err == nil {
					return conn, nil
				}
				last = err
			}
			return nil, last
		},
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: DefaultTimeout,
		DisableKeepAlives:     true, // one transport per call: an idle connection would only leak
		ForceAttemptHTTP2:     true,
	}
}

// controlPublic is a net.Dialer Control hook that refuses a connection to a
// blocked address, whatever DNS said before (DNS rebinding).
func controlPublic(network, address string, _ syscall.RawConn) error {
	h, _, err := net.SplitHostPort(address)
	if err != nil {
		return refuse("cannot check the address %q", address)
	}
	ip, err := netip.ParseAddr(h)
	if err != nil || Blocked(ip) {
		return refuse("the connection would go to %s, an internal address", h)
	}
	return nil
}
