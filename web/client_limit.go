package web

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// clientLimiter is a token bucket per client address (golang.org/x/time/rate),
// refilled one token every `every` up to burst, on the server's clock so
// tests move it by hand. It limits wrong join and sign-in codes, and the
// learners a client may create.
type clientLimiter struct {
	mu    sync.Mutex
	now   func() time.Time
	every time.Duration
	burst int
	m     map[string]*rate.Limiter
}

func newClientLimiter(now func() time.Time, every time.Duration, burst int) *clientLimiter {
	return &clientLimiter{now: now, every: every, burst: burst, m: map[string]*rate.Limiter{}}
}

// maxClients bounds how many buckets a limiter keeps; past it, full ones
// (which hold no state worth keeping) are dropped.
const maxClients = 10_000

func (c *clientLimiter) limiter(client string) *rate.Limiter {
	c.mu.Lock()
	defer c.mu.Unlock()
	l, ok := c.m[client]
	if !ok {
		if len(c.m) >= maxClients {
			now := c.now()
			for k, old := range c.m {
				if old.TokensAt(now) >= float64(c.burst) {
					delete(c.m, k)
				}
			}
		}
		l = rate.NewLimiter(rate.Every(c.every), c.burst)
		c.m[client] = l
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
