package cli

import "strings"

// tokenize splits a line like a POSIX shell would, without any expansion:
// single quotes are literal, double quotes honour \" \\ \$ \` and
// backslash-newline, an unquoted backslash escapes the next character (a
// backslash-newline is a line continuation), and an unquoted # starting a
// word begins a comment. Pipes, redirections and command separators are
// refused: the sandbox runs exactly one command.
func tokenize(line string) ([]string, error) {
	var (
		toks    []string
		cur     strings.Builder
		inWord  bool
		rs      = []rune(line)
		flush   = func() { toks = append(toks, cur.String()); cur.Reset(); inWord = false }
		isSpace = func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }
	)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case isSpace(r):
			if inWord {
				flush()
			}
		case r == '\\':
			if i+1 >= len(rs) {
				// A trailing backslash is dropped, as an interactive
				// shell would wait for the next line.
				continue
			}
			i++
			if rs[i] == '\n' {
				continue
			}
			if rs[i] == '\r' && i+1 < len(rs) && rs[i+1] == '\n' {
				i++
				continue
			}
			cur.WriteRune(rs[i])
			inWord = true
		case r == '\'':
			j := i + 1
			for j < len(rs) && rs[j] != '\'' {
				j++
			}
			if j >= len(rs) {
				return nil, errf("close the quote; inside single quotes nothing is special, so JSON can be pasted as is: --json '{\"job_id\":101}'",
					"unterminated single quote")
			}
			cur.WriteString(string(rs[i+1 : j]))
			inWord = true
			i = j
		case r == '"':
			j := i + 1
			for ; j < len(rs) && rs[j] != '"'; j++ {
				if rs[j] == '\\' && j+1 < len(rs) {
					switch rs[j+1] {
					case '"', '\\', '$', '`':
						j++
						cur.WriteRune(rs[j])
						continue
					case '\n':
						j++
						continue
					}
				}
				cur.WriteRune(rs[j])
			}
			if j >= len(rs) {
				return nil, errf("close the quote, or put JSON in single quotes: --json '{\"job_id\":101}'",
					"unterminated double quote")
			}
			inWord = true
			i = j
		case r == '#' && !inWord:
			i = len(rs)
		case strings.ContainsRune("|;&<>`", r) || (r == '$' && i+1 < len(rs) && rs[i+1] == '('):
			return nil, errf("the sandbox runs a single databricks command and shows its JSON; pipes, redirections, substitutions and ; or && are not supported (quote the character if it is part of a value)",
				"unsupported shell syntax: "+string(r))
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		flush()
	}
	return toks, nil
}
