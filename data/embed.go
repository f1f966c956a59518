// Package data holds the trainer's committed content: the lesson Markdown,
// the question bank, the exam blueprint, the sandbox workspace fixtures and
// the sandbox's example bundle. It is read-only.
package data

import "embed"

// FS is every committed content file, rooted at this directory
// (lessons/, bank/, workspace/, exam/, bundle/).
//
//go:embed lessons bank workspace exam bundle
var FS embed.FS
