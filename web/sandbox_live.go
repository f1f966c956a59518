package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/jobs-api-trainer/trainer/workspace/live"
)

// Live mode: the console's calls go, server-side, to the learner's real
// workspace. The host is checked by live.Guard before any connection; the
// personal access token lives only in server memory (liveTargets, keyed by
// learner and session generation), is scrubbed from every response kept or
// shown (scrubSecret), and is
// never logged, stored in SQLite or shown in full.

func (s *server) liveGuard() live.Guard {
	return live.Guard{Allow: s.opts.LiveAllowHosts}
}

// livePrefix is the only path live mode calls: issue 5 allows
// https://<host>/api/2.2/jobs/... and no other path (no 2.1 alias, no
// permissions API), even though live.Client would accept those.
const livePrefix = "/api/2.2/jobs/"

// liveRefusal says why a call is not sent to a live workspace, or nil when
// it may be. It is checked before any connection.
func liveRefusal(host, path string) *problem {
	if strings.HasPrefix(path, livePrefix) {
		return nil
	}
	p := &problem{status: http.StatusBadRequest}
	switch {
	case strings.HasPrefix(path, "/api/2.0/permissions/"):
		p.msg = fmt.Sprintf("Not sent: live mode calls only %s/api/2.2/jobs/…, and %s is the permissions API. Nothing was sent to %s.", host, path, host)
		p.hint = "Permissions calls stay in your sandbox: switch live mode off to try them there."
	case strings.HasPrefix(path, "/api/2.1/jobs/"):
		p.msg = fmt.Sprintf("Not sent: live mode calls only %s/api/2.2/jobs/…, not the 2.1 path %s. Nothing was sent to %s.", host, path, host)
		p.hint = "Send the same call on 2.2: " + livePrefix + strings.TrimPrefix(path, "/api/2.1/jobs/")
	default:
		p.msg = fmt.Sprintf("Not sent: live mode calls only %s/api/2.2/jobs/…; %s is outside it. Nothing was sent to %s.", host, path, host)
		p.hint = "Pick a Jobs API 2.2 endpoint from the list."
	}
	return p
}

// sendLive sends c to the live host with the learner's token.
func (s *server) sendLive(r *http.Request, host, token string, c consoleCall) callOutcome {
	if p := liveRefusal(host, c.path); p != nil {
		return callOutcome{transportErr: p.msg}
	}
	u, err := url.Parse(host)
	if err != nil {
		return callOutcome{transportErr: "The live host in your session could not be read; switch live mode on again."}
	}
	client := &live.Client{Guard: s.liveGuard()}
	resp, err := client.Do(r.Context(), u, token, live.Request{Method: c.method, Path: c.path, Query: c.query, Body: []byte(c.body)})
	if err != nil {
		msg := strings.TrimPrefix(err.Error(), "live: ")
		switch {
		case errors.Is(err, live.ErrHostNotAllowed), errors.Is(err, live.ErrRequestNotAllowed):
			msg = "Refused before connecting: " + msg
		case errors.Is(err, live.ErrTimeout):
			msg = "The workspace did not answer in time: " + msg
		default:
			msg = "The call to the workspace failed: " + msg
		}
		// Belt and braces: no error text may carry the token.
		return callOutcome{transportErr: strings.ReplaceAll(msg, token, maskToken(token))}
	}
	// A workspace (or a proxy before it) may echo the Authorization header
	// in an error: nothing it answers may carry the token into the
	// history or the page.
	header := make(http.Header, len(resp.Header))
	for k, vs := range resp.Header {
		for _, v := range vs {
			header.Add(scrubSecret(k, token), scrubSecret(v, token))
		}
	}
	return callOutcome{status: resp.Status, header: header, body: []byte(scrubSecret(string(resp.Body), token)), truncated: resp.Truncated}
}

// minSecretTail is the shortest start of a secret that scrubSecret
// removes from the end of a text cut short in the middle of it.
const minSecretTail = 8

// scrubSecret replaces every copy of secret in s (as is, URL-encoded or
// JSON-escaped) with its masked form, and, when s ends with the first
// minSecretTail or more characters of it (a body truncated mid-token),
// that start too.
func scrubSecret(s, secret string) string {
	if secret == "" || s == "" {
		return s
	}
	masked := maskToken(secret)
	forms := []string{secret, url.QueryEscape(secret), url.PathEscape(secret)}
	if b, err := json.Marshal(secret); err == nil {
		forms = append(forms, string(b[1:len(b)-1]))
	}
	for _, f := range forms {
		if f != "" {
			s = strings.ReplaceAll(s, f, masked)
		}
	}
	for n := len(secret) - 1; n >= minSecretTail; n-- {
		if strings.HasSuffix(s, secret[:n]) {
			return s[:len(s)-n] + masked
		}
	}
	return s
}

func (s *server) handleLiveOn(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	rawHost := strings.TrimSpace(r.PostForm.Get("host"))
	token := strings.TrimSpace(r.PostForm.Get("token"))
	refuse := func(msg string, reasons ...string) {
		s.renderSandboxPage(w, r, http.StatusBadRequest, consoleState{liveErr: msg, liveReasons: reasons, liveInput: rawHost})
	}
	u, err := s.liveGuard().CheckHost(r.Context(), rawHost)
	if err != nil {
		if !errors.Is(err, live.ErrHostNotAllowed) {
			refuse("Not switched: " + guardReason(err) + ".")
			return
		}
		reasons := s.liveHostReasons(r.Context(), rawHost, err)
		if len(reasons) == 1 {
			refuse("Not switched: " + reasons[0] + ". Nothing was sent to that host.")
			return
		}
		for i, reason := range reasons {
			reasons[i] = strings.ToUpper(reason[:1]) + reason[1:] + "."
		}
		refuse(fmt.Sprintf("Not switched, for %d reasons. Nothing was sent to that host.", len(reasons)), reasons...)
		return
	}
	if token == "" || len(token) > 512 || strings.ContainsAny(token, " \t\r\n") {
		refuse("Not switched: paste a personal access token (User settings → Developer → Access tokens).")
		return
	}
	host := u.Scheme + "://" + u.Host
	if err := s.setLiveTarget(w, r, host, token); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirectFlash(w, r, "/sandbox#console", fmt.Sprintf("Live mode: calls now go to %s. The token is kept only in this server's memory, never in your cookie or the database; a server restart switches live mode off.", host))
}

// guardReason is a live.Guard error in the learner's words.
func guardReason(err error) string {
	msg := strings.TrimPrefix(err.Error(), "live: ")
	return strings.TrimSuffix(msg, ": "+live.ErrHostNotAllowed.Error())
}

// noLookup is a resolver that never resolves: liveHostReasons re-asks the
// guard about a refused host without any DNS traffic.
type noLookup struct{}

func (noLookup) LookupIPAddr(context.Context, string) ([]net.IPAddr, error) {
	return nil, errors.New("not looked up")
}

// liveHostReasons lists every reason the guard refuses raw, not only the
// first one it stops at (refused): the shape of the address (user info, a
// scheme other than https, a port other than 443) and then the host
// itself, asked again of the guard as https://host, plus whether an IP
// literal is a private or internal address. The guard stays the only
// judge; this only explains its refusal.
func (s *server) liveHostReasons(ctx context.Context, raw string, refused error) []string {
	first := guardReason(refused)
	in := strings.TrimSpace(raw)
	if !strings.Contains(in, "://") {
		in = "https://" + in
	}
	u, err := url.Parse(in)
	if err != nil || u.Hostname() == "" {
		return []string{first}
	}
	var reasons []string
	if u.User != nil {
		reasons = append(reasons, "the address must not contain a user name or password (user@host)")
	}
	if scheme := strings.ToLower(u.Scheme); scheme != "https" {
		reasons = append(reasons, fmt.Sprintf("live mode only uses https, and this address uses %s", scheme))
	}
	if port := u.Port(); port != "" && port != "443" {
		reasons = append(reasons, fmt.Sprintf("live mode only uses the default https port 443, not %s", port))
	}
	host := strings.ToLower(u.Hostname())
	g := s.liveGuard()
	g.Resolver = noLookup{}
	bare := &url.URL{Scheme: "https", Host: host}
	if strings.Contains(host, ":") {
		bare.Host = "[" + host + "]"
	}
	if _, err := g.CheckHost(ctx, bare.String()); errors.Is(err, live.ErrHostNotAllowed) {
		reasons = append(reasons, guardReason(err))
	}
	if ip, err := netip.ParseAddr(host); err == nil && live.Blocked(ip) {
		reasons = append(reasons, fmt.Sprintf("%s is a loopback, private, link-local or otherwise internal address, which live mode never calls", ip))
	}
	if len(reasons) == 0 {
		// Refused for a reason only a lookup shows (the name resolves to
		// an internal address): the guard's own words.
		return []string{first}
	}
	return reasons
}

func (s *server) handleLiveOff(w http.ResponseWriter, r *http.Request) {
	if err := s.setLiveTarget(w, r, "", ""); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirectFlash(w, r, "/sandbox", "Back to your sandbox workspace. The live token was forgotten, and older copies of your session cookie no longer work.")
}
