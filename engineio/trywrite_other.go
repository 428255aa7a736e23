//go:build !unix

package engineio

import (
	"net"
	"syscall"
)

func hasRawConn(net.Conn) bool { return false }

func rawConnOf(net.Conn) syscall.RawConn { return nil }

func tryWrite(syscall.RawConn, []byte) (int, error) { return 0, nil }
