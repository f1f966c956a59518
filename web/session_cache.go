package web

import (
	"maps"
	"net/http"
	"time"

	"github.com/gorilla/sessions"
	lru "github.com/hashicorp/golang-lru/v2"
)

// Decoding the session cookie (HMAC check, AES decrypt, gob) cost 7–18 %
// of the CPU of every page, for a value that changes only when the server
// writes a new cookie. A cookie value is immutable, so its decoded values
// are cached under the value itself: only a value that decoded (its HMAC
// checked out) is ever cached, so a forged value still has to pass the
// full decode. The cache holds only what the cookie holds; whether the
// cookie is still good (its learner's current session generation) is
// checked by withSession on every request, cached or not.

// sessionCacheSize bounds the cache: a few thousand active browsers.
const sessionCacheSize = 4096

// sessionCacheTTL bounds how long a decoded value is trusted without
// decoding it again, so the cookie's own age limit (MaxAge, checked on
// decode) still applies, give or take this much.
const sessionCacheTTL = 10 * time.Minute

// decodedCookies is a bounded LRU of cookie value → decoded session
// values (hashicorp/golang-lru), each trusted for ttl after its decode by
// the injected clock.
type decodedCookies struct {
	ttl   time.Duration
	now   func() time.Time
	byVal *lru.Cache[string, decodedCookie]
}

type decodedCookie struct {
	values map[any]any
	at     time.Time // when the cookie was last decoded in full
}

// newDecodedCookies returns an empty cache of at most max entries (max > 0).
func newDecodedCookies(max int, ttl time.Duration, now func() time.Time) *decodedCookies {
	c, err := lru.New[string, decodedCookie](max)
	if err != nil {
		panic(err) // only for max <= 0
	}
	return &decodedCookies{ttl: ttl, now: now, byVal: c}
}

// get returns a copy of the values decoded from value, and whether they
// were cached (and fresh).
func (c *decodedCookies) get(value string) (map[any]any, bool) {
	d, ok := c.byVal.Get(value)
	if !ok {
		return nil, false
	}
	if c.now().Sub(d.at) > c.ttl {
		c.byVal.Remove(value)
		return nil, false
	}
	return maps.Clone(d.values), true
}

// put caches a copy of values, just decoded in full from value, evicting
// the least recently used entry past the bound.
func (c *decodedCookies) put(value string, values map[any]any) {
	c.byVal.Add(value, decodedCookie{values: maps.Clone(values), at: c.now()})
}

func (c *decodedCookies) len() int { return c.byVal.Len() }

// load returns the request's session: from the decode cache when this
// cookie value was decoded before, else decoded (and cached when it
// decodes). A cookie that fails to decode (rotated keys, tampering) gives
// an empty new session, as sessions.CookieStore.Get does.
func (ss *sessionStore) load(r *http.Request) *sessions.Session {
	c, err := r.Cookie(cookieName)
	if err == nil {
		if values, ok := ss.decoded.get(c.Value); ok {
			sess := sessions.NewSession(ss.cookies, cookieName)
			opts := *ss.cookies.Options
			sess.Options = &opts
			sess.Values = values
			return sess
		}
	}
	sess, err := ss.cookies.New(r, cookieName)
	if err != nil || sess.IsNew {
		return sess
	}
	if _, legacy := sess.Values[keyLegacyLivePAT]; !legacy { // rewritten at once; never cached
		ss.decoded.put(c.Value, sess.Values)
	}
	return sess
}
