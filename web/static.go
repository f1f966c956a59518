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
	"time"

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
	assets  templates.Assets
	modTime time.Time
}

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
	st := &staticFiles{version: hex.EncodeToString(h.Sum(nil))[:12], files: files, modTime: time.Now()}
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
	w.Header().Set("ETag", `"`+st.version+`"`)
	http.ServeContent(w, r, name, st.modTime, bytes.NewReader(b))
}
