// Package static holds the trainer's CSS, JavaScript, vendored htmx
// (2.0.11, with the SSE extension 2.2.4 for workshops) and favicon, embedded into the
// binary.
package static

import "embed"

// FS is every static file, rooted at this directory.
//
//go:embed *.css *.js favicon.ico
var FS embed.FS
