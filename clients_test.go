package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/jobs-api-trainer/trainer/data"
	"github.com/jobs-api-trainer/trainer/quiz"
)

// learnerClient is one browser: a cookie jar (so one learner) that starts
// drill sessions and answers them with plain form posts, as a page without
// JavaScript does. It does not follow redirects, so it sees each 303.
type learnerClient struct {
	base string // changes when the server restarts on another port
	c    *http.Client
	bank *quiz.Bank
	n    int // answers given, to alternate right and wrong
}

// answerAck is one answer the server acknowledged with a 303 to its
// feedback page: the attempt must be stored from then on.
type answerAck struct {
	sessionID int64
	showingID string
	itemID    string
}

func builtinBank(t testing.TB) *quiz.Bank {
	t.Helper()
	b, err := quiz.Load(data.FS, "bank")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newLearnerClient(base string, bank *quiz.Bank) *learnerClient {
	jar, _ := cookiejar.New(nil) // keyed by host, not port: survives a restart on a new port
	return &learnerClient{base: base, bank: bank, c: &http.Client{
		Jar:           jar,
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (l *learnerClient) do(method, path string, form url.Values) (*http.Response, []byte, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, l.base+path, body)
	if err != nil {
		return nil, nil, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := l.c.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res, b, err
}

// startSession starts a drill session of size questions and returns its id.
func (l *learnerClient) startSession(size int) (int64, error) {
	res, body, err := l.do("POST", "/drill/sessions", url.Values{"size": {strconv.Itoa(size)}})
	if err != nil {
		return 0, err
	}
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/drill/s/") {
		return 0, fmt.Errorf("start drill: %d %q %.200s", res.StatusCode, loc, body)
	}
	return strconv.ParseInt(strings.TrimPrefix(loc, "/drill/s/"), 10, 64)
}

// errSessionDone says a session has no question left.
var errSessionDone = errors.New("session done")

// answerNext reads session sid's next question and answers it, every third
// answer wrong. It returns errSessionDone when the session has ended.
func (l *learnerClient) answerNext(sid int64) (answerAck, error) {
	path := "/drill/s/" + strconv.FormatInt(sid, 10)
	res, body, err := l.do("GET", path, nil)
	if err != nil {
		return answerAck{}, err
	}
	if res.StatusCode != http.StatusOK {
		return answerAck{}, fmt.Errorf("GET %s: %d %.200s", path, res.StatusCode, body)
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		return answerAck{}, err
	}
	q := doc.Find(`[data-testid="question"]`)
	if q.Length() == 0 {
		return answerAck{}, errSessionDone
	}
	itemID, _ := q.Attr("data-item")
	showing, _ := q.Find(`input[name="showing"]`).Attr("value")
	it, ok := l.bank.Item(itemID)
	if !ok || showing == "" {
		return answerAck{}, fmt.Errorf("question %q without item or showing", itemID)
	}
	var options []string
	q.Find(`[name="choice"]`).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr("value")
		options = append(options, v)
	})
	chosen := it.Answers()
	l.n++
	if l.n%3 == 0 {
		for _, o := range options {
			if !slices.Contains(it.Answers(), o) {
				chosen = []string{o}
				break
			}
		}
	}
	res, body, err = l.do("POST", path+"/answer", url.Values{"showing": {showing}, "choice": chosen})
	if err != nil {
		return answerAck{}, err
	}
	loc := res.Header.Get("Location")
	prefix := path + "/feedback/"
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		return answerAck{}, fmt.Errorf("answer: %d %q %.200s", res.StatusCode, loc, body)
	}
	return answerAck{sessionID: sid, showingID: strings.TrimPrefix(loc, prefix), itemID: itemID}, nil
}

// apiClient calls the emulator with a Bearer token.
type apiClient struct {
	base, token string
	c           *http.Client
}

func newAPIClient(base, token string) *apiClient {
	return &apiClient{base: base, token: token, c: &http.Client{Timeout: 10 * time.Second}}
}

// call sends body (nil for none) as JSON and decodes the JSON answer.
func (a *apiClient) call(method, path string, body any) (int, map[string]any, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	res, err := a.c.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		return res.StatusCode, nil, fmt.Errorf("%s %s: %d, not JSON: %.200q", method, path, res.StatusCode, raw)
	}
	return res.StatusCode, out, nil
}

// ok calls and wants a 200.
func (a *apiClient) ok(method, path string, body any) (map[string]any, error) {
	code, out, err := a.call(method, path, body)
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("%s %s: %d %v", method, path, code, out)
	}
	return out, nil
}

func jsonInt(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
