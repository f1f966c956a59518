// Package data holds the trainer's committed content: the lesson Markdown,
// the question bank, the exam blueprint and the sandbox workspace fixtures. It is read-only.
package data

import "embed"

// FS is every committed content file, rooted at this directory
// (lessons/, bank/, workspace/, exam/).
//
//go:embed lessons bank workspace exam
var FS embed.FS
