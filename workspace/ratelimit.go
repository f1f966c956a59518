package workspace

import (
	"crypto/sha256"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// maxBudgets bounds how many per-token limiters are kept. Past it, idle
// ones (already back to a full burst, so dropping them changes nothing)
// are dropped, and if none is idle the least recently used one.
const maxBudgets = 10_000

// budgets holds one token bucket per Bearer token: each token may send
// Limits.APIBurst requests at once and Limits.APIRate per second after
// that. Tokens are kept as SHA-256 digests, not as they are.
type budgets struct {
	mu    sync.Mutex
	limit rate.Limit
	burst int
	full  time.Duration // how long an empty bucket takes to refill
	by    map[[sha256.Size]byte]*budget
}

type budget struct {
	lim  *rate.Limiter
	last time.Time // the last request
}

// newBudgets returns the budgets for l; nil when l.APIRate switches the
// budget off.
func newBudgets(l Limits) *budgets {
	if l.APIRate < 0 || l.APIBurst < 0 {
		return nil
	}
	return &budgets{
		limit: rate.Limit(l.APIRate), burst: l.APIBurst,
		full: time.Duration(float64(l.APIBurst) / l.APIRate * float64(time.Second)),
		by:   map[[sha256.Size]byte]*budget{},
	}
}

// take spends one request of token's budget at now. It returns 0 when the
// request may go ahead, or else how long until it could.
func (b *budgets) take(token string, now time.Time) time.Duration {
	key := sha256.Sum256([]byte(token))
	b.mu.Lock()
	defer b.mu.Unlock()
	bu := b.by[key]
	if bu == nil {
		if len(b.by) >= maxBudgets {
			b.evict(now)
		}
		bu = &budget{lim: rate.NewLimiter(b.limit, b.burst)}
		b.by[key] = bu
	}
	bu.last = now
	if bu.lim.AllowN(now, 1) {
		return 0
	}
	// How long until one token is back; the reservation is handed back at
	// once, so a refused request costs nothing.
	res := bu.lim.ReserveN(now, 1)
	if !res.OK() {
		return b.full
	}
	d := res.DelayFrom(now)
	res.CancelAt(now)
	return d
}

// evict drops every limiter idle long enough to have refilled, or, when
// none has, the least recently used one. The caller holds b.mu.
func (b *budgets) evict(now time.Time) {
	var oldestKey [sha256.Size]byte
	var oldest time.Time
	dropped := false
	for k, bu := range b.by {
		if now.Sub(bu.last) >= b.full {
			delete(b.by, k)
			dropped = true
			continue
		}
		if oldest.IsZero() || bu.last.Before(oldest) {
			oldest, oldestKey = bu.last, k
		}
	}
	if !dropped && !oldest.IsZero() {
		delete(b.by, oldestKey)
	}
}

// size is how many limiters are kept (tests).
func (b *budgets) size() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.by)
}

// throttle spends one request of the caller's per-token budget. Past it,
// the answer is a 429 REQUEST_LIMIT_EXCEEDED, the code real workspaces
// answer rate limits with (shared/reference/jobs-api.md, error table),
// with Retry-After in whole seconds, which the Go SDK and the CLI wait out
// before retrying. The caller has authenticated the request already.
func (m *Manager) throttle(r *http.Request) error {
	if m.budgets == nil {
		return nil
	}
	_, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	wait := m.budgets.take(strings.TrimSpace(tok), m.opts.Now())
	if wait <= 0 {
		return nil
	}
	l := m.opts.Limits
	return tooManyRequests(int(math.Ceil(wait.Seconds())),
		"Too many requests: the sandbox allows each token %s requests per second (bursts of %d). Retry after the time in the Retry-After header.",
		strconv.FormatFloat(l.APIRate, 'f', -1, 64), l.APIBurst)
}
