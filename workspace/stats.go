package workspace

// Loaded returns how many workspaces are in memory now (for metrics).
// It cannot fail.
func (m *Manager) Loaded() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.spaces)
}

// LoadedBytes returns the stored bytes of the workspaces in memory now,
// the figure Options.MaxLoadedBytes bounds (for metrics). It cannot fail.
func (m *Manager) LoadedBytes() int64 {
	return m.loadedBytes.Load()
}
