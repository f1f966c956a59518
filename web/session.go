package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/gorilla/sessions"

	"github.com/jobs-api-trainer/trainer/store"
)

// The session cookie (signed and encrypted) holds the learner ID, a
// one-shot flash message, the learner's sandbox token (the database keeps
// only its hash, so the cookie is the one place it can be shown again
// from) and, in live mode, the real workspace host and PAT. Only this file
// touches session.raw; other files use the functions at its end (flash,
// sandbox token, live target).
const (
	cookieName = "trainer"
	keyLearner = "learner_id"
	keyFlash   = "flash"
	keyToken   = "sandbox_token"
	// Live mode (sandbox console): the real workspace host and the
	// learner's personal access token. Only the encrypted cookie holds them.
	keyLiveHost = "live_host"
	keyLivePAT  = "live_pat"
)

type sessionStore struct {
	cookies *sessions.CookieStore
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
	return &sessionStore{cookies: cs}
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

// save writes the cookie; Secure is set when the request came over TLS.
func (s *server) saveSession(w http.ResponseWriter, r *http.Request, raw *sessions.Session) error {
	raw.Options.Secure = r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
	return raw.Save(r, w)
}

// withSession loads the learner named by the cookie, creating a learner on
// the first visit (or when the cookie names one the database no longer
// has), and consumes any flash message.
func (s *server) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Unknown paths (404/405) need no learner: creating one for every
		// cookie-less probe would grow the database without bound.
		if _, pattern := s.pages.Handler(r); pattern == "/" {
			next.ServeHTTP(w, r)
			return
		}
		// A cookie that fails to decode (rotated keys, tampering) is replaced.
		raw, _ := s.sess.cookies.Get(r, cookieName)
		dirty := false
		var learner store.Learner
		id, _ := raw.Values[keyLearner].(int64)
		if id > 0 {
			l, err := s.learners.get(r.Context(), id)
			switch {
			case err == nil:
				learner = l
			case errors.Is(err, store.ErrNotFound):
			default:
				s.fail(w, r, err)
				return
			}
		}
		if learner.ID == 0 {
			l, err := s.db.CreateLearner(r.Context(), s.now())
			if err != nil {
				s.fail(w, r, err)
				return
			}
			learner = l
			s.learners.put(l)
			raw.Values[keyLearner] = l.ID
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
		ctx := context.WithValue(r.Context(), ctxLearner, learner)
		ctx = context.WithValue(ctx, ctxSession, sess)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
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

// liveTarget returns the live workspace host and token from the session,
// and whether live mode is on.
func liveTarget(r *http.Request) (host, token string, ok bool) {
	sess := sessionFrom(r.Context())
	if sess == nil {
		return "", "", false
	}
	host, _ = sess.raw.Values[keyLiveHost].(string)
	token, _ = sess.raw.Values[keyLivePAT].(string)
	return host, token, host != "" && token != ""
}

// setLiveTarget switches the session to live mode (host "" switches it off).
func (s *server) setLiveTarget(w http.ResponseWriter, r *http.Request, host, token string) error {
	sess := sessionFrom(r.Context())
	if sess == nil {
		return nil
	}
	if host == "" {
		delete(sess.raw.Values, keyLiveHost)
		delete(sess.raw.Values, keyLivePAT)
	} else {
		sess.raw.Values[keyLiveHost] = host
		sess.raw.Values[keyLivePAT] = token
	}
	return s.saveSession(w, r, sess.raw)
}
