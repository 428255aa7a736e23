package main

import (
	"os"
	"testing"
)

// TestMain lets a test start this very test binary as the livedesk
// command (LIVEDESK_TEST_AS_MAIN=1), so that process-level tests (signals,
// exit codes) run the real main without building another binary.
func TestMain(m *testing.M) {
	if os.Getenv("LIVEDESK_TEST_AS_MAIN") == "1" {
		os.Args = append([]string{"livedesk"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
