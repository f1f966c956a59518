package web

import (
	"container/list"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/sessions"
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

// decodedCookies is a bounded LRU of cookie value → decoded session values.
type decodedCookies struct {
	mu    sync.Mutex
	max   int
	ttl   time.Duration
	now   func() time.Time
	order *list.List // of *decodedCookie, most recently used first
	byVal map[string]*list.Element
}

type decodedCookie struct {
	value  string
	values map[any]any
	at     time.Time
}

func newDecodedCookies(max int, ttl time.Duration, now func() time.Time) *decodedCookies {
	return &decodedCookies{max: max, ttl: ttl, now: now, order: list.New(), byVal: map[string]*list.Element{}}
}

// get returns a copy of the values decoded from value, and whether they
// were cached (and fresh).
func (c *decodedCookies) get(value string) (map[any]any, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byVal[value]
	if !ok {
		return nil, false
	}
	d := e.Value.(*decodedCookie)
	if c.now().Sub(d.at) > c.ttl {
		c.order.Remove(e)
		delete(c.byVal, value)
		return nil, false
	}
	c.order.MoveToFront(e)
	return maps.Clone(d.values), true
}

// put caches a copy of values under value, evicting the least recently
// used entry past the bound.
func (c *decodedCookies) put(value string, values map[any]any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byVal[value]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.byVal[value] = c.order.PushFront(&decodedCookie{value: value, values: maps.Clone(values), at: c.now()})
	for c.order.Len() > c.max {
		old := c.order.Remove(c.order.Back()).(*decodedCookie)
		delete(c.byVal, old.value)
	}
}

func (c *decodedCookies) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

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
