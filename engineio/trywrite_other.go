//go:build !unix

package engineio

import (
	"errors"
	"net"
	"syscall"
)

func rawConnOf(net.Conn) syscall.RawConn { return nil }

func tryWrite(syscall.RawConn, []byte) (int, error) { return 0, nil }

func descriptorOf(syscall.RawConn) int32 { return -1 }

func writeFD(int, []byte) (int, error) { return 0, nil }

var errWouldBlock = errors.New("engineio: would block")

func tryRead(syscall.RawConn, []byte) (int, error) { return 0, errWouldBlock }
