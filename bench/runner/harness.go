package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"
)

// harness holds the built binaries and runs the servers and the load
// generator.
type harness struct {
	cfg    config
	log    io.Writer
	tmp    string
	bin    map[string]string // sio-bench-server, loadgen, livedesk
	pinned bool              // taskset available and two CPUs
}

func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(h.log, "bench: "+format+"\n", args...)
}

func newHarness(ctx context.Context, cfg config, log io.Writer) (*harness, error) {
	tmp, err := os.MkdirTemp("", "livedesk-bench-")
	if err != nil {
		return nil, err
	}
	h := &harness{cfg: cfg, log: log, tmp: tmp, bin: map[string]string{}}
	for name, pkg := range map[string]string{
		"sio-bench-server": "./cmd/sio-bench-server",
		"loadgen":          "./bench/loadgen",
		"livedesk":         "./cmd/livedesk",
		"floor":            "./bench/floor",
		"writes":           "./bench/writes",
		"storm":            "./bench/storm",
	} {
		if _, err := h.build(ctx, name, pkg); err != nil {
			h.cleanup()
			return nil, err
		}
	}
	ref := filepath.Join(cfg.Root, "bench/reference")
	if _, err := os.Stat(filepath.Join(ref, "node_modules/socket.io/package.json")); err != nil {
		h.logf("installing the reference server (npm ci)")
		cmd := exec.CommandContext(ctx, "npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir, cmd.Stdout, cmd.Stderr = ref, log, log
		if err := cmd.Run(); err != nil {
			h.cleanup()
			return nil, fmt.Errorf("failed to install bench/reference: %w", err)
		}
	}
	_, err = exec.LookPath("taskset")
	h.pinned = err == nil && runtime.NumCPU() >= 2
	if !h.pinned {
		h.logf("WARNING: no taskset or fewer than 2 CPUs: server and load generator are not pinned")
	}
	return h, nil
}

func (h *harness) cleanup() { _ = os.RemoveAll(h.tmp) }

// pin prefixes argv with taskset for cpu when pinning is available, and
// with nice when BENCH_NICE asks for another priority.
func (h *harness) pin(cpu int, argv ...string) []string {
	if h.pinned {
		argv = append([]string{"taskset", "-c", fmt.Sprint(cpu)}, argv...)
	}
	if h.cfg.Nice != 0 {
		argv = append([]string{"nice", "-n", fmt.Sprint(h.cfg.Nice)}, argv...)
	}
	return argv
}

// server is a running server under test.
type server struct {
	cmd  *exec.Cmd
	url  string
	done chan struct{}
}

var listenRE = regexp.MustCompile(`listening on (http://[0-9.]+:[0-9]+)`)

// startServer starts argv, pinned to CPU 0, and waits for its "listening
// on http://ADDR" line (it listens on a free port of its own choosing).
func (h *harness) startServer(ctx context.Context, name string, dir string, env []string, argv ...string) (*server, error) {
	argv = h.pin(0, argv...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = prefixWriter(h.log, name+": ")
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("failed to start %s: %w", name, err)
	}
	s := &server{cmd: cmd, done: make(chan struct{})}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		found := false
		for sc.Scan() {
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil && !found {
				found = true
				urlc <- m[1]
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(s.done) }()
	select {
	case s.url = <-urlc:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("%s exited before listening", name)
	case <-time.After(20 * time.Second):
		s.stop()
		return nil, fmt.Errorf("%s did not listen within 20s", name)
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

// stop sends SIGTERM to the server's process group, then SIGKILL.
func (s *server) stop() {
	if s.cmd.Process == nil {
		return
	}
	pgid := -s.cmd.Process.Pid
	_ = syscall.Kill(pgid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(pgid, syscall.SIGKILL)
		<-s.done
	}
}

// loadgen runs the load generator pinned to CPU 1 with args and decodes
// its JSON result into v; raw, when not nil, receives the JSON as is.
func (h *harness) loadgen(ctx context.Context, timeout time.Duration, v any, raw *json.RawMessage, args ...string) error {
	out := filepath.Join(h.tmp, fmt.Sprintf("result-%d.json", time.Now().UnixNano()))
	argv := h.pin(1, append([]string{h.bin["loadgen"], "-out", out}, args...)...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = h.log, prefixWriter(h.log, "  ")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("load generator failed: %w", err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return err
	}
	if raw != nil {
		*raw = b
	}
	return json.Unmarshal(b, v)
}

// build builds pkg (with go build flags) as the binary name in the
// harness's directory.
func (h *harness) build(ctx context.Context, name, pkg string, flags ...string) (string, error) {
	out := filepath.Join(h.tmp, name)
	h.logf("building %s %s", pkg, strings.Join(flags, " "))
	cmd := exec.CommandContext(ctx, "go", append(append([]string{"build", "-o", out}, flags...), pkg)...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = h.cfg.Root, h.log, h.log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("failed to build %s: %w", pkg, err)
	}
	h.bin[name] = out
	return out, nil
}

// prefixWriter writes each line to w with a prefix.
func prefixWriter(w io.Writer, prefix string) io.Writer {
	pr, pw := io.Pipe()
	var once sync.Once
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			fmt.Fprintln(w, prefix+sc.Text())
		}
		once.Do(func() { _ = pr.Close() })
	}()
	return pw
}

// machine describes where the benchmark ran.
type machine struct {
	CPU      string `json:"cpu"`
	CPUs     int    `json:"cpus"`
	MemoryGB string `json:"memory"`
	Kernel   string `json:"kernel"`
	Go       string `json:"go"`
	Node     string `json:"node"`
	SocketIO string `json:"socketio"`
	Load     string `json:"loadavgAtStart"`
	Pinned   bool   `json:"pinned"`
}

func describeMachine(ctx context.Context, root string, pinned bool) machine {
	m := machine{CPUs: runtime.NumCPU(), Go: runtime.Version(), Pinned: pinned}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		line, _, _ := strings.Cut(string(b), "\n")
		m.MemoryGB = strings.Join(strings.Fields(line)[1:], " ")
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		m.Load = strings.TrimSpace(string(b))
	}
	if b, err := exec.CommandContext(ctx, "node", "--version").Output(); err == nil {
		m.Node = strings.TrimSpace(string(b))
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if b, err := os.ReadFile(filepath.Join(root, "bench/reference/node_modules/socket.io/package.json")); err == nil && json.Unmarshal(b, &pkg) == nil {
		m.SocketIO = pkg.Version
	}
	return m
}
