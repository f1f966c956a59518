package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A showing is one display of one item in one session. The form carries it
// signed, so the server can trust, without storing anything, which item was
// shown, in which option order (Shuffle with Seed) and since when.
type showing struct {
	SessionID int64
	ItemID    string
	Seed      uint64
	ShownAt   time.Time
}

// newShowingKey derives the HMAC key for showings from the session
// authentication key, so that it needs no configuration of its own and a
// cookie key never signs anything but cookies. NewServer computes it once.
func newShowingKey(sessionAuthKey []byte) []byte {
	m := hmac.New(sha256.New, sessionAuthKey)
	m.Write([]byte("jobs-api-trainer/drill-showing/v1"))
	return m.Sum(nil)
}

func (s *server) showingMAC(payload string) []byte {
	m := hmac.New(sha256.New, s.showingKey)
	m.Write([]byte(payload))
	return m.Sum(nil)[:18]
}

// signShowing encodes sh as "v1.<session>.<item>.<seed hex>.<ms>.<mac>".
// Item ids are [a-z0-9-]+, so the dots are unambiguous.
func (s *server) signShowing(sh showing) string {
	payload := "v1." + strconv.FormatInt(sh.SessionID, 10) + "." + sh.ItemID + "." +
		strconv.FormatUint(sh.Seed, 16) + "." + strconv.FormatInt(sh.ShownAt.UnixMilli(), 10)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.showingMAC(payload))
}

// verifyShowing checks the signature of a token from signShowing and
// decodes it.
func (s *server) verifyShowing(tok string) (showing, bool) {
	if len(tok) > 512 {
		return showing{}, false
	}
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		return showing{}, false
	}
	payload := tok[:i]
	mac, err := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if err != nil || !hmac.Equal(mac, s.showingMAC(payload)) {
		return showing{}, false
	}
	parts := strings.Split(payload, ".")
	if len(parts) != 5 || parts[0] != "v1" {
		return showing{}, false
	}
	sid, err1 := strconv.ParseInt(parts[1], 10, 64)
	seed, err2 := strconv.ParseUint(parts[3], 16, 64)
	at, err3 := strconv.ParseInt(parts[4], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return showing{}, false
	}
	return showing{SessionID: sid, ItemID: parts[2], Seed: seed, ShownAt: time.UnixMilli(at).UTC()}, true
}

// showingID is the store's idempotency key for a token: one attempt per
// showing, so a double submit is recorded once.
func showingID(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:16])
}

// seedFor is the shuffle seed of item in session sid. It is the same on
// every showing of the item in the session, so a reload keeps the option
// order and the feedback page can show it again from the item alone.
func (s *server) seedFor(sid int64, itemID string) uint64 {
	m := hmac.New(sha256.New, s.showingKey)
	fmt.Fprintf(m, "seed.%d.%s", sid, itemID)
	return binary.BigEndian.Uint64(m.Sum(nil))
}
