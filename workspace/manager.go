// Package workspace emulates a Databricks workspace's Jobs API (2.1 and
// 2.2) closely enough that the unmodified Go SDK, the databricks CLI and
// curl accept it. Every state is derived from stored timestamps and an
// injected clock: there are no goroutines and no sleeps.
package workspace

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// workspaceNumber is the numeric workspace id clients see in
// /.well-known/databricks-config and run_page_url (?o=).
const workspaceNumber = "900800700600"

// Identity is who a Bearer token speaks for.
type Identity struct {
	WorkspaceID string // e.g. "learner-12", or "shared" for -sandbox-token tokens
	UserName    string // e.g. "learner-12@sandbox.example": creator_user_name / run_as_user_name
}

// Store persists workspaces as JSON documents. Keys look like "meta",
// "job/101", "run/1001", "perm/101", "tasks/<hash>" (task definitions
// that runs share, taskset.go) or "file/Users/me/x" (a workspace file,
// files.go). It is implemented by *store.DB.
// Every error a Store returns is a failure of the store itself: the handler
// answers it with a generic 500 and hands it to Options.OnError.
type Store interface {
	// LoadWorkspace returns every document of the workspace; an empty map
	// and no error when the workspace was never saved. It returns an error
	// only when the documents cannot be read.
	LoadWorkspace(ctx context.Context, workspaceID string) (map[string][]byte, error)
	// SaveWorkspace writes puts and removes deletes in one transaction. It
	// returns an error, and changes nothing, when the write fails.
	SaveWorkspace(ctx context.Context, workspaceID string, puts map[string][]byte, deletes []string) error
	// ReplaceWorkspace removes every document of the workspace and writes
	// docs instead, in one transaction. It returns an error, and changes
	// nothing, when the write fails.
	ReplaceWorkspace(ctx context.Context, workspaceID string, docs map[string][]byte) error
}

// Options configure a Manager.
type Options struct {
	Now          func() time.Time // injected clock; nil = time.Now
	TaskDuration time.Duration    // how long one task attempt runs (default 3s); PENDING is a third of it
	Store        Store            // persistence; nil keeps everything in memory
	// Resolve maps a Bearer token to its workspace. It returns
	// ErrUnknownToken (answered 403) for a token it does not know; any
	// other error is answered 500 and reported to OnError.
	Resolve  func(ctx context.Context, token string) (Identity, error)
	Fixtures fs.FS // the fixture dir; nil = empty workspaces
	// OnError receives the cause of every 500 the handler answers (a store
	// failure, a failed token lookup), wrapped with the request's method
	// and path; the client only sees a generic INTERNAL_ERROR. nil ignores
	// them. It is called on the request's goroutine, concurrently.
	OnError func(err error)
	// MaxLoaded bounds how many workspaces stay in memory (default 1000).
	// Beyond it, the least recently used idle ones are dropped; everything
	// is in the store, so they reload on their next request. Without a
	// Store nothing is ever dropped.
	MaxLoaded int
	// MaxLoadedBytes bounds the stored bytes (Limits.MaxBytes' count:
	// jobs, runs, permissions and workspace files as documents) of the
	// workspaces in memory, all together (default 64 MiB; negative = no
	// bound; see DefaultMaxLoadedBytes). Past it the least recently used
	// idle workspaces are dropped as for MaxLoaded. The workspace a
	// request is using is never dropped for it, and the bound is raised to
	// twice Limits.MaxBytes when it is lower, so a full workspace never
	// pushes out the one used just before it on every call. A document's bytes are an upper estimate of what it
	// takes in memory: a file's contents are kept decoded (3/4 of their
	// base64), and a fresh workspace takes about half its 54 KB of
	// documents. Without a Store nothing is ever dropped.
	MaxLoadedBytes int64
	// PageTokenKey authenticates page tokens (any length; 32 random bytes
	// is plenty). nil generates one at start, so tokens do not survive a
	// restart; main derives it from the session secret so they do.
	PageTokenKey []byte
	// Limits caps each workspace (jobs, tasks, active runs, runs kept,
	// bytes) and each token's request rate; zero fields take the
	// defaults of DefaultLimits (see limits.go).
	Limits Limits
	// TrustProxy believes X-Forwarded-Proto and X-Forwarded-Host when
	// building the links responses carry (-trust-proxy); see RequestHost.
	TrustProxy bool
}

// Manager maps Bearer tokens to workspaces, loads them lazily from the
// store, and serves the API.
type Manager struct {
	opts    Options
	mu      sync.Mutex               // guards spaces and loading, never held across I/O
	spaces  map[string]*space        // loaded workspaces
	loading map[string]chan struct{} // workspaces being loaded; closed when done
	tick    uint64                   // use counter for least-recently-used eviction; guarded by mu
	// loadedBytes is the sum of the stored bytes (space.bytes) of the
	// workspaces in spaces, for MaxLoadedBytes; each space adds its
	// changes through space.charged.
	loadedBytes atomic.Int64
	loads       int64 // workspaces loaded so far (Version's generations); guarded by mu
	fixtures    *fixtureSet
	// tokenAEAD and tokenNonce seal page tokens (see tokenSealer).
	tokenAEAD  cipher.AEAD
	tokenNonce []byte
	mux        *http.ServeMux // the API's routes, built from the catalogue
	budgets    *budgets       // per-token request budgets (ratelimit.go)
	preview    previewCache   // the seeded fixtures visitors see (preview.go)
}

// NewManager checks opts and parses the fixtures. It returns an error when
// Resolve is missing or a fixture file is invalid.
func NewManager(opts Options) (*Manager, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TaskDuration <= 0 {
		opts.TaskDuration = 3 * time.Second
	}
	if opts.MaxLoaded <= 0 {
		opts.MaxLoaded = 1000
	}
	opts.Limits = opts.Limits.withDefaults()
	if opts.MaxLoadedBytes == 0 {
		opts.MaxLoadedBytes = DefaultMaxLoadedBytes
	}
	if opts.MaxLoadedBytes > 0 && opts.Limits.MaxBytes > 0 {
		opts.MaxLoadedBytes = max(opts.MaxLoadedBytes, 2*opts.Limits.MaxBytes)
	}
	if opts.Resolve == nil {
		return nil, errors.New("workspace: new manager: Resolve is required")
	}
	fx, err := loadFixtures(opts.Fixtures)
	if err != nil {
		return nil, err
	}
	if len(opts.PageTokenKey) == 0 {
		opts.PageTokenKey = make([]byte, 32)
		if _, err := rand.Read(opts.PageTokenKey); err != nil {
			return nil, fmt.Errorf("workspace: new manager: page token key: %w", err)
		}
	}
	m := &Manager{opts: opts, spaces: map[string]*space{}, loading: map[string]chan struct{}{}, fixtures: fx,
		budgets: newBudgets(opts.Limits)}
	m.tokenAEAD, m.tokenNonce = newTokenAEAD(opts.PageTokenKey)
	if m.mux, err = m.newMux(); err != nil {
		return nil, err
	}
	return m, nil
}

// job is a stored job.
type job struct {
	JobID    int64
	Creator  string
	RunAs    string
	Created  int64
	settings *settings
	getCache map[int][]byte // jobs/get bodies by page (-1 = 2.1 whole); guarded by space.mu
}

type aclEntry struct {
	UserName             string `json:"user_name,omitempty"`
	GroupName            string `json:"group_name,omitempty"`
	ServicePrincipalName string `json:"service_principal_name,omitempty"`
	PermissionLevel      string `json:"permission_level"`
}

func (a aclEntry) principal() string {
	return a.UserName + "\x00" + a.GroupName + "\x00" + a.ServicePrincipalName
}

type metaDoc struct {
	Created      int64 `json:"created"`
	NextJobID    int64 `json:"next_job_id"`
	NextRunID    int64 `json:"next_run_id"`
	NextObjectID int64 `json:"next_object_id,omitempty"` // workspace files (files.go)
}

// space is one workspace in memory.
type space struct {
	mu        sync.Mutex
	id        string
	meta      metaDoc
	jobs      map[int64]*job
	jobIDs    []int64 // ascending
	runs      map[int64]*runDoc
	runIDs    []int64 // ascending, includes deleted
	jobRuns   map[int64][]*runDoc
	jobRunIDs map[int64][]int64 // the ids of jobRuns, ascending (runs/list?job_id= pages them)
	sweeps    map[int64]*sweep
	taskRuns  taskIndex // task run id -> run
	ts        taskSets  // the task definitions runs share (taskset.go)
	idem      map[string]int64
	perms     map[int64][]aclEntry
	files     map[string]*wsObject // workspace files by normalised path (files.go)
	fileBytes int64                // the bytes of their contents, for Limits.MaxFilesBytes
	version   atomic.Int64         // bumps on every write; starts at a fresh load generation (Version)
	evicted   bool                 // dropped from the manager: reload instead; guarded by mu
	used      uint64               // Manager.tick at the last use; guarded by Manager.mu
	wq        writeQueue           // writes on their way to the store (commit.go)
	// maybeActive are the runs that may be active at activeAt or later
	// (nil: any run may be); see activeRuns.
	maybeActive map[int64]*runDoc
	activeAt    int64
	templates   map[string]*segTemplate // by templateKey (timeline.go)
	undecoded   map[string][]byte       // run documents not read yet (ensureRuns)
	fullRuns    []*runDoc               // the runs whose whole timeline is kept, oldest first

	// stored size of the documents, for Limits.MaxBytes (limits.go)
	bytes int64
	sizes map[string]int // by key
	// charged is the manager's loadedBytes while sp is installed in it,
	// nil before and after: account adds every change of bytes to it.
	// Set when sp is installed (before anyone else sees it) and cleared
	// under sp.mu when it is dropped.
	charged *atomic.Int64
}

func newSpace(id string) *space {
	return &space{id: id, jobs: map[int64]*job{}, runs: map[int64]*runDoc{}, jobRuns: map[int64][]*runDoc{}, jobRunIDs: map[int64][]int64{},
		sweeps: map[int64]*sweep{}, taskRuns: newTaskIndex(), ts: newTaskSets(), idem: map[string]int64{}, perms: map[int64][]aclEntry{},
		files: map[string]*wsObject{}}
}

func (m *Manager) now() int64 { return m.opts.Now().UnixMilli() }

// space returns the loaded workspace, loading it on first use. The store
// I/O runs outside m.mu, so loading one workspace does not hold up requests
// for the others; concurrent first requests for the same workspace share
// one load, so a new workspace is seeded exactly once (a second seed could
// wipe what a request wrote in between). It returns the error of load, or
// the context's error if ctx ends while another request is loading.
func (m *Manager) space(ctx context.Context, id string) (*space, error) {
	for {
		sp, done, mine := m.lookup(id)
		switch {
		case sp != nil:
			return sp, nil
		case mine:
			return m.loadShared(ctx, id, done)
		}
		select {
		case <-done:
			// Loaded, or failed: then this request tries again itself,
			// with its own context.
		case <-ctx.Done():
			return nil, fmt.Errorf("workspace: wait for %s to load: %w", id, ctx.Err())
		}
	}
}

// lookup finds workspace id under m.mu. It returns the loaded space; or
// the channel of a load in progress (mine false: wait for it); or a new
// channel that the caller must load for and close (mine true).
func (m *Manager) lookup(id string) (sp *space, done chan struct{}, mine bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if sp, ok := m.spaces[id]; ok {
		m.tick++
		sp.used = m.tick
		m.evictLocked(sp) // catches up on spaces that were busy at load time
		return sp, nil, false
	}
	if done, busy := m.loading[id]; busy {
		return nil, done, false
	}
	done = make(chan struct{})
	m.loading[id] = done
	return nil, done, true
}

// withSpace runs fn with workspace id loaded and its mutex held, and
// releases the mutex when fn returns or panics: no path can leave a
// workspace locked. A space dropped by eviction between lookup and lock is
// not used: the next lookup reloads it from the store, which has every
// write. It returns the load error, or fn's.
func (m *Manager) withSpace(ctx context.Context, id string, fn func(sp *space) error) error {
	for {
		sp, err := m.space(ctx, id)
		if err != nil {
			return err
		}
		ran, err := sp.locked(fn)
		if ran {
			m.trim(sp)
			return err
		}
	}
}

// locked runs fn under sp.mu unless sp was evicted (ran false), releasing
// the mutex by defer.
func (sp *space) locked(fn func(sp *space) error) (ran bool, err error) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.evicted {
		return false, nil
	}
	return true, fn(sp)
}

// DefaultMaxLoadedBytes is Options.MaxLoadedBytes' default: 64 MiB of
// documents in memory, two full workspaces (Limits.MaxBytes) or some
// 1,200 fresh ones (54 KB each; MaxLoaded's 1,000 comes first), so that
// with everything else (some 20 MiB) the live heap stays under 90 MiB: the
// server collects at GOGC=400 (main.go, tuneGC), when the heap reaches
// five times the live heap, and five times that is still under its 512 MiB
// soft memory limit, so the limit does not have to force collections.
const DefaultMaxLoadedBytes = 64 << 20

// overLocked reports whether more workspaces, or more bytes, are loaded
// than MaxLoaded and MaxLoadedBytes allow. The caller holds m.mu.
func (m *Manager) overLocked() bool {
	return len(m.spaces) > m.opts.MaxLoaded ||
		(m.opts.MaxLoadedBytes > 0 && m.loadedBytes.Load() > m.opts.MaxLoadedBytes)
}

// evictLocked drops least recently used idle workspaces (never keep) until
// at most MaxLoaded remain holding at most MaxLoadedBytes. The caller
// holds m.mu. A workspace in use (its mutex held) is skipped; one dropped
// is marked so a request that looked it up just before reloads instead of
// writing to a stale copy.
func (m *Manager) evictLocked(keep *space) {
	if m.opts.Store == nil || !m.overLocked() {
		return
	}
	cands := make([]*space, 0, len(m.spaces))
	for _, sp := range m.spaces {
		if sp != keep {
			cands = append(cands, sp)
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].used < cands[j].used })
	for _, sp := range cands {
		if !m.overLocked() {
			return
		}
		if !sp.tryEvict() {
			continue
		}
		delete(m.spaces, sp.id)
	}
}

// trim drops idle workspaces after a call on sp made the loaded set grow
// past MaxLoadedBytes (an import of a big file), rather than at the next
// lookup. It costs one atomic load when under the bound.
func (m *Manager) trim(sp *space) {
	if m.opts.Store == nil || m.opts.MaxLoadedBytes <= 0 || m.loadedBytes.Load() <= m.opts.MaxLoadedBytes {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.evictLocked(sp)
}

// charge counts sp, about to be installed in m.spaces, in loadedBytes. The
// caller holds m.mu and nobody else has seen sp yet.
func (m *Manager) charge(sp *space) {
	sp.charged = &m.loadedBytes
	m.loadedBytes.Add(sp.bytes)
}

// uncharge takes sp out of its manager's loadedBytes, once. The caller
// holds sp.mu.
func (sp *space) uncharge() {
	if sp.charged != nil {
		sp.charged.Add(-sp.bytes)
		sp.charged = nil
	}
}

// tryEvict marks sp evicted unless a request holds it; it reports whether
// it did.
func (sp *space) tryEvict() bool {
	if !sp.mu.TryLock() {
		return false
	}
	defer sp.mu.Unlock()
	if sp.wq.busy() {
		return false // the store does not have everything yet
	}
	sp.evicted = true
	sp.uncharge()
	return true
}

// loadShared loads workspace id for everyone waiting on done, then installs
// it (unless Reset installed one meanwhile, which wins) and wakes them. The
// cleanup is deferred so a panic cannot leave the workspace loading forever.
func (m *Manager) loadShared(ctx context.Context, id string, done chan struct{}) (sp *space, err error) {
	defer func() {
		m.mu.Lock()
		delete(m.loading, id)
		if sp != nil {
			if cur, ok := m.spaces[id]; ok {
				sp = cur
			} else {
				m.stampLocked(sp)
				m.charge(sp)
				m.spaces[id] = sp
			}
			m.tick++
			sp.used = m.tick
			m.evictLocked(sp)
		}
		m.mu.Unlock()
		close(done)
	}()
	return m.load(ctx, id)
}

// load reads workspace id from the store, seeding it from the fixtures
// (written through with ReplaceWorkspace) when it was never saved. It
// returns the store's error, or a decoding error for a bad document.
func (m *Manager) load(ctx context.Context, id string) (*space, error) {
	var docs map[string][]byte
	if m.opts.Store != nil {
		var err error
		docs, err = m.opts.Store.LoadWorkspace(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("workspace: load %s: %w", id, err)
		}
	}
	if len(docs) == 0 {
		docs = m.fixtures.seed(m.now(), m.opts.TaskDuration.Milliseconds())
		if m.opts.Store != nil {
			if err := m.opts.Store.ReplaceWorkspace(ctx, id, docs); err != nil {
				return nil, fmt.Errorf("workspace: seed %s: %w", id, err)
			}
		}
	}
	return buildSpace(id, docs)
}

// tidy writes back, in format 2, the run documents decodeRuns read in the
// first format (migrate), and deletes task set documents no run names any
// more. A failed write changes nothing that matters: the documents stay
// as they were, still readable, and the next load tries again. It writes
// at once, under sp.mu: it happens once per workspace, and the writes
// queued meanwhile touch none of its documents (no run was written
// before the runs were read).
func (m *Manager) tidy(ctx context.Context, sp *space, migrate map[string][]byte) {
	var orphans []string
	for h := range sp.ts.stored {
		if sp.ts.refs[h] == 0 {
			orphans = append(orphans, tasksKey(h))
		}
	}
	if m.opts.Store == nil || (len(migrate) == 0 && len(orphans) == 0) {
		return
	}
	if err := m.opts.Store.SaveWorkspace(ctx, sp.id, migrate, orphans); err != nil {
		return
	}
	sp.account(migrate, orphans)
	for k := range migrate {
		if h, ok := strings.CutPrefix(k, "tasks/"); ok {
			sp.ts.stored[h] = true
		}
	}
	for _, k := range orphans {
		h := strings.TrimPrefix(k, "tasks/")
		delete(sp.ts.stored, h)
		delete(sp.ts.byHash, h)
	}
}

// buildSpace rebuilds a workspace from its documents. Run documents are
// kept as they are, to be read on the first call that needs runs
// (ensureRuns): most of a big workspace's documents are runs, and calls
// on jobs, permissions and files never look at them.
func buildSpace(id string, docs map[string][]byte) (sp *space, err error) {
	sp = newSpace(id)
	if b, ok := docs["meta"]; ok {
		if err := json.Unmarshal(b, &sp.meta); err != nil {
			return nil, fmt.Errorf("workspace: load %s meta: %w", id, err)
		}
	}
	for k, b := range docs {
		kind, num, ok := strings.Cut(k, "/")
		if !ok {
			continue
		}
		switch kind {
		case "file":
			o, err := decodeFileDoc(b)
			if err != nil {
				return nil, fmt.Errorf("workspace: load %s %s: %w", id, k, err)
			}
			sp.setFile(o)
			continue
		case "tasks":
			ts, err := parseTaskSet(b)
			if err != nil {
				return nil, fmt.Errorf("workspace: load %s %s: %w", id, k, err)
			}
			ts.hash = num // its name, even if parsing changed a byte
			sp.ts.byHash[num] = ts
			sp.ts.stored[num] = true
			continue
		case "run":
			if sp.undecoded == nil {
				sp.undecoded = map[string][]byte{}
			}
			sp.undecoded[k] = b
			continue
		}
		n, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			continue
		}
		switch kind {
		case "job":
			j, err := decodeJobDoc(b)
			if err != nil {
				return nil, fmt.Errorf("workspace: load %s %s: %w", id, k, err)
			}
			sp.jobs[j.JobID] = j
			sp.jobIDs = append(sp.jobIDs, j.JobID)
		case "perm":
			var acl []aclEntry
			if err := json.Unmarshal(b, &acl); err != nil {
				return nil, fmt.Errorf("workspace: load %s %s: %w", id, k, err)
			}
			sp.perms[n] = acl
		}
	}
	sort.Slice(sp.jobIDs, func(i, j int) bool { return sp.jobIDs[i] < sp.jobIDs[j] })
	sp.account(docs, nil)
	return sp, nil
}

// decodeRuns reads the run documents buildSpace kept (sp.undecoded) and
// indexes the runs; nothing changes when one cannot be read. Run
// documents of the first format are read too: migrate then holds them in
// format 2, with the task set documents they need, for ensureRuns to
// write back.
func (sp *space) decodeRuns() (migrate map[string][]byte, err error) {
	if sp.undecoded == nil {
		return nil, nil
	}
	runs := make([]*runDoc, 0, len(sp.undecoded))
	var old []*runDoc
	for k, b := range sp.undecoded {
		r, isOld, err := sp.decodeRun(b)
		if err != nil {
			return nil, fmt.Errorf("workspace: load %s %s: %w", sp.id, k, err)
		}
		r.prepare()
		runs = append(runs, r)
		if isOld {
			old = append(old, r)
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].RunID < runs[j].RunID })
	for _, r := range runs {
		sp.runs[r.RunID] = r
		sp.runIDs = append(sp.runIDs, r.RunID)
		sp.indexRun(r)
	}
	sp.undecoded = nil
	if len(old) > 0 {
		migrate = map[string][]byte{}
		for _, r := range old {
			sp.runPuts(migrate, r)
		}
	}
	return migrate, nil
}

// ensureRuns reads sp's runs on the first call that needs them (see
// buildSpace), writing documents of the first format back in format 2.
// The caller holds sp.mu. It returns the decoding error, wrapped.
func (m *Manager) ensureRuns(ctx context.Context, sp *space) error {
	if sp.undecoded == nil {
		return nil
	}
	migrate, err := sp.decodeRuns()
	if err != nil {
		return err
	}
	m.tidy(ctx, sp, migrate)
	return nil
}

// indexRun adds a run to the secondary indexes.
func (sp *space) indexRun(r *runDoc) {
	if r.JobID != 0 {
		sp.jobRuns[r.JobID] = append(sp.jobRuns[r.JobID], r)
		sp.jobRunIDs[r.JobID] = append(sp.jobRunIDs[r.JobID], r.RunID)
	}
	for _, sg := range r.Segments {
		sp.taskRuns.add(sg, r.RunID)
		sp.ts.refs[sg.ts.hash]++
	}
	if r.Idempotency != "" {
		sp.idem[r.Idempotency] = r.RunID
	}
}

// The first ids of a new workspace, as in a real one: jobs and runs never
// share a number.
const (
	firstJobID = 101
	firstRunID = 1001
)

// allocID hands out the next id of a sequence kept in metaDoc (*next, 0 in
// a workspace that never used it) that starts at first.
func allocID(next *int64, first int64) int64 {
	if *next == 0 {
		*next = first
	}
	id := *next
	*next++
	return id
}

func runKey(id int64) string  { return "run/" + strconv.FormatInt(id, 10) }
func jobKey(id int64) string  { return "job/" + strconv.FormatInt(id, 10) }
func permKey(id int64) string { return "perm/" + strconv.FormatInt(id, 10) }

// Reset puts a workspace back to its fixtures, dropping everything else.
// It returns the store's error if the write fails.
func (m *Manager) Reset(ctx context.Context, workspaceID string) error {
	docs := m.fixtures.seed(m.now(), m.opts.TaskDuration.Milliseconds())
	sp, err := buildSpace(workspaceID, docs)
	if err != nil {
		return err
	}
	m.mu.Lock()
	old := m.spaces[workspaceID]
	m.mu.Unlock()
	if old != nil && m.opts.Store != nil {
		// Hold the loaded workspace, so nothing more is queued, and let
		// what is queued reach the store first: it must not land on top
		// of the reset.
		ran, err := old.locked(func(old *space) error {
			old.wq.flush(ctx, m.writer(old))
			if err := m.opts.Store.ReplaceWorkspace(ctx, workspaceID, docs); err != nil {
				return fmt.Errorf("workspace: reset %s: %w", workspaceID, err)
			}
			old.replace(sp)
			return nil
		})
		if ran {
			return err
		}
	}
	if m.opts.Store != nil {
		if err := m.opts.Store.ReplaceWorkspace(ctx, workspaceID, docs); err != nil {
			return fmt.Errorf("workspace: reset %s: %w", workspaceID, err)
		}
	}
	m.install(workspaceID, sp)
	return nil
}

// install makes sp the loaded workspace id; requests that already hold
// the old space see its contents replaced (under its own mutex).
func (m *Manager) install(id string, sp *space) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.spaces[id]
	if !ok {
		m.stampLocked(sp)
		m.charge(sp)
		m.spaces[id] = sp
		return
	}
	old.mu.Lock()
	defer old.mu.Unlock()
	old.replace(sp)
}

// replace moves o's contents into sp (the caller holds sp.mu), so requests
// that already hold sp see the reset workspace.
func (sp *space) replace(o *space) {
	sp.meta, sp.jobs, sp.jobIDs, sp.runs, sp.runIDs = o.meta, o.jobs, o.jobIDs, o.runs, o.runIDs
	sp.jobRuns, sp.sweeps, sp.taskRuns, sp.idem, sp.perms = o.jobRuns, o.sweeps, o.taskRuns, o.idem, o.perms
	sp.jobRunIDs, sp.ts = o.jobRunIDs, o.ts
	sp.maybeActive, sp.activeAt = nil, 0
	sp.templates, sp.fullRuns, sp.undecoded = nil, nil, o.undecoded
	sp.files, sp.fileBytes = o.files, o.fileBytes
	if sp.charged != nil {
		sp.charged.Add(o.bytes - sp.bytes)
	}
	sp.bytes, sp.sizes = o.bytes, o.sizes
	sp.version.Add(1)
}

// stampLocked starts a newly loaded space's version at a generation no
// earlier load used, so a workspace evicted and reloaded never repeats a
// version a page has already seen. The caller holds m.mu.
func (m *Manager) stampLocked(sp *space) {
	m.loads++
	sp.version.Store(m.loads << 32)
}

// Version is workspace id's change version: it moves whenever a call
// changes the workspace (from the sandbox page, curl, the CLI or an SDK),
// so a page can poll it to learn that what it shows is stale. It only
// reads memory: it neither loads, seeds nor stores anything, and returns 0
// for a workspace that is not loaded (never used, or idle and evicted; the
// next call that touches it loads it under a new version). Run and task
// states that advance with the clock alone do not move it. The error is
// the context's, when ctx is already done.
func (m *Manager) Version(ctx context.Context, id string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("workspace: version of %s: %w", id, err)
	}
	m.mu.Lock()
	sp, ok := m.spaces[id]
	m.mu.Unlock()
	if !ok {
		return 0, nil
	}
	return sp.version.Load(), nil
}
