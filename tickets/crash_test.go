package tickets_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mostvn/supportbot/tickets"
)

// TestCrashKeepsEveryAcknowledgedTicket builds internal/crashwriter, lets it
// create tickets from 8 goroutines, SIGKILLs it after it has acknowledged
// 1,500 of them, and checks on reopening that every acknowledged ticket is
// present with its source, no source was stored twice, and Verify holds.
// A second run replays the same sources: nothing is created twice.
func TestCrashKeepsEveryAcknowledgedTicket(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills a process")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	bin := filepath.Join(t.TempDir(), "crashwriter")
	build := exec.Command(goBin, "build", "-o", bin, "./internal/crashwriter")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build crashwriter: %v\n%s", err, out)
	}
	dir := t.TempDir()

	acked := map[string]string{} // source → id
	run := func(killAfter int) {
		cmd := exec.Command(bin, "-dir", dir, "-n", "1000", "-workers", "8")
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		lines := 0
		for sc.Scan() {
			id, src, ok := strings.Cut(sc.Text(), " ")
			if !ok {
				t.Fatalf("bad line %q", sc.Text())
			}
			if prev, dup := acked[src]; dup && prev != id {
				t.Errorf("source %s acknowledged as %s and %s", src, prev, id)
			}
			acked[src] = id
			lines++
			if lines == killAfter {
				cmd.Process.Signal(syscall.SIGKILL)
				// Keep reading: lines already in the pipe were acknowledged too.
			}
		}
		err = cmd.Wait()
		if killAfter > 0 {
			if st, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !st.Signaled() {
				t.Fatalf("writer was not killed (exit %v): raise -n", err)
			}
		} else if err != nil {
			t.Fatalf("replay run: %v", err)
		}
	}
	run(1500)
	killed := len(acked)
	t.Logf("acknowledged before SIGKILL: %d", killed)

	check := func() int {
		t.Helper()
		db, err := tickets.OpenDB(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		s, err := tickets.NewStore(db, tickets.Options{})
		if err != nil {
			t.Fatal(err)
		}
		all, err := s.List(tickets.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		bySource := map[string]string{}
		for _, tk := range all {
			if prev, dup := bySource[tk.Source]; dup {
				t.Errorf("source %s stored twice: %s and %s", tk.Source, prev, tk.ID)
			}
			bySource[tk.Source] = tk.ID
		}
		for src, id := range acked {
			if bySource[src] != id {
				t.Errorf("acknowledged %s (%s) is %q after the crash", id, src, bySource[src])
			}
		}
		mustVerify(t, s)
		return len(all)
	}
	stored := check()
	t.Logf("stored after reopen: %d (acknowledged %d)", stored, killed)

	// Replay every source (a redelivery after the crash) to completion.
	run(0)
	if n := check(); n != 8*1000 {
		t.Fatalf("after replay %d tickets, want %d", n, 8*1000)
	}
}
