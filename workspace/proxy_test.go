package workspace

import (
	"net/http/httptest"
	"testing"
)

func TestClientAddr(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		xff   []string // X-Forwarded-For lines
		trust bool
		want  string
	}{
		{"no proxy header", nil, true, "192.0.2.1"},
		{"header ignored without the flag", []string{"203.0.113.5"}, false, "192.0.2.1"},
		{"the proxy's entry is the last", []string{"10.0.0.1, 203.0.113.5"}, true, "203.0.113.5"},
		{"the last of several lines", []string{"10.0.0.1", "10.0.0.2, 203.0.113.6"}, true, "203.0.113.6"},
		{"IPv6", []string{"2001:db8::1"}, true, "2001:db8::1"},
		{"garbage last entry: the peer", []string{"203.0.113.5, not-an-ip"}, true, "192.0.2.1"},
		{"empty last entry: the peer", []string{"203.0.113.5,"}, true, "192.0.2.1"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "192.0.2.1:4242"
		for _, v := range tt.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		if got := ClientAddr(r, tt.trust); got != tt.want {
			t.Errorf("%s: ClientAddr = %q, want %q", tt.name, got, tt.want)
		}
	}
}
