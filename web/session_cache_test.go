package web

import (
	"fmt"
	"testing"
	"time"
)

func TestDecodedCookiesBoundAndFreshness(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := newDecodedCookies(3, time.Minute, func() time.Time { return now })
	for i := range 3 {
		c.put(fmt.Sprint("v", i), map[any]any{keyLearner: int64(i)})
	}
	if _, ok := c.get("v0"); !ok { // v0 is now the most recently used
		t.Fatal("v0 not cached")
	}
	c.put("v3", map[any]any{keyLearner: int64(3)})
	if c.len() != 3 {
		t.Errorf("len = %d, want the bound 3", c.len())
	}
	if _, ok := c.get("v1"); ok {
		t.Error("v1, the least recently used, was not evicted")
	}
	for _, v := range []string{"v0", "v2", "v3"} {
		if _, ok := c.get(v); !ok {
			t.Errorf("%s evicted", v)
		}
	}

	// A caller's changes do not reach the cache.
	got, _ := c.get("v0")
	got[keyFlash] = "changed"
	if again, _ := c.get("v0"); again[keyFlash] != nil {
		t.Error("a session's change leaked into the cached values")
	}

	now = now.Add(2 * time.Minute)
	if _, ok := c.get("v0"); ok {
		t.Error("an entry older than the TTL was served")
	}
}
