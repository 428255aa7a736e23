// Package ldproc runs `livedesk` processes for the benchmark tools: a
// command to completion, or `livedesk serve` until it announces its
// address, stopped with SIGTERM (then SIGKILL) of its process group.
package ldproc

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"syscall"
	"time"
)

// Run runs bin with args and env added to the environment, and returns
// its output when it fails.
func Run(ctx context.Context, bin string, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("livedesk %s: %w: %s", args[0], err, out)
	}
	return nil
}

// Proc is a running `livedesk serve`.
type Proc struct {
	URL  string // http://ADDR it announced
	cmd  *exec.Cmd
	done chan struct{}
}

var listenRE = regexp.MustCompile(`listening on (http://[0-9.]+:[0-9]+)`)

// Serve starts `bin serve args...` and waits until it prints its address.
// Its stderr goes to stderr.
func Serve(ctx context.Context, bin string, env []string, stderr io.Writer, args ...string) (*Proc, error) {
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("failed to start livedesk serve: %w", err)
	}
	p := &Proc{cmd: cmd, done: make(chan struct{})}
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listenRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urlc <- m[1]:
				default:
				}
			}
		}
	}()
	go func() { _ = cmd.Wait(); close(p.done) }()
	select {
	case p.URL = <-urlc:
		return p, nil
	case <-p.done:
		return nil, fmt.Errorf("livedesk serve exited before listening")
	case <-time.After(30 * time.Second):
		p.Stop()
		return nil, fmt.Errorf("livedesk serve did not listen within 30s")
	case <-ctx.Done():
		p.Stop()
		return nil, ctx.Err()
	}
}

// PID is the process id.
func (p *Proc) PID() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Signal sends sig to the process group.
func (p *Proc) Signal(sig syscall.Signal) { _ = syscall.Kill(-p.cmd.Process.Pid, sig) }

// Stop sends SIGTERM, waits up to 10 s, then SIGKILL.
func (p *Proc) Stop() {
	p.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		p.Signal(syscall.SIGKILL)
		<-p.done
	}
}

// StopAll stops every process, all signalled first.
func StopAll(ps []*Proc) {
	for _, p := range ps {
		p.Signal(syscall.SIGTERM)
	}
	for _, p := range ps {
		p.Stop()
	}
}

// FreeAddr returns a loopback address whose port is free now, for a
// process to listen on.
func FreeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}
