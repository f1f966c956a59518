//go:build browser

package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// newBrowser starts headless Chromium for one test. It skips when no
// browser is installed, unless E2E=1 says one must be. The deadline is
// generous: shared, loaded CI machines run Chromium slowly.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserFor(t, 4*time.Minute)
}

// newBrowserFor is newBrowser with the whole test's time limit d.
func newBrowserFor(t *testing.T, d time.Duration) context.Context {
	t.Helper()
	return newBrowserWith(t, d)
}

// newBrowserWith is newBrowserFor with extra Chromium options.
func newBrowserWith(t *testing.T, d time.Duration, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := os.Getenv("CHROMIUM_PATH")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		if os.Getenv("E2E") == "1" {
			t.Fatal("E2E=1 but no Chromium found (set CHROMIUM_PATH)")
		}
		t.Skip("no Chromium found; set CHROMIUM_PATH or install chromium")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.WindowSize(1200, 900),
	}
	opts = append(opts, extra...)
	actx, c1 := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, c2 := chromedp.NewContext(actx)
	ctx, c3 := context.WithTimeout(ctx, d)
	t.Cleanup(func() { c3(); c2(); c1() })
	return ctx
}

// screenshotDir is $SCREENSHOT_DIR, or a temp dir when it is unset.
func screenshotDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("SCREENSHOT_DIR"); dir != "" {
		return dir
	}
	return t.TempDir()
}

// screenshot saves a full-page PNG under dir and returns its path.
func screenshot(t *testing.T, ctx context.Context, dir, name string) string {
	t.Helper()
	return saveShot(t, ctx, dir, name, chromedp.FullScreenshot(100))
}

// viewShot saves a PNG of what the viewport shows (where a jump landed)
// under dir and returns its path. It is cheaper than a full-page shot of a
// long page at 375 px, which Chromium can take minutes over on a loaded
// machine; a shot that takes longer than 20 s is skipped, not a failure.
func viewShot(t *testing.T, ctx context.Context, dir, name string) string {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Logf("screenshot %s skipped: %v", name, err)
		return ""
	}
	return writeShot(t, dir, name, png)
}

func saveShot(t *testing.T, ctx context.Context, dir, name string, shot chromedp.Action[[]byte]) string {
	t.Helper()
	png, err := chromedp.Run(ctx, shot)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return writeShot(t, dir, name, png)
}

func writeShot(t *testing.T, dir, name string, png []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
	return p
}

// openSandboxWithToken opens the sandbox as a new visitor and creates the
// sandbox token with the page's own button (a visit alone creates none),
// leaving the page showing the terminal snippet.
func openSandboxWithToken(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/sandbox"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="create-token-form"] button`)),
		chromedp.Click(chromedp.CSS(`[data-testid="create-token-form"] button`)),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="env-snippet"]`)),
	); err != nil {
		t.Fatal(err)
	}
}

// pressKey presses key once the page's deferred scripts have run
// (document.readyState "complete"): a key pressed between a new page
// becoming visible and its script attaching the keyboard handler is lost,
// and the test then waits out its whole time limit.
func pressKey(key string) chromedp.Action[chromedp.Void] {
	ready := chromedp.Poll[bool](`document.readyState === "complete"`, chromedp.WithPollingInterval(20*time.Millisecond))
	return chromedp.Steps(
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := ready(ctx, t)
			return err
		}),
		chromedp.KeyEvent(key),
	)
}
