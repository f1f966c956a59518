package workspace

import (
	"fmt"
	"sync"
)

// previewTTL is how long Preview reuses one seeded copy of the fixtures:
// seeding the 150-task job costs milliseconds, and visitors' pages
// (polled every few seconds) should not pay it on every request.
const previewTTL = 60_000 // ms

// previewCache is the fixtures seeded once for Preview, shared by every
// visitor and rebuilt after previewTTL. Its mutex guards the space too.
type previewCache struct {
	mu    sync.Mutex
	sp    *space
	until int64 // Unix ms after which sp is reseeded
}

// Preview returns the overview a new workspace has: the fixtures, bounded
// by w, as of now, with Unused set. Nothing is stored, and no workspace
// is created, so pages can show a visitor who has none yet what theirs will
// hold. It returns an error only when a fixture document cannot be decoded.
func (m *Manager) Preview(w Window) (Overview, error) {
	now := m.now()
	pc := &m.preview
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.sp == nil || now >= pc.until || now < pc.until-previewTTL {
		sp, err := buildSpace("preview", m.fixtures.seed(now, m.opts.TaskDuration.Milliseconds()))
		if err == nil {
			_, err = sp.decodeRuns()
		}
		if err != nil {
			return Overview{}, fmt.Errorf("workspace: preview: %w", err)
		}
		pc.sp, pc.until = sp, now+previewTTL
	}
	ov := pc.sp.overview(now, w)
	ov.WorkspaceID, ov.Unused = "", true
	return ov, nil
}
