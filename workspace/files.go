package workspace

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Workspace files: the folders, files and notebooks of a workspace, as the
// Workspace API serves them (docs.databricks.com/api/workspace/workspace)
// and as `databricks bundle` uses them to upload a bundle's files and keep
// its deployment state and lock (databricks/cli v1.12.1
// libs/filer/workspace_files_client.go, bundle/deploy/filer.go; the calls
// are listed in the shared reference, section 10). Each object is one
// document "file/<path without its leading slash>" of its workspace, so
// files persist, count against MaxBytes and are reset with the workspace
// like jobs and runs.

// The object types of the Workspace API that the sandbox stores.
const (
	objDirectory = "DIRECTORY"
	objFile      = "FILE"
	objNotebook  = "NOTEBOOK"
)

// wsObject is one stored workspace object.
type wsObject struct {
	Path     string `json:"path"` // normalised: "/Users/me/x", never under /Workspace
	Type     string `json:"object_type"`
	ID       int64  `json:"object_id"`
	Language string `json:"language,omitempty"` // notebooks only
	Created  int64  `json:"created_at"`
	Modified int64  `json:"modified_at"`
	Data     []byte `json:"data,omitempty"` // files and notebooks; base64 in the document
}

// firstObjectID is the first object_id a workspace hands out; real ids are
// large numbers too.
const firstObjectID = 3001000000000001

// maxPathLen is the longest path the sandbox accepts.
const maxPathLen = 4096

func fileKey(p string) string { return "file" + p }

// wsPath is a request's path, normalised.
type wsPath struct {
	clean string // "/Users/me/x"; "/" for the root
	// mount is "/Workspace" when the client wrote the path under the
	// /Workspace mount, "" otherwise: answers echo paths the way the
	// client wrote them (databricks/cli libs/testserver: "A normal
	// single-slash "/Workspace/..." is preserved"), and the CLI compares
	// them (ReadDir's "not a directory" check).
	mount string
}

// show is p (a normalised path) the way the client wrote its paths.
func (w wsPath) show(p string) string {
	if w.mount == "" {
		return p
	}
	if p == "/" {
		return w.mount
	}
	return w.mount + p
}

// parsePath normalises a workspace path: /Workspace/Users/x and /Users/x
// are the same object, as on a real workspace, where /Workspace is the
// mount of the workspace's files ("What are workspace files?",
// docs.databricks.com/aws/en/files/workspace). A trailing slash is
// dropped; a relative path, an empty, "." or ".." segment, a control
// character or a path over 4,096 bytes is a 400 INVALID_PARAMETER_VALUE
// (the sandbox's rule: it never resolves a path to somewhere the client did
// not name).
func parsePath(raw string) (wsPath, error) {
	if raw == "" {
		return wsPath{}, missingField("path")
	}
	if len(raw) > maxPathLen {
		return wsPath{}, invalidParam("Path is %d bytes long; the sandbox accepts paths up to %d bytes.", len(raw), maxPathLen)
	}
	if !strings.HasPrefix(raw, "/") {
		return wsPath{}, invalidParam("Path (%s) doesn't start with '/'", truncate(raw, 200))
	}
	if strings.IndexFunc(raw, unicode.IsControl) >= 0 {
		return wsPath{}, invalidParam("Path (%s) contains a control character.", strconv.Quote(truncate(raw, 200)))
	}
	p := raw
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	if p != "/" {
		for _, seg := range strings.Split(p[1:], "/") {
			if seg == "" || seg == "." || seg == ".." {
				return wsPath{}, invalidParam("Path (%s) is not valid: empty, '.' and '..' segments are not allowed.", truncate(raw, 200))
			}
		}
	}
	var w wsPath
	switch {
	case p == "/Workspace":
		w = wsPath{clean: "/", mount: "/Workspace"}
	case strings.HasPrefix(p, "/Workspace/"):
		w = wsPath{clean: strings.TrimPrefix(p, "/Workspace"), mount: "/Workspace"}
	default:
		w = wsPath{clean: p}
	}
	return w, nil
}

// home is the caller's home folder, /Users/<user name>.
func (rq *req) home() string { return "/Users/" + rq.who.UserName }

// implicitDir reports whether p is a folder every workspace has: the root,
// /Users, the caller's home, /Shared. They are not stored and cannot be
// deleted.
func (rq *req) implicitDir(p string) bool {
	return p == "/" || p == "/Users" || p == "/Shared" || p == rq.home()
}

// writable reports whether the caller may create or delete p: inside their
// home folder or /Shared. Elsewhere (another user's home, the root) is a
// 403 PERMISSION_DENIED, as for a user who is not an admin.
func (rq *req) writable(p string) bool {
	for _, root := range []string{rq.home(), "/Shared"} {
		if strings.HasPrefix(p, root+"/") {
			return true
		}
	}
	return false
}

// object finds p: a stored object, or one of the implicit folders.
func (rq *req) object(p string) (*wsObject, bool) {
	if o, ok := rq.sp.files[p]; ok {
		return o, true
	}
	if rq.implicitDir(p) {
		h := fnv.New64a()
		h.Write([]byte(rq.sp.id + "\x00" + p))
		return &wsObject{Path: p, Type: objDirectory, ID: int64(h.Sum64() >> 12)}, true
	}
	return nil, false
}

// children lists the objects directly inside folder p, by path.
func (rq *req) children(p string) []*wsObject {
	var out []*wsObject
	for q, o := range rq.sp.files {
		if path.Dir(q) == p && q != p {
			out = append(out, o)
		}
	}
	for _, q := range []string{"/Users", "/Shared", rq.home()} {
		if path.Dir(q) == p {
			if _, stored := rq.sp.files[q]; !stored {
				o, _ := rq.object(q)
				out = append(out, o)
			}
		}
	}
	slices.SortFunc(out, func(a, b *wsObject) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// notFound is the real 404 for a missing path, with the path as the client
// wrote it (databricks/cli libs/testserver: "Match the real Workspace API
// wording"); the CLI reads it as "no deployment state yet".
func notFound(shown string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "RESOURCE_DOES_NOT_EXIST", Message: fmt.Sprintf("Path (%s) doesn't exist.", shown)}
}

func permissionDenied(rq *req, shown string) *Error {
	return &Error{Status: http.StatusForbidden, Code: "PERMISSION_DENIED", Message: fmt.Sprintf(
		"You do not have permission to change (%s). In the sandbox you can write under %s and /Shared.", shown, rq.home())}
}

// objectInfo is an object as get-status and list answer it (ObjectInfo in
// the Workspace API reference).
func objectInfo(o *wsObject, w wsPath) map[string]any {
	m := map[string]any{
		"object_type": o.Type, "path": w.show(o.Path), "object_id": o.ID,
		"resource_id": strconv.FormatInt(o.ID, 10),
	}
	if o.Type != objDirectory {
		m["size"] = len(o.Data)
		m["created_at"] = o.Created
		m["modified_at"] = o.Modified
	}
	if o.Language != "" {
		m["language"] = o.Language
	}
	return m
}

// rawBytes is an answer written as it is (application/octet-stream), not
// as JSON: a file's contents.
type rawBytes []byte

// pathParam reads and normalises the path query parameter.
func (rq *req) pathParam() (wsPath, error) {
	return parsePath(rq.q.Get("path"))
}

// pathBody decodes {"path": ...} (and recursive) from a JSON body.
func (rq *req) pathBody() (wsPath, bool, error) {
	var b struct {
		Path      string `json:"path"`
		Recursive bool   `json:"recursive"`
	}
	if err := rq.decode(&b); err != nil {
		return wsPath{}, false, err
	}
	w, err := parsePath(b.Path)
	return w, b.Recursive, err
}

// handleGetStatus answers GET /api/2.0/workspace/get-status: the object's
// info, or 404 RESOURCE_DOES_NOT_EXIST. return_export_info is accepted
// (the CLI sends it) and changes nothing for folders, files and notebooks.
func handleGetStatus(rq *req) (any, error) {
	w, err := rq.pathParam()
	if err != nil {
		return nil, err
	}
	if _, err := rq.qBool("return_export_info"); err != nil {
		return nil, err
	}
	o, ok := rq.object(w.clean)
	if !ok {
		return nil, notFound(w.show(w.clean))
	}
	return objectInfo(o, w), nil
}

// handleWSList answers GET /api/2.0/workspace/list: the objects in a folder
// ({} when it is empty, as objects is omitted), the object itself for a
// file (the CLI's ReadDir relies on that to say "not a directory"), 404 for
// a missing path.
func handleWSList(rq *req) (any, error) {
	w, err := rq.pathParam()
	if err != nil {
		return nil, err
	}
	if _, _, err := rq.qInt("notebooks_modified_after"); err != nil {
		return nil, err
	}
	o, ok := rq.object(w.clean)
	if !ok {
		return nil, notFound(w.show(w.clean))
	}
	if o.Type != objDirectory {
		return map[string]any{"objects": []any{objectInfo(o, w)}}, nil
	}
	kids := rq.children(w.clean)
	if len(kids) == 0 {
		return struct{}{}, nil
	}
	out := make([]any, 0, len(kids))
	for _, k := range kids {
		out = append(out, objectInfo(k, w))
	}
	return map[string]any{"objects": out}, nil
}

// handleMkdirs answers POST /api/2.0/workspace/mkdirs: mkdir -p, a no-op
// for folders that exist; a file anywhere on the way is a 400
// RESOURCE_ALREADY_EXISTS.
func handleMkdirs(rq *req) (any, error) {
	w, _, err := rq.pathBody()
	if err != nil {
		return nil, err
	}
	var missing []string
	for p := w.clean; ; p = path.Dir(p) {
		o, ok := rq.object(p)
		if ok {
			if o.Type != objDirectory {
				return nil, &Error{Status: http.StatusBadRequest, Code: "RESOURCE_ALREADY_EXISTS",
					Message: fmt.Sprintf("Cannot create the folder (%s): (%s) is a %s, not a folder.", w.show(w.clean), w.show(p), strings.ToLower(o.Type))}
			}
			break
		}
		missing = append(missing, p)
	}
	if len(missing) == 0 {
		return struct{}{}, nil
	}
	if !rq.writable(w.clean) {
		return nil, permissionDenied(rq, w.show(w.clean))
	}
	puts := map[string][]byte{}
	var objs []*wsObject
	for _, p := range missing {
		o := &wsObject{Path: p, Type: objDirectory, ID: allocID(&rq.sp.meta.NextObjectID, firstObjectID), Created: rq.now, Modified: rq.now}
		doc, _ := json.Marshal(o)
		puts[fileKey(p)] = doc
		objs = append(objs, o)
	}
	if err := rq.checkGrowth(puts, 0); err != nil {
		return nil, err
	}
	if err := rq.persist(puts, nil); err != nil {
		return nil, internal(err)
	}
	for _, o := range objs {
		rq.sp.files[o.Path] = o
	}
	return struct{}{}, nil
}

// notebookSource says whether a file imported as name is a notebook, and
// its language: an .ipynb, or a source file that starts with the
// "Databricks notebook source" header, becomes a notebook without its
// extension (import format AUTO; docs.databricks.com/api/workspace/workspace/import,
// databricks/cli libs/testserver WorkspaceFilesImportFile).
func notebookSource(name string, data []byte) (lang string, ok bool) {
	ext := path.Ext(name)
	if ext == ".ipynb" {
		return "PYTHON", true
	}
	headers := map[string]struct{ lang, header string }{
		".py": {"PYTHON", "# Databricks notebook source"}, ".sql": {"SQL", "-- Databricks notebook source"},
		".scala": {"SCALA", "// Databricks notebook source"}, ".r": {"R", "# Databricks notebook source"},
	}
	if h, found := headers[strings.ToLower(ext)]; found && strings.HasPrefix(string(data), h.header) {
		return h.lang, true
	}
	return "", false
}

// handleImportFile answers POST /api/2.0/workspace-files/import-file/{path}
// (raw body): stores the bytes. The parent folder must exist (404
// RESOURCE_DOES_NOT_EXIST otherwise: the CLI then calls mkdirs and
// retries); an existing file with overwrite=false is a 409
// RESOURCE_ALREADY_EXISTS, which is how the bundle deploy lock works
// (databricks/cli libs/filer/workspace_files_client.go, Write).
func handleImportFile(rq *req) (any, error) {
	w, err := parsePath("/" + strings.TrimPrefix(rq.pathVal, "/"))
	if err != nil {
		return nil, err
	}
	overwrite, err := rq.qBool("overwrite")
	if err != nil {
		return nil, err
	}
	if err := rq.checkFileSize(len(rq.body)); err != nil {
		return nil, err
	}
	target, lang := w.clean, ""
	if l, ok := notebookSource(w.clean, rq.body); ok {
		target, lang = strings.TrimSuffix(w.clean, path.Ext(w.clean)), l
	}
	if target == "/" || rq.implicitDir(target) {
		return nil, &Error{Status: http.StatusBadRequest, Code: "RESOURCE_ALREADY_EXISTS", Message: fmt.Sprintf("A folder already exists at (%s).", w.show(target))}
	}
	parent := path.Dir(target)
	po, ok := rq.object(parent)
	if !ok {
		return nil, &Error{Status: http.StatusNotFound, Code: "RESOURCE_DOES_NOT_EXIST", Message: fmt.Sprintf("The parent folder (%s) does not exist.", w.show(parent))}
	}
	if po.Type != objDirectory {
		return nil, invalidParam("The parent (%s) is a %s, not a folder.", w.show(parent), strings.ToLower(po.Type))
	}
	if !rq.writable(target) {
		return nil, permissionDenied(rq, w.show(target))
	}
	o := &wsObject{Path: target, Type: objFile, Language: lang, Created: rq.now, Modified: rq.now, Data: rq.body}
	if lang != "" {
		o.Type = objNotebook
	}
	if old, exists := rq.sp.files[target]; exists {
		if old.Type == objDirectory {
			return nil, &Error{Status: http.StatusBadRequest, Code: "RESOURCE_ALREADY_EXISTS", Message: fmt.Sprintf("A folder already exists at (%s).", w.show(target))}
		}
		if !overwrite {
			return nil, &Error{Status: http.StatusConflict, Code: "RESOURCE_ALREADY_EXISTS", Message: fmt.Sprintf("File already exists at (%s).", w.show(target))}
		}
		o.ID, o.Created = old.ID, old.Created
	} else {
		o.ID = allocID(&rq.sp.meta.NextObjectID, firstObjectID)
	}
	if err := rq.checkFilesTotal(target, len(o.Data)); err != nil {
		return nil, err
	}
	doc, _ := json.Marshal(o)
	puts := map[string][]byte{fileKey(target): doc}
	if err := rq.checkGrowth(puts, 0); err != nil {
		return nil, err
	}
	if err := rq.persist(puts, nil); err != nil {
		return nil, internal(err)
	}
	rq.sp.setFile(o)
	return struct{}{}, nil
}

// fileContents finds the file or notebook at w for a read; a folder is a
// 400, a missing path a 404.
func (rq *req) fileContents(w wsPath) ([]byte, error) {
	o, ok := rq.object(w.clean)
	if !ok {
		return nil, notFound(w.show(w.clean))
	}
	if o.Type == objDirectory {
		return nil, invalidParam("(%s) is a folder, not a file.", w.show(w.clean))
	}
	return o.Data, nil
}

// handleReadFile answers GET /api/2.0/workspace-files/{path}: the raw
// bytes; the CLI reads its deployment state this way (bundle/deploy/filer.go).
func handleReadFile(rq *req) (any, error) {
	w, err := parsePath("/" + strings.TrimPrefix(rq.pathVal, "/"))
	if err != nil {
		return nil, err
	}
	b, err := rq.fileContents(w)
	if err != nil {
		return nil, err
	}
	return rawBytes(b), nil
}

// handleWSExport answers GET /api/2.0/workspace/export: with
// direct_download=true the raw bytes (the SDK's Workspace.Download, which
// the CLI uses for the deploy lock), else {"content": base64, "file_type"}.
// Only SOURCE and AUTO (and no format) are served: there is no notebook
// conversion in the sandbox.
func handleWSExport(rq *req) (any, error) {
	w, err := rq.pathParam()
	if err != nil {
		return nil, err
	}
	direct, err := rq.qBool("direct_download")
	if err != nil {
		return nil, err
	}
	switch f := rq.q.Get("format"); f {
	case "", "SOURCE", "AUTO", "RAW":
	default:
		return nil, invalidParam("The sandbox exports SOURCE, AUTO and RAW only, not %s.", truncate(f, 40))
	}
	b, err := rq.fileContents(w)
	if err != nil {
		return nil, err
	}
	if direct {
		return rawBytes(b), nil
	}
	ft := strings.TrimPrefix(path.Ext(w.clean), ".")
	if o, _ := rq.object(w.clean); o.Type == objNotebook {
		ft = map[string]string{"PYTHON": "py", "SQL": "sql", "SCALA": "scala", "R": "r"}[o.Language]
	}
	return map[string]any{"content": base64.StdEncoding.EncodeToString(b), "file_type": ft}, nil
}

// handleWSDelete answers POST /api/2.0/workspace/delete: a file, an empty
// folder, or with recursive a folder and everything in it. A non-empty
// folder without recursive is a 400 DIRECTORY_NOT_EMPTY (the code the
// CLI's filer checks: libs/filer/workspace_files_client.go, Delete); a
// missing path a 404; the implicit folders (root, /Users, /Shared, the home
// folder) cannot be deleted.
func handleWSDelete(rq *req) (any, error) {
	w, recursive, err := rq.pathBody()
	if err != nil {
		return nil, err
	}
	o, ok := rq.object(w.clean)
	if !ok {
		return nil, notFound(w.show(w.clean))
	}
	if rq.implicitDir(w.clean) || !rq.writable(w.clean) {
		return nil, permissionDenied(rq, w.show(w.clean))
	}
	gone := []string{w.clean}
	if o.Type == objDirectory {
		prefix := w.clean + "/"
		inside := 0
		for p := range rq.sp.files {
			if strings.HasPrefix(p, prefix) {
				gone = append(gone, p)
				inside++
			}
		}
		if inside > 0 && !recursive {
			return nil, &Error{Status: http.StatusBadRequest, Code: "DIRECTORY_NOT_EMPTY",
				Message: fmt.Sprintf("Folder (%s) is not empty. Set recursive to true to delete it and everything in it.", w.show(w.clean))}
		}
	}
	keys := make([]string, len(gone))
	for i, p := range gone {
		keys[i] = fileKey(p)
	}
	if err := rq.persist(nil, keys); err != nil {
		return nil, internal(err)
	}
	for _, p := range gone {
		rq.sp.dropFile(p)
	}
	return struct{}{}, nil
}

// setFile stores o in memory, keeping the byte count of file contents.
func (sp *space) setFile(o *wsObject) {
	if old, ok := sp.files[o.Path]; ok {
		sp.fileBytes -= int64(len(old.Data))
	}
	sp.files[o.Path] = o
	sp.fileBytes += int64(len(o.Data))
}

// dropFile removes p from memory.
func (sp *space) dropFile(p string) {
	if old, ok := sp.files[p]; ok {
		sp.fileBytes -= int64(len(old.Data))
		delete(sp.files, p)
	}
}

// decodeFileDoc reads a "file/..." document.
func decodeFileDoc(b []byte) (*wsObject, error) {
	var o wsObject
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, err
	}
	if o.Path == "" || !strings.HasPrefix(o.Path, "/") {
		return nil, fmt.Errorf("file document without a path")
	}
	return &o, nil
}

// handleTelemetry answers POST /telemetry-ext, where the CLI uploads its
// usage logs after each command: accepted and dropped, with the answer a
// real workspace gives ({"errors":[],"numProtoSuccess":N}, N = the logs
// received; databricks/cli libs/telemetry). Nothing is stored.
func handleTelemetry(rq *req) (any, error) {
	var b struct {
		ProtoLogs []json.RawMessage `json:"protoLogs"`
	}
	if err := rq.decode(&b); err != nil {
		return nil, err
	}
	return map[string]any{"errors": []any{}, "numProtoSuccess": len(b.ProtoLogs)}, nil
}
