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
	"strings"
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
	t   *testing.T
	db  *store.DB
	srv *httptest.Server
	c   *http.Client
}

func newApp(t *testing.T) *app {
	t.Helper()
	return newAppWithDB(t, storetest.New(t))
}

func newAppWithDB(t *testing.T, db *store.DB) *app {
	t.Helper()
	return newAppLogging(t, db, io.Discard)
}

// newAppLogging is newAppWithDB with the server's log written to logOut.
func newAppLogging(t *testing.T, db *store.DB, logOut io.Writer) *app {
	t.Helper()
	ls, err := lessons.Load(data.FS, "lessons")
	if err != nil {
		t.Fatal(err)
	}
	fixtures, err := fs.Sub(data.FS, "workspace")
	if err != nil {
		t.Fatal(err)
	}
	mgr, err := workspace.NewManager(workspace.Options{
		TaskDuration: time.Second,
		Store:        db,
		Resolve: func(ctx context.Context, token string) (workspace.Identity, error) {
			id, err := db.ResolveSandboxToken(ctx, token)
			if err != nil {
				return workspace.Identity{}, workspace.ErrUnknownToken
			}
			return workspace.Identity{WorkspaceID: store.WorkspaceOf(id), UserName: "learner@sandbox.example"}, nil
		},
		Fixtures: fixtures,
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := web.NewServer(slog.New(slog.NewTextHandler(logOut, nil)), db, ls, testBank(t), mgr, web.Options{
		SessionAuthKey: testKeys.auth, SessionEncKey: testKeys.enc,
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &app{t: t, db: db, srv: srv, c: c}
}

// testBank is the real embedded question bank.
func testBank(t *testing.T) *quiz.Bank {
	t.Helper()
	b, err := quiz.Load(data.FS, "bank")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type resp struct {
	status int
	header http.Header
	body   string
	doc    *goquery.Document
}

func (a *app) do(req *http.Request) resp {
	a.t.Helper()
	res, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(string(b)))
	return resp{status: res.StatusCode, header: res.Header, body: string(b), doc: doc}
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

func (r resp) text(sel string) string {
	return strings.TrimSpace(r.doc.Find(sel).Text())
}
