//go:build !linux

package engineio

// Without epoll every WebSocket reads in a goroutine of its own.

func (w *wsConn) watch() bool { return false }

func (w *wsConn) unwatch() {}
