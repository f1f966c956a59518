package web

import (
	"fmt"
	"testing"
	"time"
)

func TestClientLimiterBucketsAndBound(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := newClientLimiter(func() time.Time { return now }, time.Minute, 2)
	spendAll := func(client string) {
		c.spend(client)
		c.spend(client)
	}
	spendAll("2001:db8:1:2::1")
	if !c.blocked("2001:db8:1:2:ffff::9") {
		t.Error("another address of the same IPv6 /64 has its own bucket")
	}
	if c.blocked("2001:db8:1:3::1") {
		t.Error("another /64 shares the bucket")
	}
	spendAll("192.0.2.1")
	if !c.blocked("192.0.2.1") || c.blocked("192.0.2.2") {
		t.Error("IPv4 addresses are not counted one by one")
	}
	for i := range maxClients + 50 {
		c.spend(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
	}
	if n := c.buckets.Len(); n != maxClients {
		t.Errorf("%d buckets kept, want the bound %d", n, maxClients)
	}
}
