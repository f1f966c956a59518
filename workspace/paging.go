package workspace

import (
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

func tokenSum(s string) string {
	h := fnv.New32a()
	h.Write([]byte("jobs-api-trainer:" + s))
	return strconv.FormatUint(uint64(h.Sum32()), 36)
}

func (t pageToken) String() string {
	body := "1|" + t.kind + "|" + t.dir + "|" + strconv.FormatInt(t.pos, 10) + "|" + strconv.FormatInt(t.obj, 10)
	return base64.RawURLEncoding.EncodeToString([]byte(body + "|" + tokenSum(body)))
}

// parseToken decodes a page token for kind, or returns the 400 naming page_token.
func parseToken(s, kind string) (pageToken, *apiError) {
	bad := invalidParam("Invalid page_token '%s': it is not a page token returned by this API for this request.", truncate(s, 64))
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return pageToken{}, bad
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 6 || parts[0] != "1" || parts[1] != kind || (parts[2] != "n" && parts[2] != "p") {
		return pageToken{}, bad
	}
	body := strings.Join(parts[:5], "|")
	if tokenSum(body) != parts[5] {
		return pageToken{}, bad
	}
	pos, err1 := strconv.ParseInt(parts[3], 10, 64)
	obj, err2 := strconv.ParseInt(parts[4], 10, 64)
	if err1 != nil || err2 != nil || pos < 0 {
		return pageToken{}, bad
	}
	return pageToken{kind: kind, dir: parts[2], pos: pos, obj: obj}, nil
}

// getPages names the two paged get calls for getPage's messages.
var getPages = map[string]struct{ verb, path, noun string }{
	"jg": {"jobs/get", "/api/2.2/jobs/get", "job"},
	"rg": {"runs/get", "/api/2.2/jobs/runs/get", "run"},
}

// getPage reads the page_token of jobs/get (kind "jg") or runs/get ("rg")
// for job or run id: page 0 when there is none. API 2.1 has no pages there,
// and a token issued for another job or run is refused.
func (rq *req) getPage(kind string, id int64) (int, *apiError) {
	t := rq.q.Get("page_token")
	if t == "" {
		return 0, nil
	}
	g := getPages[kind]
	if rq.v21 {
		return 0, invalidParam("page_token is not supported by %s in API 2.1; use %s.", g.verb, g.path)
	}
	tok, err := parseToken(t, kind)
	if err != nil {
		return 0, err
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
func errFiltersChanged() *apiError {
	return invalidParam("Invalid page_token: it does not belong to this request (filters changed).")
}

// listToken parses a jobs/list or runs/list page_token (nil when absent)
// and checks that it was issued for the same filters.
func listToken(s, kind string, filter int64) (*pageToken, *apiError) {
	if s == "" {
		return nil, nil
	}
	t, err := parseToken(s, kind)
	if err != nil {
		return nil, err
	}
	if t.obj != filter {
		return nil, errFiltersChanged()
	}
	return &t, nil
}

// keysetPage pages ids sorted descending (newest first). match filters;
// filter (see filterSum) is written into the tokens. It returns the page
// and the next/prev tokens: next leads to the following (older) page, prev
// back to the preceding (newer) one.
func keysetPage(ids []int64, kind string, filter int64, tok *pageToken, offset, limit int, match func(int64) bool) (page []int64, next, prev string) {
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
				next = pageToken{kind: kind, dir: "n", pos: page[len(page)-1], obj: filter}.String()
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
				next = pageToken{kind: kind, dir: "n", pos: last, obj: filter}.String()
				break
			}
		}
	}
	first := page[0]
	for i := len(ids) - 1; i >= 0 && ids[i] > first; i-- {
		if match(ids[i]) {
			prev = pageToken{kind: kind, dir: "p", pos: first, obj: filter}.String()
			break
		}
	}
	return page, next, prev
}
