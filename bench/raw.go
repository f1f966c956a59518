package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/gorilla/sessions"
)

// capture is one of our server's answers, replayed by the raw server.
type capture struct {
	Method, URI string
	response
}

// serveRaw is the harness's child process (`bench raw -file F`): a plain
// net/http server that answers each captured request with the captured
// status, headers and bytes, and the drill answer with the same HTTP work
// as ours (cookie decode, cross-origin check, form, showing signature) but
// no store: a 303 to the feedback page. It prints its address and serves
// until killed.
func serveRaw(args []string) error {
	fl := flag.NewFlagSet("bench raw", flag.ContinueOnError)
	file := fl.String("file", "", "captured answers (JSON)")
	if err := fl.Parse(args); err != nil {
		return err
	}
	b, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	var caps []capture
	if err := json.Unmarshal(b, &caps); err != nil {
		return err
	}
	byKey := map[string]capture{}
	for _, c := range caps {
		byKey[c.Method+" "+c.URI] = c
	}
	k := newKeys(sessionSecret)
	cookies := sessions.NewCookieStore(k.auth, k.enc)
	cookies.MaxAge(400 * 24 * 3600)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /drill/s/{id}/answer", func(w http.ResponseWriter, r *http.Request) {
		sess, err := cookies.Get(r, "trainer")
		if err != nil || sess.Values["learner_id"] == nil {
			http.Error(w, "no session", http.StatusForbidden)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		tok := r.PostFormValue("showing")
		i := strings.LastIndexByte(tok, '.')
		if i < 0 {
			http.Error(w, "bad showing", http.StatusBadRequest)
			return
		}
		mac, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
		m := hmac.New(sha256.New, k.showingKey)
		m.Write([]byte(tok[:i]))
		if err != nil || !hmac.Equal(mac, m.Sum(nil)[:18]) || len(r.PostForm["choice"]) == 0 {
			http.Error(w, "bad showing", http.StatusBadRequest)
			return
		}
		sum := sha256.Sum256([]byte(tok))
		http.Redirect(w, r, "/drill/s/"+r.PathValue("id")+"/feedback/"+hex.EncodeToString(sum[:16]), http.StatusSeeOther)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		c, ok := byKey[r.Method+" "+r.RequestURI]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		for name, v := range c.Header {
			if name != "Date" {
				h[name] = v
			}
		}
		w.WriteHeader(c.Status)
		w.Write(c.Body)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println("listening", ln.Addr())
	csrf := http.NewCrossOriginProtection()
	return http.Serve(ln, csrf.Handler(mux))
}
