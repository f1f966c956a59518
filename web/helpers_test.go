package web_test

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/lessons"
	"github.com/jobs-api-trainer/trainer/quiz"
	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/store/storetest"
	"github.com/jobs-api-trainer/trainer/web"
	"github.com/jobs-api-trainer/trainer/workspace"
)

var testKeys = struct{ auth, enc []byte }{
	auth: []byte("0123456789abcdef0123456789abcdef"),
	enc:  []byte("fedcba9876543210fedcba9876543210"),
}

// app is the real server over a temp-dir database.
type app struct {
	t   testing.TB
	db  *store.DB
	srv *httptest.Server
	c   *http.Client
}

func newApp(t testing.TB) *app {
	t.Helper()
	return newTestServer(t, testOpts{})
}

// testOpts adjusts the real server the tests build; the zero value is
// newApp's.
type testOpts struct {
	DB           *store.DB        // nil = a fresh temp-dir database
	Now          func() time.Time // the web server's and the emulator's clock; nil = time.Now
	TaskDuration time.Duration    // one emulated task attempt; 0 = 1s
	LogOut       io.Writer        // the server's log; nil = io.Discard
	// Web is merged over the test session keys; Web.Now defaults to Now
	// (set only Web.Now for a web clock over a real-time emulator).
	Web web.Options
	// Limits are the emulator's (zero fields: its defaults).
	Limits workspace.Limits
	// TrustProxy sets -trust-proxy for the emulator and the pages alike.
	TrustProxy bool
	// NoSandbox gives the server a workspace manager that stores nothing
	// and knows no token (the drill server's: drills never reach it).
	NoSandbox bool
}

// newTestServer is the real server for o behind an httptest.Server, with a
// cookie-keeping client that does not follow redirects and asks for no
// compression: Go's default transport would ask for gzip, and every test
// server would then compress its pages and brotli-compress each static file
// it serves (tens of milliseconds each). TestCompression checks the
// encodings themselves, and the browser tests get every page compressed.
func newTestServer(tb testing.TB, o testOpts) *app {
	tb.Helper()
	if o.DB == nil {
		o.DB = storetest.New(tb)
	}
	srv := httptest.NewServer(newTestHandler(tb, o))
	tb.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &app{t: tb, db: o.DB, srv: srv, c: c}
}

// newTestHandler is the real server's handler for o, without a listener
// (the drill benchmark calls it directly).
func newTestHandler(tb testing.TB, o testOpts) http.Handler {
	tb.Helper()
	db := o.DB
	if db == nil {
		db = storetest.New(tb)
	}
	ls := testLessons(tb)
	fixtures, err := fs.Sub(data.FS, "workspace")
	if err != nil {
		tb.Fatal(err)
	}
	wo := workspace.Options{
		Now:          o.Now,
		TaskDuration: o.TaskDuration,
		Store:        db,
		Resolve: func(ctx context.Context, token string) (workspace.Identity, error) {
			id, err := db.ResolveSandboxToken(ctx, token)
			if err != nil {
				// Workshop seats' race tokens, as the real resolver has them.
				return web.TokenResolver(db, nil)(ctx, token)
			}
			return workspace.Identity{WorkspaceID: store.WorkspaceOf(id), UserName: "learner@sandbox.example"}, nil
		},
		Fixtures:   fixtures,
		Limits:     o.Limits,
		TrustProxy: o.TrustProxy,
	}
	if wo.TaskDuration == 0 {
		wo.TaskDuration = time.Second
	}
	if o.NoSandbox {
		wo.Store, wo.TaskDuration = nil, o.TaskDuration
		wo.Resolve = func(context.Context, string) (workspace.Identity, error) {
			return workspace.Identity{}, workspace.ErrUnknownToken
		}
	}
	mgr, err := workspace.NewManager(wo)
	if err != nil {
		tb.Fatal(err)
	}
	w := o.Web
	if w.SessionAuthKey == nil {
		w.SessionAuthKey = testKeys.auth
	}
	if w.SessionEncKey == nil {
		w.SessionEncKey = testKeys.enc
	}
	if w.Now == nil {
		w.Now = o.Now
	}
	if len(w.Exam.Topics) == 0 {
		w.Exam = testBlueprint(tb)
	}
	w.TrustProxy = w.TrustProxy || o.TrustProxy
	logOut := o.LogOut
	if logOut == nil {
		logOut = io.Discard
	}
	h, err := web.NewServer(slog.New(slog.NewTextHandler(logOut, nil)), db, ls, testBank(tb), mgr, w)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

// The lesson set and the bank are loaded once for the whole package: they
// are read-only after loading, and every test server shares them.
var (
	loadContent sync.Once
	sharedLS    *lessons.Set
	sharedBank  *quiz.Bank
	sharedExam  quiz.Blueprint
	contentErr  error
)

func loadTestContent(tb testing.TB) {
	tb.Helper()
	loadContent.Do(func() {
		if sharedLS, contentErr = lessons.Load(data.FS, "lessons"); contentErr != nil {
			return
		}
		if sharedBank, contentErr = quiz.Load(data.FS, "bank"); contentErr != nil {
			return
		}
		sharedExam, contentErr = quiz.LoadBlueprint(data.FS, quiz.BlueprintPath, sharedBank)
	})
	if contentErr != nil {
		tb.Fatal(contentErr)
	}
}

// testLessons is the real embedded lesson set, loaded once.
func testLessons(tb testing.TB) *lessons.Set {
	tb.Helper()
	loadTestContent(tb)
	return sharedLS
}

// testBlueprint is the real embedded exam blueprint, loaded once.
func testBlueprint(tb testing.TB) quiz.Blueprint {
	tb.Helper()
	loadTestContent(tb)
	return sharedExam
}

// testBank is the real embedded question bank, loaded once.
func testBank(tb testing.TB) *quiz.Bank {
	tb.Helper()
	loadTestContent(tb)
	return sharedBank
}

// e2e reports whether E2E=1 (as .ci/run sets): the full, slower sizes of
// the few tests whose property holds at a smaller size too.
func e2e() bool { return os.Getenv("E2E") == "1" }

// clockT0 is where every fakeClock starts: a Monday morning.
var clockT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// fakeClock is a clock tests move by hand; pass its Now to testOpts.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

// newFakeClock returns a fakeClock at clockT0.
func newFakeClock() *fakeClock { return &fakeClock{t: clockT0} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *fakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type resp struct {
	status int
	header http.Header
	body   string
	parsed *lazyDoc
}

// lazyDoc parses a response body as HTML on first use: most responses
// the tests read are checked by status, header or JSON, never parsed.
type lazyDoc struct {
	once sync.Once
	body string
	doc  *goquery.Document
}

// doc is the body parsed as HTML (the parser takes any text; only a
// failing reader could fail it, and a strings.Reader does not).
func (r resp) doc() *goquery.Document {
	p := r.parsed
	p.once.Do(func() {
		var err error
		if p.doc, err = goquery.NewDocumentFromReader(strings.NewReader(p.body)); err != nil {
			panic(err)
		}
	})
	return p.doc
}

func (a *app) do(req *http.Request) resp {
	a.t.Helper()
	res, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: string(b), parsed: &lazyDoc{body: string(b)}}
}

func (a *app) get(path string) resp {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
	return a.do(req)
}

func (a *app) postForm(path string, v url.Values) resp {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return a.do(req)
}

// act makes the client's visitor a learner, as any first action does
// (looking around stores nothing): it switches live mode off, which
// changes nothing else.
func (a *app) act() {
	a.t.Helper()
	if r := a.postForm("/sandbox/live/off", nil); r.status != http.StatusSeeOther {
		a.t.Fatalf("first action: %d", r.status)
	}
}

// hxPost posts a form the way htmx does (HX-Request: true).
func (a *app) hxPost(path string, v url.Values) resp {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	return a.do(req)
}

// hxGet gets a page the way htmx does (HX-Request: true).
func (a *app) hxGet(path string) resp {
	a.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, a.srv.URL+path, nil)
	req.Header.Set("HX-Request", "true")
	return a.do(req)
}

func (r resp) text(sel string) string {
	return strings.TrimSpace(r.doc().Find(sel).Text())
}
