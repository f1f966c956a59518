//go:build unix

package main

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockDatabase takes an exclusive lock on path's lock file (path+".lock")
// for as long as this server runs, so a second server on the same
// database fails at start instead of serving stale pages: each server
// keeps learners' reads in memory (store's learner cache) and sees only
// its own writes. The lock is an flock, released by the kernel when the
// process ends however it ends; the file itself stays and is harmless.
// It returns the function that releases the lock, or an error naming the
// file when another process holds it.
func lockDatabase(path string) (func(), error) {
	name := path + ".lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another trainer is serving %s (it holds %s): stop it, or give this one its own -db", path, name)
		}
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return func() { f.Close() }, nil
}
