package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"

	"github.com/jobs-api-trainer/trainer/lessons"
	"github.com/jobs-api-trainer/trainer/static"
	"github.com/jobs-api-trainer/trainer/templates"
)

// staticFiles serves the embedded assets at /static/<version>/<name>, where
// version is a hash of every file: a new build gets new URLs, so the files
// can be cached forever.
type staticFiles struct {
	version string
	files   map[string][]byte
	packed  map[string]*packedFile // compressed variants, made on first request
	assets  templates.Assets
	modTime time.Time
}

// packedFile holds a static file's brotli and gzip encodings, made once on
// its first request (not at start: brotli at its best setting takes tens
// of milliseconds for htmx, and start-up stays fast). An encoding that is
// not smaller than the file is left nil.
type packedFile struct {
	once     sync.Once
	br, gzip []byte
}

func (p *packedFile) make(b []byte) {
	p.once.Do(func() {
		var buf bytes.Buffer
		bw := brotli.NewWriterLevel(&buf, brotli.BestCompression)
		if _, err := bw.Write(b); err == nil && bw.Close() == nil && buf.Len() < len(b) {
			p.br = bytes.Clone(buf.Bytes())
		}
		buf.Reset()
		gw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, err := gw.Write(b); err == nil && gw.Close() == nil && buf.Len() < len(b) {
			p.gzip = bytes.Clone(buf.Bytes())
		}
	})
}

// processStatic is newStaticFiles made once per process: the files are
// embedded and never change, so every server of a process (tests build
// hundreds) shares their hash and their compressed variants.
var processStatic = sync.OnceValues(newStaticFiles)

func newStaticFiles() (*staticFiles, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(static.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static.FS, p)
		files[p] = b
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("web: static files: %w", err)
	}
	css, err := lessons.HighlightCSS()
	if err != nil {
		return nil, err
	}
	files["highlight.css"] = css
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		h.Write([]byte(n))
		h.Write(files[n])
	}
	st := &staticFiles{version: hex.EncodeToString(h.Sum(nil))[:12], files: files, packed: map[string]*packedFile{}, modTime: time.Now()}
	for n := range files {
		st.packed[n] = &packedFile{}
	}
	url := func(n string) string { return "/static/" + st.version + "/" + n }
	st.assets = templates.Assets{
		CSS: url("app.css"), Highlight: url("highlight.css"),
		HTMX: url("htmx.min.js"), JS: url("app.js"),
	}
	return st, nil
}

func (st *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/static/")
	version, name, ok := strings.Cut(rest, "/")
	b, found := st.files[name]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	if version == st.version {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	h := w.Header()
	h.Add("Vary", "Accept-Encoding")
	etag := st.version
	if enc, packed := st.encoding(r, name); packed != nil {
		// Served precompressed; the encoding is part of the ETag so caches
		// never mix the variants.
		h.Set("Content-Encoding", enc)
		b, etag = packed, st.version+"-"+enc
	}
	h.Set("ETag", `"`+etag+`"`)
	http.ServeContent(w, r, name, st.modTime, bytes.NewReader(b))
}

// encoding picks the best precompressed variant of name the client
// accepts (brotli, then gzip), or none.
func (st *staticFiles) encoding(r *http.Request, name string) (string, []byte) {
	ae := r.Header.Get("Accept-Encoding")
	if ae == "" || r.Header.Get("Range") != "" {
		return "", nil
	}
	p := st.packed[name]
	p.make(st.files[name])
	switch {
	case p.br != nil && acceptsEncoding(ae, "br"):
		return "br", p.br
	case p.gzip != nil && acceptsEncoding(ae, "gzip"):
		return "gzip", p.gzip
	}
	return "", nil
}

// acceptsEncoding reports whether an Accept-Encoding header value allows
// enc (listed without q=0).
func acceptsEncoding(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
