package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// makeSigninCode creates a sign-in code on /me and returns it as shown.
func (a *app) makeSigninCode() string {
	a.t.Helper()
	r := a.postForm("/me/signin-code", nil)
	code := r.text("[data-testid=signin-code]")
	if r.status != http.StatusOK || code == "" {
		a.t.Fatalf("make sign-in code: %d, code %q", r.status, code)
	}
	return code
}

// useSigninCode types code into the sign-in form on /me.
func (a *app) useSigninCode(code string) resp {
	a.t.Helper()
	return a.postForm("/me/signin", url.Values{"code": {code}})
}

// TestSigninCodeMovesLearner: a learner who set a name makes a code; a
// second browser types it and is that learner (same name on /me, and the
// first browser still works); the code then works no more, and the page
// does not show it again.
func TestSigninCodeMovesLearner(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	if r := a.postForm("/me", url.Values{"display_name": {"Ada Lovelace"}}); r.status != http.StatusSeeOther {
		t.Fatalf("set name: %d", r.status)
	}
	code := a.makeSigninCode()
	plain := strings.ReplaceAll(code, "-", "")
	if len(plain) < 10 || strings.ContainsAny(plain, "01ILO") {
		t.Fatalf("code %q: want at least 10 characters without 0, 1, I, L or O", code)
	}
	me := a.get("/me")
	if strings.Contains(me.body, code) || strings.Contains(me.body, plain) {
		t.Fatal("/me shows the code again after it was made")
	}
	if me.text("[data-testid=signin-pending]") == "" {
		t.Error("/me does not say a code is waiting")
	}
	if me.text("[data-testid=cookie-note]") == "" {
		t.Error("/me lost the note on clearing cookies")
	}

	bob := a.otherLearner()
	if r := bob.get("/me"); r.text("[data-testid=signin-form] label") != "Continue on this browser: enter your code" {
		t.Fatalf("sign-in form label: %q", r.text("[data-testid=signin-form] label"))
	}
	r := bob.useSigninCode(strings.ToLower(code))
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/me" {
		t.Fatalf("use code: %d %q", r.status, r.header.Get("Location"))
	}
	page := bob.get("/me")
	if got := page.doc().Find("#display_name").AttrOr("value", ""); got != "Ada Lovelace" {
		t.Fatalf("second browser's name %q, want Ada Lovelace", got)
	}
	if !strings.Contains(page.text("[data-testid=flash]"), "Ada Lovelace") {
		t.Errorf("flash %q", page.text("[data-testid=flash]"))
	}
	if page.text("[data-testid=signin-pending]") != "" {
		t.Error("a used code still shows as waiting")
	}
	// A name set in the second browser is the first browser's too.
	if r := bob.postForm("/me", url.Values{"display_name": {"Ada L."}}); r.status != http.StatusSeeOther {
		t.Fatalf("rename from the second browser: %d", r.status)
	}
	if got := a.get("/me").doc().Find("#display_name").AttrOr("value", ""); got != "Ada L." {
		t.Fatalf("first browser's name %q, want Ada L.", got)
	}

	carol := a.otherLearner()
	again := carol.useSigninCode(code)
	if again.status != http.StatusUnprocessableEntity || again.text("[data-testid=signin-error]") == "" {
		t.Fatalf("second use of a code: %d, error %q", again.status, again.text("[data-testid=signin-error]"))
	}
	if got := carol.get("/me").doc().Find("#display_name").AttrOr("value", ""); got != "" {
		t.Fatalf("refused browser has name %q", got)
	}
}

// TestSigninWrongCodes: a wrong code is a form error on /me, with the
// typed code kept; the 11th wrong guess in a minute is refused, and so is
// a right code then (nothing is looked up); a minute later it works.
func TestSigninWrongCodes(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now})
	a.act()
	code := a.makeSigninCode()

	eve := a.otherLearner()
	if r := eve.useSigninCode(""); r.status != http.StatusUnprocessableEntity || r.text("[data-testid=signin-error]") == "" {
		t.Fatalf("empty code: %d %q", r.status, r.text("[data-testid=signin-error]"))
	}
	for i := 1; i <= 10; i++ { // an empty code is no guess
		typed := "WRONG-CODE-" + string(rune('A'+i))
		r := eve.useSigninCode(typed)
		if r.status != http.StatusUnprocessableEntity {
			t.Fatalf("wrong guess %d: %d", i, r.status)
		}
		if !strings.Contains(r.text("[data-testid=signin-error]"), "does not work") {
			t.Fatalf("wrong guess %d: error %q", i, r.text("[data-testid=signin-error]"))
		}
		if got := r.doc().Find("#signin_code").AttrOr("value", ""); got != typed {
			t.Fatalf("typed code not kept: %q", got)
		}
		if r.doc().Find("#signin_code").AttrOr("aria-invalid", "") != "true" {
			t.Fatal("the code field is not marked invalid")
		}
	}
	r := eve.useSigninCode("WRONG-CODE-Z")
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.text("[data-testid=signin-error]"), "Too many") {
		t.Fatalf("11th wrong guess: %d %q", r.status, r.text("[data-testid=signin-error]"))
	}
	if r := eve.useSigninCode(code); r.status != http.StatusTooManyRequests {
		t.Fatalf("right code after 11 guesses in a minute: %d", r.status)
	}
	if eve.get("/me").doc().Find("[data-testid=signin-code-form]").Length() != 0 {
		t.Error("wrong guesses made the guessing browser a learner")
	}
	clk.Advance(time.Minute)
	if r := eve.useSigninCode(code); r.status != http.StatusSeeOther {
		t.Fatalf("right code a minute later: %d %q", r.status, r.text("[data-testid=signin-error]"))
	}
}

// TestSigninCodeExpires: a code typed after its 24 hours is refused, and
// a new code (which replaces the old) works.
func TestSigninCodeExpires(t *testing.T) {
	t.Parallel()
	clk := newFakeClock()
	a := newTestServer(t, testOpts{Now: clk.Now})
	a.act()
	old := a.makeSigninCode()
	clk.Advance(24*time.Hour + time.Second)
	bob := a.otherLearner()
	if r := bob.useSigninCode(old); r.status != http.StatusUnprocessableEntity || r.text("[data-testid=signin-error]") == "" {
		t.Fatalf("expired code: %d %q", r.status, r.text("[data-testid=signin-error]"))
	}
	first := a.makeSigninCode()
	newer := a.makeSigninCode()
	if r := bob.useSigninCode(first); r.status != http.StatusUnprocessableEntity {
		t.Fatalf("replaced code: %d", r.status)
	}
	if r := bob.useSigninCode(newer); r.status != http.StatusSeeOther {
		t.Fatalf("fresh code: %d %q", r.status, r.text("[data-testid=signin-error]"))
	}
}
