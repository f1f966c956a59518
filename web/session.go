package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/sessions"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/workspace"
)

// The session cookie (signed and encrypted) holds the learner ID and the
// session generation it was issued at, a one-shot flash message and the
// learner's sandbox token (the database keeps only its hash, so the cookie
// is the one place it can be shown again from). A visitor who has not acted
// yet has no learner and usually no cookie. The live workspace's PAT is
// never in the cookie: it stays in server memory (liveTargets), keyed by
// learner and generation. Only this file touches session.raw; other files
// use the functions at its end (flash, sandbox token, live target).
const (
	cookieName = "trainer"
	keyLearner = "learner_id"
	keyGen     = "session_gen"
	keyFlash   = "flash"
	keyToken   = "sandbox_token"
	keyHosts   = "workshop_hosts" // workshops this browser opened the host link of: "12,15"
	keyHostLnk = "host_link"      // one-shot: "ID link", the host link to show once on workshop ID's host screen
	// Live mode used to keep the host and PAT in the cookie; cookies that
	// still carry them are rewritten without them.
	keyLegacyLiveHost = "live_host"
	keyLegacyLivePAT  = "live_pat"
)

type sessionStore struct {
	cookies *sessions.CookieStore
	decoded *decodedCookies // see session_cache.go
}

func newSessionStore(authKey, encKey []byte) *sessionStore {
	cs := sessions.NewCookieStore(authKey, encKey)
	cs.Options = &sessions.Options{
		Path:     "/",
		MaxAge:   400 * 24 * 3600,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
	}
	cs.MaxAge(cs.Options.MaxAge)
	return &sessionStore{cookies: cs, decoded: newDecodedCookies(sessionCacheSize, sessionCacheTTL, time.Now)}
}

// session is the per-request view of the cookie.
type session struct {
	raw   *sessions.Session
	flash string
}

type ctxKey int

const (
	ctxLearner ctxKey = iota
	ctxSession
)

func learnerFrom(ctx context.Context) (store.Learner, bool) {
	l, ok := ctx.Value(ctxLearner).(store.Learner)
	return l, ok
}

func sessionFrom(ctx context.Context) *session {
	s, _ := ctx.Value(ctxSession).(*session)
	return s
}

// saveSession writes the cookie; Secure is set when the client reached us
// over https (a proxy's word for it only with -trust-proxy).
//
// A handler may save more than once (a new token, then a revoked
// generation, then the flash): each save replaces the cookie an earlier one
// set on w, so the response carries one Set-Cookie for it, the last.
func (s *server) saveSession(w http.ResponseWriter, r *http.Request, raw *sessions.Session) error {
	raw.Options.Secure = workspace.RequestScheme(r, s.opts.TrustProxy) == "https"
	h := w.Header()
	if set := h.Values("Set-Cookie"); len(set) > 0 {
		kept := set[:0:0]
		for _, c := range set {
			if !strings.HasPrefix(c, cookieName+"=") {
				kept = append(kept, c)
			}
		}
		h["Set-Cookie"] = kept
	}
	return raw.Save(r, w)
}

// needsLearner reports whether r acts (any method but GET and HEAD on a
// page route): only then is a learner created for a visitor who has none,
// so looking around stores nothing.
//
// Using a sign-in code is the exception: it brings its own learner
// (signin.go), so a browser that only signs in, or guesses wrong, gets no
// learner row of its own.
func needsLearner(r *http.Request) bool {
	if r.Method == http.MethodPost && r.URL.Path == "/me/signin" {
		return false
	}
	return r.Method != http.MethodGet && r.Method != http.MethodHead
}

// withSession loads the learner named by the cookie and consumes any flash
// message. A cookie from an older session generation (live mode switched
// off, token regenerated since), or naming a learner the database no
// longer has, counts as no cookie. A visitor without a learner gets one
// only when the request acts (needsLearner); pages render for them with
// empty progress and a preview of the sandbox.
func (s *server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Unknown paths (404/405) need no learner: creating one for every
		// probe would grow the database without bound.
		if _, pattern := s.pages.Handler(r); pattern == "/" {
			next.ServeHTTP(w, r)
			return
		}
		// A cookie that fails to decode (rotated keys, tampering) is replaced.
		raw := s.sess.load(r)
		dirty := false
		if _, ok := raw.Values[keyLegacyLivePAT]; ok {
			delete(raw.Values, keyLegacyLivePAT)
			delete(raw.Values, keyLegacyLiveHost)
			dirty = true
		}
		var learner store.Learner
		id, _ := raw.Values[keyLearner].(int64)
		gen, _ := raw.Values[keyGen].(int64)
		if id > 0 {
			l, err := s.learners.get(r.Context(), id)
			switch {
			case err == nil && l.SessionGen == gen:
				learner = l
			case err == nil, errors.Is(err, store.ErrNotFound):
				// Revoked or gone: forget everything the cookie says.
				clear(raw.Values)
				dirty = true
			default:
				s.fail(w, r, err)
				return
			}
		}
		if learner.ID == 0 && needsLearner(r) {
			// Read the form first: a client that hangs up mid-body, or
			// sends garbage, has not acted and gets no learner row. The
			// cap is the largest any page form takes (the console's).
			r.Body = http.MaxBytesReader(w, r.Body, maxConsoleForm)
			if err := r.ParseForm(); err != nil {
				s.fail(w, r, badRequest{"The form could not be read (it may be too large or malformed)."})
				return
			}
			if wait := s.newcomers.take(s.clientAddr(r)); wait > 0 {
				s.tooManyNewcomers(w, r, wait)
				return
			}
			s.pruneIdle(r.Context())
			l, err := s.db.CreateLearner(r.Context(), s.now())
			if err != nil {
				s.fail(w, r, err)
				return
			}
			learner = l
			s.learners.put(l)
			hosts := raw.Values[keyHosts] // a host link opened before acting stays valid
			clear(raw.Values)
			if hosts != nil {
				raw.Values[keyHosts] = hosts
			}
			raw.Values[keyLearner] = l.ID
			raw.Values[keyGen] = l.SessionGen
			dirty = true
		}
		sess := &session{raw: raw}
		if f, ok := raw.Values[keyFlash].(string); ok && r.Method == http.MethodGet {
			sess.flash = f
			delete(raw.Values, keyFlash)
			dirty = true
		}
		if dirty {
			if err := s.saveSession(w, r, raw); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		ctx := r.Context()
		if learner.ID != 0 {
			ctx = context.WithValue(ctx, ctxLearner, learner)
		}
		ctx = context.WithValue(ctx, ctxSession, sess)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// bumpSession moves the learner to a new session generation, so every
// older copy of their cookie is refused, and writes this browser's cookie
// at the new generation. keepLive carries a live target over to the new
// generation; otherwise it is dropped. It returns the store's error.
func (s *server) bumpSession(w http.ResponseWriter, r *http.Request, keepLive bool) error {
	l, ok := learnerFrom(r.Context())
	sess := sessionFrom(r.Context())
	if !ok || sess == nil {
		return nil
	}
	gen, err := s.learners.bumpSessionGen(r.Context(), l.ID)
	if err != nil {
		return err
	}
	s.live.move(l.ID, l.SessionGen, gen, keepLive)
	sess.raw.Values[keyGen] = gen
	return s.saveSession(w, r, sess.raw)
}

// signInAs makes this browser's session cookie name learner l at l's
// current session generation, as if l had acted here, and sets a flash
// message for the next page. Whatever the cookie named before (another
// learner, a sandbox token) is forgotten; workshops this browser hosts
// stay.
func (s *server) signInAs(w http.ResponseWriter, r *http.Request, l store.Learner, flash string) error {
	sess := sessionFrom(r.Context())
	if sess == nil {
		return errors.New("web: sign in without a session")
	}
	hosts := sess.raw.Values[keyHosts]
	clear(sess.raw.Values)
	if hosts != nil {
		sess.raw.Values[keyHosts] = hosts
	}
	sess.raw.Values[keyLearner] = l.ID
	sess.raw.Values[keyGen] = l.SessionGen
	if flash != "" {
		sess.raw.Values[keyFlash] = flash
	}
	return s.saveSession(w, r, sess.raw)
}

// setFlash stores a one-shot message shown on the next page.
func (s *server) setFlash(w http.ResponseWriter, r *http.Request, msg string) error {
	sess := sessionFrom(r.Context())
	if sess == nil {
		return nil
	}
	sess.raw.Values[keyFlash] = msg
	return s.saveSession(w, r, sess.raw)
}

// sessionFlash returns the flash message this request consumed, "" when
// there is none.
func sessionFlash(r *http.Request) string {
	if sess := sessionFrom(r.Context()); sess != nil {
		return sess.flash
	}
	return ""
}

// sessionSandboxToken returns the learner's sandbox token from the session,
// "" when it holds none.
func sessionSandboxToken(r *http.Request) string {
	sess := sessionFrom(r.Context())
	if sess == nil {
		return ""
	}
	tok, _ := sess.raw.Values[keyToken].(string)
	return tok
}

// setSessionSandboxToken keeps tok in the session so the sandbox page can
// show it again, and writes the cookie.
func (s *server) setSessionSandboxToken(w http.ResponseWriter, r *http.Request, tok string) error {
	sess := sessionFrom(r.Context())
	if sess == nil {
		return nil
	}
	sess.raw.Values[keyToken] = tok
	return s.saveSession(w, r, sess.raw)
}

// maxSessionHosts bounds the workshops one cookie remembers hosting.
const maxSessionHosts = 20

// sessionHosts returns the workshops whose secret host link this browser
// opened (the newest last).
func sessionHosts(r *http.Request) []int64 {
	sess := sessionFrom(r.Context())
	if sess == nil {
		return nil
	}
	raw, _ := sess.raw.Values[keyHosts].(string)
	var ids []int64
	for _, f := range strings.Split(raw, ",") {
		if id, err := strconv.ParseInt(f, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}

// grantHost makes this browser a host of workshop id and, when link is
// not "", keeps link (the secret host link) for takeHostLink to show once.
// It returns the cookie's error.
func (s *server) grantHost(w http.ResponseWriter, r *http.Request, id int64, link string) error {
	sess := sessionFrom(r.Context())
	if sess == nil {
		return nil
	}
	ids := sessionHosts(r)
	if !slices.Contains(ids, id) {
		ids = append(ids, id)
		if len(ids) > maxSessionHosts {
			ids = ids[len(ids)-maxSessionHosts:]
		}
		parts := make([]string, len(ids))
		for i, v := range ids {
			parts[i] = strconv.FormatInt(v, 10)
		}
		sess.raw.Values[keyHosts] = strings.Join(parts, ",")
	} else if link == "" {
		return nil
	}
	if link != "" {
		sess.raw.Values[keyHostLnk] = strconv.FormatInt(id, 10) + " " + link
	}
	return s.saveSession(w, r, sess.raw)
}

// takeHostLink returns the host link grantHost kept for workshop id and
// forgets it, so it is shown once; "" when there is none. It returns the
// cookie's error.
func (s *server) takeHostLink(w http.ResponseWriter, r *http.Request, id int64) (string, error) {
	sess := sessionFrom(r.Context())
	if sess == nil {
		return "", nil
	}
	v, _ := sess.raw.Values[keyHostLnk].(string)
	prefix := strconv.FormatInt(id, 10) + " "
	link, ok := strings.CutPrefix(v, prefix)
	if !ok {
		return "", nil
	}
	delete(sess.raw.Values, keyHostLnk)
	return link, s.saveSession(w, r, sess.raw)
}

// liveTarget returns the live workspace host and token of this session,
// and whether live mode is on. They live in server memory under the
// learner and the cookie's generation, so an older cookie finds nothing.
func (s *server) liveTarget(r *http.Request) (host, token string, ok bool) {
	l, found := learnerFrom(r.Context())
	if !found {
		return "", "", false
	}
	t, ok := s.live.get(l.ID, l.SessionGen)
	return t.host, t.token, ok
}

// setLiveTarget switches the session to live mode. Switching it off
// (host "") also bumps the session generation: a cookie saved while live
// mode was on stops working.
func (s *server) setLiveTarget(w http.ResponseWriter, r *http.Request, host, token string) error {
	l, ok := learnerFrom(r.Context())
	if !ok {
		return nil
	}
	if host == "" {
		s.live.drop(l.ID, l.SessionGen)
		return s.bumpSession(w, r, false)
	}
	s.live.put(l.ID, l.SessionGen, liveEntry{host: host, token: token})
	return nil
}

// liveEntry is one session's live workspace.
type liveEntry struct {
	host, token string
}

type liveKey struct{ learner, gen int64 }

// liveTargets keeps live mode's host and PAT in memory only, keyed by
// learner and session generation: a restart switches live mode off (the
// learner pastes the token again), and no cookie, log or database row ever
// holds the PAT.
type liveTargets struct {
	mu sync.Mutex
	m  map[liveKey]liveEntry
}

// maxLiveTargets bounds memory; past it the map starts over (everyone in
// live mode pastes their token again), which is honest and rare.
const maxLiveTargets = 10_000

func newLiveTargets() *liveTargets { return &liveTargets{m: map[liveKey]liveEntry{}} }

func (lt *liveTargets) get(learner, gen int64) (liveEntry, bool) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	e, ok := lt.m[liveKey{learner, gen}]
	return e, ok
}

func (lt *liveTargets) put(learner, gen int64, e liveEntry) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	if len(lt.m) >= maxLiveTargets {
		clear(lt.m)
	}
	lt.m[liveKey{learner, gen}] = e
}

func (lt *liveTargets) drop(learner, gen int64) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	delete(lt.m, liveKey{learner, gen})
}

// move re-keys a learner's live target from generation from to to, or
// drops it when keep is false.
func (lt *liveTargets) move(learner, from, to int64, keep bool) {
	lt.mu.Lock()
	defer lt.mu.Unlock()
	e, ok := lt.m[liveKey{learner, from}]
	delete(lt.m, liveKey{learner, from})
	if ok && keep {
		lt.m[liveKey{learner, to}] = e
	}
}
