package workspace

import "fmt"

// Preview returns the overview a new workspace has: the fixtures, seeded
// now, with runsPerJob runs per job. Nothing is stored or kept in memory,
// so pages can show a visitor who has no workspace yet what theirs will
// hold without creating it. It returns an error only when a fixture
// document cannot be decoded.
func (m *Manager) Preview(runsPerJob int) (Overview, error) {
	now := m.now()
	sp, err := buildSpace("preview", m.fixtures.seed(now, m.opts.TaskDuration.Milliseconds()))
	if err != nil {
		return Overview{}, fmt.Errorf("workspace: preview: %w", err)
	}
	return sp.overview("", now, runsPerJob), nil
}
