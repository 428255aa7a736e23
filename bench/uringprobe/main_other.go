//go:build !linux

// Command uringprobe measures io_uring against write(2); io_uring is
// Linux's.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "uringprobe: io_uring is Linux's")
	os.Exit(2)
}
