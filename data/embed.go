// Package data holds the trainer's committed content: the lesson Markdown,
// the question bank, and the sandbox workspace fixtures. It is read-only.
package data

import "embed"

// FS is every committed content file, rooted at this directory
// (lessons/, bank/, workspace/).
//
//go:embed lessons bank workspace
var FS embed.FS
