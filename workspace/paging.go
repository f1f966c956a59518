package workspace

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
)

// pageToken is the decoded content of an opaque page token: which listing
// it belongs to, and a position. Positions are keyset positions (an id) for
// lists, so tokens stay valid and stable while others write, and page
// numbers for jobs/get and runs/get arrays.
type pageToken struct {
	kind string // "jl" jobs/list, "rl" runs/list, "jg" jobs/get, "rg" runs/get
	dir  string // "n" next, "p" previous
	pos  int64  // list: last (next) / first (prev) id on the page; get: page number
	obj  int64  // get: the job or run id the token belongs to
}

// maxGetPage bounds the page number a jobs/get or runs/get token may
// carry: 1,000 tasks (the real per-job limit) is 10 pages; repair history
// and parameters stay far below this.
const maxGetPage = 1 << 12

// tokenSealer makes and opens page tokens for one workspace and API
// version. A token is AES-GCM sealed with a key only the server knows
// (Options.PageTokenKey), with a nonce derived from its content, so it is
// opaque, deterministic (the same page always gets the same token), and
// authenticated: a token minted by a client, or issued by another
// workspace or for another endpoint, does not open.
type tokenSealer struct {
	aead  cipher.AEAD
	nonce []byte // HMAC key for the nonce
	scope []byte // additional data: the workspace id
}

// newTokenAEAD derives the sealing cipher and the nonce key from key.
func newTokenAEAD(key []byte) (cipher.AEAD, []byte) {
	mac := func(label string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(label))
		return h.Sum(nil)
	}
	block, err := aes.NewCipher(mac("page-token-seal"))
	if err != nil {
		panic(err) // unreachable: a SHA-256 sum is a valid AES-256 key
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err) // unreachable: AES has a 16-byte block
	}
	return aead, mac("page-token-nonce")
}

// tokens returns the sealer for this request's workspace. The token's
// kind binds it to its endpoint (jobs/list, runs/list, jobs/get,
// runs/get); list filters and get ids are inside it. Like the real API, a
// 2.2 list token also pages the same list on 2.1.
func (rq *req) tokens() tokenSealer {
	return tokenSealer{aead: rq.m.tokenAEAD, nonce: rq.m.tokenNonce, scope: []byte("ws:" + rq.who.WorkspaceID)}
}

// seal returns the opaque token for t.
func (ts tokenSealer) seal(t pageToken) string {
	body := []byte("2|" + t.kind + "|" + t.dir + "|" + strconv.FormatInt(t.pos, 10) + "|" + strconv.FormatInt(t.obj, 10))
	h := hmac.New(sha256.New, ts.nonce)
	h.Write(ts.scope)
	h.Write([]byte{0})
	h.Write(body)
	nonce := h.Sum(nil)[:ts.aead.NonceSize()]
	return base64.RawURLEncoding.EncodeToString(ts.aead.Seal(nonce, nonce, body, ts.scope))
}

// open decodes a page token for kind, or returns the 400
// INVALID_PARAMETER_VALUE naming page_token: for anything not sealed by
// this server for this workspace and kind, and for decoded
// numbers out of range.
func (ts tokenSealer) open(s, kind string) (pageToken, error) {
	bad := invalidParam("Invalid page_token '%s': it is not a page token returned by this API for this request.", truncate(s, 64))
	raw, err := base64.RawURLEncoding.DecodeString(s)
	ns := ts.aead.NonceSize()
	if err != nil || len(s) > 256 || len(raw) < ns+ts.aead.Overhead() {
		return pageToken{}, bad
	}
	body, err := ts.aead.Open(nil, raw[:ns], raw[ns:], ts.scope)
	if err != nil {
		return pageToken{}, bad
	}
	parts := strings.Split(string(body), "|")
	if len(parts) != 5 || parts[0] != "2" || parts[1] != kind || (parts[2] != "n" && parts[2] != "p") {
		return pageToken{}, bad
	}
	pos, err1 := strconv.ParseInt(parts[3], 10, 64)
	obj, err2 := strconv.ParseInt(parts[4], 10, 64)
	if err1 != nil || err2 != nil || pos < 0 || obj < 0 {
		return pageToken{}, bad
	}
	return pageToken{kind: kind, dir: parts[2], pos: pos, obj: obj}, nil
}

// Offset caps of the two list endpoints. The deprecated offset parameter
// is refused past them with 400 INVALID_PARAMETER_VALUE, pointing to
// page_token; an offset at the cap is still served.
//   - jobs/list: 1,000. Real answer to offset=1025 quoted in
//     databricks/terraform-provider-databricks#2807 and
//     open-metadata/OpenMetadata#33200 (offset 1000 served, 1100 refused).
//   - runs/list: 10,000. Real answer to offset=10020 quoted in
//     databricks/databricks-sdk-py#278 (offset=10000 was served).
const (
	jobsListMaxOffset = 1000
	runsListMaxOffset = 10000
)

// checkOffset reads the offset query parameter of jobs/list or runs/list
// (docPage names the endpoint's API reference page, which the real message
// links to) and refuses a negative one, or one past maxOffset, with the
// real service's message (its missing space after "parameter." included).
func (rq *req) checkOffset(maxOffset int64, docPage string) (int64, error) {
	offset, _, err := rq.qInt("offset")
	if err != nil {
		return 0, err
	}
	if offset < 0 {
		return 0, invalidParam("Invalid offset %d: offset must not be negative.", offset)
	}
	if offset > maxOffset {
		return 0, invalidParam("The supplied offset %d has exceeded the value of %d allowed for this parameter."+
			"Please use the page_token parameter to paginate: https://docs.databricks.com/api/workspace/jobs/%s.", offset, maxOffset, docPage)
	}
	return offset, nil
}

// getPages names the two paged get calls for getPage's messages.
var getPages = map[string]struct{ verb, path, noun string }{
	"jg": {"jobs/get", "/api/2.2/jobs/get", "job"},
	"rg": {"runs/get", "/api/2.2/jobs/runs/get", "run"},
}

// getPage reads the page_token of jobs/get (kind "jg") or runs/get ("rg")
// for job or run id: page 0 when there is none. API 2.1 has no pages there,
// and a token issued for another job or run is refused.
func (rq *req) getPage(kind string, id int64) (int, error) {
	t := rq.q.Get("page_token")
	if t == "" {
		return 0, nil
	}
	g := getPages[kind]
	if rq.v21 {
		return 0, invalidParam("page_token is not supported by %s in API 2.1; use %s.", g.verb, g.path)
	}
	tok, err := rq.tokens().open(t, kind)
	if err != nil {
		return 0, err
	}
	if tok.pos < 1 || tok.pos > maxGetPage {
		return 0, invalidParam("Invalid page_token: page %d is out of range.", tok.pos)
	}
	if tok.obj != id {
		return 0, invalidParam("Invalid page_token: it belongs to %s %d, not %s %d.", g.noun, tok.obj, g.noun, id)
	}
	return int(tok.pos), nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// filterSum binds list page tokens to the request's filters (carried in
// the token's obj): 0 when there are none, so unfiltered tokens keep their
// old form, else a nonzero hash of the canonical filter string.
func filterSum(canonical string) int64 {
	if canonical == "" {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(canonical))
	return int64(h.Sum32()) | 1
}

// errFiltersChanged answers a list page token sent with other filters than
// the request that produced it.
func errFiltersChanged() *Error {
	return invalidParam("Invalid page_token: it does not belong to this request (filters changed).")
}

// listToken parses a jobs/list or runs/list page_token (nil when absent)
// and checks that it was issued for the same filters.
func listToken(ts tokenSealer, s, kind string, filter int64) (*pageToken, error) {
	if s == "" {
		return nil, nil
	}
	t, err := ts.open(s, kind)
	if err != nil {
		return nil, err
	}
	if t.obj != filter {
		return nil, errFiltersChanged()
	}
	return &t, nil
}

// keysetPage pages ids (tokens sealed by ts) sorted descending (newest first). match filters;
// filter (see filterSum) is written into the tokens. It returns the page
// and the next/prev tokens: next leads to the following (older) page, prev
// back to the preceding (newer) one.
func keysetPage(ts tokenSealer, ids []int64, kind string, filter int64, tok *pageToken, offset, limit int, match func(int64) bool) (page []int64, next, prev string) {
	// ids are ascending; walk descending.
	if tok != nil && tok.dir == "p" {
		// items newer than tok.pos, the `limit` closest ones
		var newer []int64
		for i := 0; i < len(ids); i++ {
			if ids[i] > tok.pos && match(ids[i]) {
				newer = append(newer, ids[i])
			}
		}
		if len(newer) > limit {
			newer = newer[:limit]
		}
		for i := len(newer) - 1; i >= 0; i-- {
			page = append(page, newer[i])
		}
	} else {
		skipped := 0
		hi := len(ids)
		if tok != nil {
			hi = sort.Search(len(ids), func(i int) bool { return ids[i] >= tok.pos })
		}
		for i := hi - 1; i >= 0; i-- {
			id := ids[i]
			if !match(id) {
				continue
			}
			if tok == nil && skipped < offset {
				skipped++
				continue
			}
			if len(page) == limit {
				next = ts.seal(pageToken{kind: kind, dir: "n", pos: page[len(page)-1], obj: filter})
				break
			}
			page = append(page, id)
		}
	}
	if len(page) == 0 {
		return page, "", ""
	}
	if tok != nil && tok.dir == "p" {
		// is there anything older than the page's last item?
		last := page[len(page)-1]
		for i := len(ids) - 1; i >= 0; i-- {
			if ids[i] < last && match(ids[i]) {
				next = ts.seal(pageToken{kind: kind, dir: "n", pos: last, obj: filter})
				break
			}
		}
	}
	first := page[0]
	for i := len(ids) - 1; i >= 0 && ids[i] > first; i-- {
		if match(ids[i]) {
			prev = ts.seal(pageToken{kind: kind, dir: "p", pos: first, obj: filter})
			break
		}
	}
	return page, next, prev
}
