package live

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeResolver maps names to addresses; a name with several entries in
// seq answers them in turn (DNS rebinding).
type fakeResolver struct {
	mu    sync.Mutex
	addrs map[string][]string
	seq   map[string][]string
}

func (f *fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if s := f.seq[host]; len(s) > 0 {
		f.seq[host] = s[1:]
		return []net.IPAddr{{IP: net.ParseIP(s[0])}}, nil
	}
	as, ok := f.addrs[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []net.IPAddr
	for _, a := range as {
		out = append(out, net.IPAddr{IP: net.ParseIP(a)})
	}
	return out, nil
}

func newResolver() *fakeResolver {
	return &fakeResolver{addrs: map[string][]string{
		"dbc-abc.cloud.databricks.com":       {"52.1.2.3"},
		"adb-123.4.azuredatabricks.net":      {"20.1.2.3", "2603:1030::1"},
		"1234.5.gcp.databricks.com":          {"34.1.2.3"},
		"x.databricks.azure.cn":              {"40.1.2.3"},
		"x.databricks.azure.us":              {"52.2.2.2"},
		"x.cloud.databricks.us":              {"52.3.3.3"},
		"x.cloud.databricks.mil":             {"52.4.4.4"},
		"evil.cloud.databricks.com":          {"10.0.0.5"},
		"meta.cloud.databricks.com":          {"169.254.169.254"},
		"loop.cloud.databricks.com":          {"127.0.0.1"},
		"loop6.cloud.databricks.com":         {"::1"},
		"ula.cloud.databricks.com":           {"fd00::1"},
		"ll6.cloud.databricks.com":           {"fe80::1"},
		"cgnat.cloud.databricks.com":         {"100.64.1.1"},
		"zero.cloud.databricks.com":          {"0.0.0.0"},
		"mcast.cloud.databricks.com":         {"224.0.0.1"},
		"mixed.cloud.databricks.com":         {"52.1.1.1", "192.168.1.10"},
		"mapped.cloud.databricks.com":        {"::ffff:10.1.1.1"},
		"172.cloud.databricks.com":           {"172.16.5.5"},
		"public172.cloud.databricks.com":     {"172.32.0.1"},
		"nothing.cloud.databricks.com":       {},
		"six-to-four.cloud.databricks.com":   {"2002:7f00:1::1"},
		"dbc-abc.cloud.databricks.com.evil":  {"52.1.2.3"},
		"cloud.databricks.com.attacker.test": {"52.1.2.3"},
	}}
}

func TestCheckHost(t *testing.T) {
	t.Parallel()
	g := Guard{Resolver: newResolver(), Allow: []string{"127.0.0.1:8081", "internal.corp"}}
	tests := []struct {
		name, raw, want, errHas string
		refused                 bool
	}{
		{name: "aws bare", raw: "dbc-abc.cloud.databricks.com", want: "https://dbc-abc.cloud.databricks.com"},
		{name: "aws url with slash", raw: "https://dbc-abc.cloud.databricks.com/", want: "https://dbc-abc.cloud.databricks.com"},
		{name: "path and query stripped", raw: "https://adb-123.4.azuredatabricks.net/?o=123#job/1", want: "https://adb-123.4.azuredatabricks.net"},
		{name: "upper case and port 443", raw: "HTTPS://DBC-ABC.Cloud.Databricks.com:443", want: "https://dbc-abc.cloud.databricks.com"},
		{name: "azure", raw: "adb-123.4.azuredatabricks.net", want: "https://adb-123.4.azuredatabricks.net"},
		{name: "gcp", raw: "1234.5.gcp.databricks.com", want: "https://1234.5.gcp.databricks.com"},
		{name: "azure china", raw: "x.databricks.azure.cn", want: "https://x.databricks.azure.cn"},
		{name: "azure gov", raw: "x.databricks.azure.us", want: "https://x.databricks.azure.us"},
		{name: "aws govcloud", raw: "x.cloud.databricks.us", want: "https://x.cloud.databricks.us"},
		{name: "aws dod", raw: "x.cloud.databricks.mil", want: "https://x.cloud.databricks.mil"},
		{name: "trailing dot", raw: "dbc-abc.cloud.databricks.com.", want: "https://dbc-abc.cloud.databricks.com"},
		{name: "public 172.32", raw: "public172.cloud.databricks.com", want: "https://public172.cloud.databricks.com"},
		{name: "allow host:port over http", raw: "http://127.0.0.1:8081", want: "http://127.0.0.1:8081"},
		{name: "allow host any port", raw: "http://internal.corp:9000/x", want: "http://internal.corp:9000"},

		{name: "empty", raw: "  ", refused: true, errHas: "no workspace host"},
		{name: "other domain", raw: "example.com", refused: true, errHas: "'example.com' is not one"},
		{name: "suffix trick", raw: "dbc-abc.cloud.databricks.com.evil", refused: true, errHas: "is not one"},
		{name: "prefix trick", raw: "cloud.databricks.com.attacker.test", refused: true, errHas: "is not one"},
		{name: "bare domain", raw: "cloud.databricks.com", refused: true, errHas: "is not one"},
		{name: "http", raw: "http://dbc-abc.cloud.databricks.com", refused: true, errHas: "https"},
		{name: "ftp", raw: "ftp://dbc-abc.cloud.databricks.com", refused: true, errHas: "https"},
		{name: "other port", raw: "https://dbc-abc.cloud.databricks.com:8443", refused: true, errHas: "port"},
		{name: "allow port mismatch", raw: "http://127.0.0.1:9999", refused: true, errHas: "https"},
		{name: "userinfo", raw: "https://user:pw@dbc-abc.cloud.databricks.com", refused: true, errHas: "user name or password"},
		{name: "userinfo trick", raw: "dbc-abc.cloud.databricks.com@evil.test", refused: true, errHas: "user name"},
		{name: "ipv4", raw: "10.0.0.1", refused: true, errHas: "IP address"},
		{name: "ipv4 loopback https", raw: "https://127.0.0.1", refused: true, errHas: "IP address"},
		{name: "ipv6", raw: "https://[::1]", refused: true, errHas: "IP address"},
		{name: "decimal ip", raw: "2130706433", refused: true, errHas: "IP address"},
		{name: "hex ip", raw: "0x7f.1", refused: true, errHas: "IP address"},
		{name: "hex whole", raw: "0x7f000001", refused: true, errHas: "IP address"},
		{name: "octal ip", raw: "0177.0.0.1", refused: true, errHas: "IP address"},
		{name: "metadata ip", raw: "169.254.169.254", refused: true, errHas: "IP address"},
		{name: "localhost", raw: "localhost", refused: true, errHas: "this machine"},
		{name: "sub localhost", raw: "a.localhost", refused: true, errHas: "this machine"},
		{name: "resolves private", raw: "evil.cloud.databricks.com", refused: true, errHas: "resolves to 10.0.0.5"},
		{name: "resolves metadata", raw: "meta.cloud.databricks.com", refused: true, errHas: "169.254.169.254"},
		{name: "resolves loopback", raw: "loop.cloud.databricks.com", refused: true, errHas: "127.0.0.1"},
		{name: "resolves ::1", raw: "loop6.cloud.databricks.com", refused: true, errHas: "::1"},
		{name: "resolves ula", raw: "ula.cloud.databricks.com", refused: true, errHas: "fd00::1"},
		{name: "resolves fe80", raw: "ll6.cloud.databricks.com", refused: true, errHas: "fe80::1"},
		{name: "resolves cgnat", raw: "cgnat.cloud.databricks.com", refused: true, errHas: "100.64.1.1"},
		{name: "resolves unspecified", raw: "zero.cloud.databricks.com", refused: true, errHas: "0.0.0.0"},
		{name: "resolves multicast", raw: "mcast.cloud.databricks.com", refused: true, errHas: "224.0.0.1"},
		{name: "one of several private", raw: "mixed.cloud.databricks.com", refused: true, errHas: "192.168.1.10"},
		{name: "v4-mapped private", raw: "mapped.cloud.databricks.com", refused: true, errHas: "10.1.1.1"},
		{name: "172.16/12", raw: "172.cloud.databricks.com", refused: true, errHas: "172.16.5.5"},
		{name: "6to4 loopback", raw: "six-to-four.cloud.databricks.com", refused: true, errHas: "2002:7f00:1::1"},
		{name: "does not resolve", raw: "nope.cloud.databricks.com", errHas: "does not exist"},
		{name: "no addresses", raw: "nothing.cloud.databricks.com", errHas: "no addresses"},
		{name: "bad chars", raw: "a_b.cloud.databricks.com", refused: true, errHas: "is not one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := g.CheckHost(context.Background(), tt.raw)
			if tt.errHas == "" {
				if err != nil {
					t.Fatalf("CheckHost(%q) error: %v", tt.raw, err)
				}
				if got.String() != tt.want {
					t.Fatalf("CheckHost(%q) = %q, want %q", tt.raw, got, tt.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("CheckHost(%q) = %v, want error containing %q", tt.raw, got, tt.errHas)
			}
			if !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("CheckHost(%q) error %q, want it to contain %q", tt.raw, err, tt.errHas)
			}
			if got := errors.Is(err, ErrHostNotAllowed); got != tt.refused {
				t.Errorf("errors.Is(ErrHostNotAllowed) = %v, want %v (%v)", got, tt.refused, err)
			}
		})
	}
}

func TestCheckHostErrorListsDomains(t *testing.T) {
	t.Parallel()
	_, err := Guard{Resolver: newResolver()}.CheckHost(context.Background(), "example.com")
	want := "live mode only talks to Databricks workspace hosts (*.cloud.databricks.com, *.azuredatabricks.net, *.gcp.databricks.com"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error = %v, want it to contain %q", err, want)
	}
}

func TestBlocked(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		ip   string
		want bool
	}{
		{"8.8.8.8", false}, {"52.1.2.3", false}, {"2606:4700::1", false},
		{"127.0.0.1", true}, {"10.1.2.3", true}, {"172.31.255.255", true}, {"192.168.0.1", true},
		{"169.254.169.254", true}, {"100.127.255.255", true}, {"0.0.0.0", true}, {"::", true},
		{"::1", true}, {"fc00::1", true}, {"fe80::1", true}, {"ff02::1", true}, {"255.255.255.255", true},
		{"::ffff:127.0.0.1", true}, {"64:ff9b::a00:1", true},
	} {
		if got := Blocked(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("Blocked(%s) = %v, want %v", tt.ip, got, tt.want)
		}
	}
}

func TestControlPublic(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		addr string
		ok   bool
	}{
		{"52.1.2.3:443", true}, {"127.0.0.1:443", false}, {"[::1]:443", false},
		{"169.254.169.254:80", false}, {"garbage", false},
	} {
		err := controlPublic("tcp", tt.addr, nil)
		if (err == nil) != tt.ok {
			t.Errorf("controlPublic(%s) = %v, want ok=%v", tt.addr, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrHostNotAllowed) {
			t.Errorf("controlPublic(%s) error %v does not wrap ErrHostNotAllowed", tt.addr, err)
		}
	}
}

func TestCheckRequest(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		method, path string
		ok           bool
	}{
		{"GET", "/api/2.2/jobs/list", true},
		{"POST", "/api/2.1/jobs/runs/submit", true},
		{"PUT", "/api/2.0/permissions/jobs/101", true},
		{"PATCH", "/api/2.0/permissions/jobs/101", true},
		{"GET", "/api/2.0/permissions/jobs/101/permissionLevels", true},
		{"DELETE", "/api/2.2/jobs/delete", false},
		{"GET", "/api/2.0/clusters/list", false},
		{"GET", "/api/2.2/jobs/../../2.0/secrets/list", false},
		{"GET", "/api/2.2/jobs/%2e%2e/x", false},
		{"GET", "/api/2.2/jobsx", false},
		{"GET", "/api/2.0/permissions/clusters/1", false},
		{"GET", "/api/2.2/jobs//get", false},
		{"GET", "/api/2.2/jobs/get?x=1", false},
		{"GET", "/api/2.2/jobs/nope", false},
		{"POST", "/api/2.2/jobs/list", false},
		{"GET", "/api/2.1/jobs/policy-compliance/get", false},
		{"GET", "/api/2.2/jobs/runs/get/", true},
	} {
		err := CheckRequest(tt.method, tt.path)
		if (err == nil) != tt.ok {
			t.Errorf("CheckRequest(%s %s) = %v, want ok=%v", tt.method, tt.path, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrRequestNotAllowed) {
			t.Errorf("error %v does not wrap ErrRequestNotAllowed", err)
		}
	}
}

// server starts an httptest server and a client allowed to reach it.
func server(t *testing.T, h http.HandlerFunc) (*Client, *url.URL) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{Guard: Guard{Allow: []string{u.Host}}}, u
}

func TestDo(t *testing.T) {
	t.Parallel()
	var gotAuth, gotCT, gotURL, gotBody string
	c, u := server(t, func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotCT, gotURL = r.Header.Get("Authorization"), r.Header.Get("Content-Type"), r.URL.String()
		b := make([]byte, 100)
		n, _ := r.Body.Read(b)
		gotBody = string(b[:n])
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"run_id":555}`))
	})
	resp, err := c.Do(context.Background(), u, "dapi-secret", Request{Method: "POST", Path: "/api/2.2/jobs/run-now",
		Query: url.Values{"a": {"1"}}, Body: []byte(`{"job_id":101}`)})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != 200 || string(resp.Body) != `{"run_id":555}` || resp.Truncated {
		t.Errorf("resp = %d %q truncated=%v", resp.Status, resp.Body, resp.Truncated)
	}
	if gotAuth != "Bearer dapi-secret" || gotCT != "application/json" || gotURL != "/api/2.2/jobs/run-now?a=1" || gotBody != `{"job_id":101}` {
		t.Errorf("server saw auth=%q ct=%q url=%q body=%q", gotAuth, gotCT, gotURL, gotBody)
	}
}

func TestDoRefusesPathBeforeConnecting(t *testing.T) {
	t.Parallel()
	hit := false
	c, u := server(t, func(w http.ResponseWriter, r *http.Request) { hit = true })
	_, err := c.Do(context.Background(), u, "dapi-secret", Request{Method: "GET", Path: "/api/2.0/secrets/list"})
	if !errors.Is(err, ErrRequestNotAllowed) {
		t.Fatalf("err = %v, want ErrRequestNotAllowed", err)
	}
	if hit {
		t.Error("the server was reached")
	}
	if strings.Contains(err.Error(), "dapi-secret") {
		t.Error("the error contains the token")
	}
}

func TestDoRefusesHost(t *testing.T) {
	t.Parallel()
	c := &Client{Guard: Guard{Resolver: newResolver()}}
	for _, h := range []string{"https://evil.cloud.databricks.com", "https://127.0.0.1", "http://example.com"} {
		u, _ := url.Parse(h)
		_, err := c.Do(context.Background(), u, "dapi-secret", Request{Method: "GET", Path: "/api/2.2/jobs/list"})
		if !errors.Is(err, ErrHostNotAllowed) {
			t.Errorf("Do(%s) err = %v, want ErrHostNotAllowed", h, err)
		}
	}
}

// TestDoDNSRebinding: the name is public when checked, then resolves to
// loopback when dialled; the dial must refuse it.
func TestDoDNSRebinding(t *testing.T) {
	t.Parallel()
	r := newResolver()
	r.seq = map[string][]string{"rebind.cloud.databricks.com": {"52.9.9.9", "127.0.0.1"}}
	c := &Client{Guard: Guard{Resolver: r}, Timeout: 2 * time.Second}
	u, _ := url.Parse("https://rebind.cloud.databricks.com")
	_, err := c.Do(context.Background(), u, "dapi-secret", Request{Method: "GET", Path: "/api/2.2/jobs/list"})
	if !errors.Is(err, ErrHostNotAllowed) {
		t.Fatalf("err = %v, want ErrHostNotAllowed", err)
	}
}

func TestDoSizeCap(t *testing.T) {
	t.Parallel()
	c, u := server(t, func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(strings.Repeat("x", 1000)))
	})
	c.MaxBody = 100
	resp, err := c.Do(context.Background(), u, "t", Request{Method: "GET", Path: "/api/2.2/jobs/list"})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Body) != 100 || !resp.Truncated {
		t.Errorf("len(body) = %d truncated = %v, want 100 true", len(resp.Body), resp.Truncated)
	}
	c.MaxBody = 1000
	resp, err = c.Do(context.Background(), u, "t", Request{Method: "GET", Path: "/api/2.2/jobs/list"})
	if err != nil || len(resp.Body) != 1000 || resp.Truncated {
		t.Errorf("at the limit: len = %d truncated = %v err = %v", len(resp.Body), resp.Truncated, err)
	}
}

func TestDoTimeout(t *testing.T) {
	t.Parallel()
	c, u := server(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	c.Timeout = 50 * time.Millisecond
	_, err := c.Do(context.Background(), u, "dapi-secret", Request{Method: "GET", Path: "/api/2.2/jobs/list"})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	if strings.Contains(err.Error(), "dapi-secret") {
		t.Error("the error contains the token")
	}
}

// TestDoKeepsNoConnection: Do builds a transport per call, so it must ask
// for the connection to be closed rather than leave an idle one behind.
func TestDoKeepsNoConnection(t *testing.T) {
	t.Parallel()
	var closeAsked []bool
	c, u := server(t, func(w http.ResponseWriter, r *http.Request) {
		closeAsked = append(closeAsked, r.Close)
		w.Write([]byte(`{}`))
	})
	for range 2 {
		if _, err := c.Do(context.Background(), u, "t", Request{Method: "GET", Path: "/api/2.2/jobs/list"}); err != nil {
			t.Fatal(err)
		}
	}
	if len(closeAsked) != 2 || !closeAsked[0] || !closeAsked[1] {
		t.Errorf("Connection: close sent = %v, want [true true]", closeAsked)
	}
}

func TestDoNoRedirect(t *testing.T) {
	t.Parallel()
	followed := false
	c, u := server(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			followed = true
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	})
	resp, err := c.Do(context.Background(), u, "t", Request{Method: "GET", Path: "/api/2.2/jobs/list"})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Status != http.StatusFound || resp.Header.Get("Location") != "/elsewhere" {
		t.Errorf("resp = %d Location=%q", resp.Status, resp.Header.Get("Location"))
	}
	if followed {
		t.Error("the redirect was followed")
	}
}

func TestDoTokenChecks(t *testing.T) {
	t.Parallel()
	c, u := server(t, func(w http.ResponseWriter, r *http.Request) {})
	_, err := c.Do(context.Background(), u, "abc\r\nX-Evil: 1", Request{Method: "GET", Path: "/api/2.2/jobs/list"})
	if err == nil || strings.Contains(err.Error(), "X-Evil") {
		t.Errorf("err = %v", err)
	}
}
