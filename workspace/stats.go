package workspace

// Loaded returns how many workspaces are in memory now (for metrics).
// It cannot fail.
func (m *Manager) Loaded() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.spaces)
}
