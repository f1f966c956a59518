package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jobs-api-trainer/trainer/templates"
)

// The response panel's JSON: pretty-printed in key order, with job and run
// IDs linked to the call that shows them, and the place a body broke.

// jsonPrinter pretty-prints JSON token by token (keeping key order) and
// turns job and run IDs into links that prefill the next call.
type jsonPrinter struct {
	dec  *json.Decoder
	segs []templates.Seg
	buf  strings.Builder
	left int // tokens still to print before the response is cut
}

// maxJSONTokens is how many JSON tokens (keys, values) of one response the
// console prints. Each costs 50 to 100 bytes of HTML; a runs/get page of
// 100 tasks that each depend on 40 others is 11,000 tokens and was a
// 750 KB answer (runs/list with expand_tasks many times that). At 8,000
// a response shows in at most about 600 KB; the fixtures' largest
// answers (a page of customer-360's 100 tasks: runs/get 4,700 tokens,
// jobs/get 2,300) show whole. Past it the rest is cut, and the page says
// how big the response was and that curl or the CLI print it all.
const maxJSONTokens = 8000

// maxPlainResponse is how much of a response that is not JSON (or was cut
// in the history, so no longer parses) the console shows as plain text.
const maxPlainResponse = 128 << 10

// errJSONCut stops the printer when its token budget is spent.
var errJSONCut = errors.New("response cut")

func (p *jsonPrinter) text(s string) { p.buf.WriteString(s) }

// flush moves the plain text written so far into a segment.
func (p *jsonPrinter) flush() {
	if p.buf.Len() > 0 {
		p.segs = append(p.segs, templates.Seg{Text: p.buf.String()})
		p.buf.Reset()
	}
}

// token writes s as a coloured segment (class cls: j-key, j-str, ...).
func (p *jsonPrinter) token(s, cls string) {
	p.left--
	p.flush()
	p.segs = append(p.segs, templates.Seg{Text: s, Cls: cls})
}

func (p *jsonPrinter) link(text, key, id string) {
	p.left--
	p.flush()
	vals, _ := json.Marshal(map[string]string{"ep": key, "p_" + idParamOf(key): id})
	p.segs = append(p.segs, templates.Seg{Text: text, Cls: "j-num", Href: "/sandbox?ep=" + key + "&p_" + idParamOf(key) + "=" + id + "#call-panel", Vals: string(vals)})
}

// foldAt is how many members an object or array needs to be foldable;
// collapseAt how many items an array needs to start folded.
const (
	foldAt     = 2
	collapseAt = 6
)

func idParamOf(key string) string {
	if key == "jobs-get" {
		return "job_id"
	}
	return "run_id"
}

// linkFor says which call an ID under key (inside the array named arr)
// opens: a run's run_id → runs/get, a task run's → runs/get-output, a
// job_id → jobs/get.
func linkFor(key, arr string) string {
	switch {
	case key == "job_id":
		return "jobs-get"
	case key == "run_id" && arr == "tasks", key == "" && arr == "task_run_ids":
		return "runs-get-output"
	case key == "run_id", key == "original_attempt_run_id" && arr == "":
		return "runs-get"
	}
	return ""
}

// value prints the next JSON value. When the token budget runs out it
// returns errJSONCut, and every open object or array is closed off as
// printed so far, so the segments still read as the JSON's beginning.
func (p *jsonPrinter) value(depth int, key, arr string) error {
	if p.left <= 0 {
		return errJSONCut
	}
	tok, err := p.dec.Token()
	if err != nil {
		return err
	}
	ind := strings.Repeat("  ", depth)
	switch t := tok.(type) {
	case json.Delim:
		open, close := string(t), "}"
		if t == '[' {
			close = "]"
		}
		if !p.dec.More() {
			if _, err := p.dec.Token(); err != nil {
				return err
			}
			p.text(open + close)
			return nil
		}
		p.flush()
		outer := p.segs
		p.segs = nil
		p.text("\n")
		n := 0
		var cut error
		for i := 0; p.dec.More(); i++ {
			if p.left <= 0 {
				cut = errJSONCut
				break
			}
			n++
			if i > 0 {
				p.text(",\n")
			}
			p.text(ind + "  ")
			if t == '{' {
				kt, err := p.dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				p.token(quoteJSON(k), "j-key")
				p.text(": ")
				err = p.value(depth+1, k, arr)
				if errors.Is(err, errJSONCut) {
					cut = err
					break
				}
				if err != nil {
					return err
				}
			} else if err := p.value(depth+1, "", key); errors.Is(err, errJSONCut) {
				cut = err
				break
			} else if err != nil {
				return err
			}
		}
		if cut != nil {
			p.text("\n" + ind + "  …")
		} else {
			if _, err := p.dec.Token(); err != nil {
				return err
			}
			p.text("\n" + ind + close)
		}
		p.flush()
		inner := p.segs
		p.segs = outer
		if n >= foldAt {
			// The opening bracket is the <summary>, the rest the
			// folded part, so the element's text is still the JSON.
			p.segs = append(p.segs, templates.Seg{Text: open, Fold: inner, N: n, Open: t == '{' || n < collapseAt})
		} else {
			p.text(open)
			p.flush()
			p.segs = append(p.segs, inner...)
		}
		return cut
	case json.Number:
		if ep := linkFor(key, arr); ep != "" {
			if _, err := strconv.ParseInt(t.String(), 10, 64); err == nil && t.String() != "0" {
				p.link(t.String(), ep, t.String())
				return nil
			}
		}
		p.token(t.String(), "j-num")
	case string:
		p.token(quoteJSON(t), "j-str")
	case bool:
		p.token(strconv.FormatBool(t), "j-bool")
	case nil:
		p.token("null", "j-null")
	}
	return nil
}

func quoteJSON(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

// prettyJSON renders body as indented JSON segments with IDs linked; a
// body that is not JSON comes back as one plain segment. Either is cut to
// fit (maxJSONTokens, maxPlainResponse); cut then says what was left out.
func prettyJSON(body []byte) (segs []templates.Seg, cut string) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, ""
	}
	p := &jsonPrinter{dec: json.NewDecoder(bytes.NewReader(body)), left: maxJSONTokens}
	p.dec.UseNumber()
	err := p.value(0, "", "")
	if errors.Is(err, errJSONCut) {
		p.flush()
		shown := p.dec.InputOffset()
		return p.segs, fmt.Sprintf("The response is %s bytes: too long to show here, so the first %s JSON tokens (%s bytes) are shown, and … marks what was cut. curl or the CLI (above) print all of it.",
			templates.Thousands(len(body)), templates.Thousands(maxJSONTokens), templates.Thousands(int(shown)))
	}
	if err != nil || p.dec.More() {
		if len(body) > maxPlainResponse {
			return []templates.Seg{{Text: string(body[:maxPlainResponse]) + "\n…"}},
				fmt.Sprintf("The response is %s bytes: its first %s are shown, and … marks the cut. curl or the CLI (above) print all of it.",
					templates.Thousands(len(body)), templates.Thousands(maxPlainResponse))
		}
		return []templates.Seg{{Text: string(body)}}, ""
	}
	p.flush()
	return p.segs, ""
}

// jsonPointer says where body stops being valid JSON: "line 3, column 14
// (message)" and the line with a caret under the column; "" when it is
// valid (or empty).
func jsonPointer(body string) (where, excerpt string) {
	if strings.TrimSpace(body) == "" {
		return "", ""
	}
	var v any
	err := json.Unmarshal([]byte(body), &v)
	if err == nil {
		return "", ""
	}
	off := int64(len(body))
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off > int64(len(body)) {
		off = int64(len(body))
	}
	// The offset is just past the byte that broke it.
	at := int(off)
	if at > 0 {
		at--
	}
	line := strings.Count(body[:at], "\n") + 1
	start := strings.LastIndex(body[:at], "\n") + 1
	end := strings.IndexByte(body[at:], '\n')
	if end < 0 {
		end = len(body)
	} else {
		end += at
	}
	col := at - start + 1
	text := body[start:end]
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if errors.As(err, &se) && se.Offset >= int64(len(body)) {
		msg = "the JSON ends before it is complete (a missing } or ]?)"
	}
	return fmt.Sprintf("line %d, column %d: %s", line, col, msg), text + "\n" + strings.Repeat(" ", max(0, col-1)) + "^"
}
