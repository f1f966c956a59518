package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/jobs-api-trainer/trainer/store"
	"github.com/jobs-api-trainer/trainer/templates"
)

// signinCodeTTL is how long a sign-in code works (once) after it is made.
const signinCodeTTL = 24 * time.Hour

const (
	wrongSigninCode = "That code does not work: it is mistyped, already used, replaced by a newer one or expired. Make a new one on the browser you learn in."
	tooManySignins  = "Too many wrong codes from here: wait a minute and try again."
	emptySigninCode = "Enter the sign-in code shown on your other browser."
	signinCodeGroup = 4 // characters per group when a code is shown
)

// profileView is the /me page for this request's learner (none for a
// visitor who has not acted): the name form, whether a sign-in code is
// waiting, and the form to use one.
func (s *server) profileView(r *http.Request) (templates.ProfileView, error) {
	l, ok := learnerFrom(r.Context())
	v := templates.ProfileView{
		Meta:        s.meta(r, "You", ""),
		DisplayName: l.DisplayName,
		HasLearner:  ok,
	}
	if !ok {
		return v, nil
	}
	v.Since = l.CreatedAt.Format("2 January 2006")
	exp, err := s.db.SigninCodeExpiry(r.Context(), l.ID, s.now())
	switch {
	case err == nil:
		v.SigninPending = formatExpiry(exp)
	case !errors.Is(err, store.ErrNotFound):
		return v, err
	}
	return v, nil
}

// formatExpiry is when a code stops working, as the page says it.
func formatExpiry(t time.Time) string {
	return t.UTC().Format("2 January 2006, 15:04 UTC")
}

// groupCode shows a code in groups of four (ABCD-EFGH-JKMN), easier to
// read out and type; the dashes are ignored when it is typed back.
func groupCode(code string) string {
	var parts []string
	for len(code) > signinCodeGroup {
		parts = append(parts, code[:signinCodeGroup])
		code = code[signinCodeGroup:]
	}
	return strings.Join(append(parts, code), "-")
}

// handleSigninCodeCreate makes (or replaces) the learner's sign-in code
// and shows it, this once, on the /me page. The page is not cached
// (writePage's no-store) and the code is not put in the cookie.
func (s *server) handleSigninCodeCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	l, _ := learnerFrom(r.Context())
	now := s.now()
	code, err := s.db.IssueSigninCode(r.Context(), l.ID, now, signinCodeTTL)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.profileView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.SigninCode = groupCode(code)
	v.SigninPending = formatExpiry(now.Add(signinCodeTTL))
	s.render(w, r, http.StatusOK, templates.Profile(v))
}

// handleSignin spends a sign-in code typed on this browser and makes the
// cookie name the code's learner at their current session generation.
// Every failure spends one of the client's guesses (codeGuessesPerMinute
// a minute per address); past them, nothing is looked up.
func (s *server) handleSignin(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	typed := cutRunes(strings.TrimSpace(r.PostFormValue("code")), 64)
	fail := func(status int, msg string) {
		v, err := s.profileView(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.SigninTyped, v.SigninError = typed, msg
		s.render(w, r, status, templates.Profile(v))
	}
	client := s.clientAddr(r)
	if s.signins.blocked(client) {
		fail(http.StatusTooManyRequests, tooManySignins)
		return
	}
	if typed == "" {
		fail(http.StatusUnprocessableEntity, emptySigninCode)
		return
	}
	id, err := s.db.UseSigninCode(r.Context(), typed, s.now())
	if errors.Is(err, store.ErrNotFound) {
		s.signins.spend(client)
		fail(http.StatusUnprocessableEntity, wrongSigninCode)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.learners.get(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) { // pruned between the code's lookup and now
		s.signins.spend(client)
		fail(http.StatusUnprocessableEntity, wrongSigninCode)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "Signed in: this browser now continues your progress."
	if l.DisplayName != "" {
		msg = "Signed in: this browser now continues as " + l.DisplayName + "."
	}
	if err := s.signInAs(w, r, l, msg); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/me", http.StatusSeeOther)
}
