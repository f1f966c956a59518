package web

import (
	"net/netip"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// clientLimiter is a token bucket per client (golang.org/x/time/rate),
// refilled one token every `every` up to burst, on the server's clock so
// tests move it by hand. It limits wrong join and sign-in codes, the
// learners a client may create, and (keyed by learner id) the sandbox
// console's sends. A client is its IPv4 address, or its IPv6
// /64 network: one host commonly holds a whole /64, and counting its
// addresses one by one would give it billions of buckets.
type clientLimiter struct {
	mu      sync.Mutex
	now     func() time.Time
	every   time.Duration
	burst   int
	buckets *lru.Cache[string, *rate.Limiter]
}

// maxClients bounds how many buckets a limiter keeps. Past it the least
// recently used bucket is dropped: that client starts again with a full
// bucket, a leniency bounded by how many other clients it takes.
const maxClients = 10_000

func newClientLimiter(now func() time.Time, every time.Duration, burst int) *clientLimiter {
	b, _ := lru.New[string, *rate.Limiter](maxClients) // only fails for a size <= 0
	return &clientLimiter{now: now, every: every, burst: burst, buckets: b}
}

// clientKey is the bucket of an address: IPv6 addresses share their /64.
func clientKey(addr string) string {
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is6() || a.Is4In6() {
		return addr
	}
	p, _ := a.Prefix(64)
	return p.String()
}

func (c *clientLimiter) limiter(client string) *rate.Limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	key := clientKey(client)
	l, ok := c.buckets.Get(key)
	if !ok {
		l = rate.NewLimiter(rate.Every(c.every), c.burst)
		c.buckets.Add(key, l)
	}
	return l
}

// blocked reports whether the client has no token left.
func (c *clientLimiter) blocked(client string) bool {
	return c.limiter(client).TokensAt(c.now()) < 1
}

// spend takes a token from the client, if there is one.
func (c *clientLimiter) spend(client string) { c.limiter(client).AllowN(c.now(), 1) }

// take spends a token when the client has one (wait 0); otherwise it
// spends nothing and says how long until the next token.
func (c *clientLimiter) take(client string) (wait time.Duration) {
	now := c.now()
	r := c.limiter(client).ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}
