package main

import (
	"context"
	"net"
	"os"
	"testing"
	"time"

	"github.com/livedesk/livedesk/internal/service"
	"github.com/livedesk/livedesk/internal/store/storetest"
	"github.com/redis/go-redis/v9"
)

// TestDependencyChecks: the readiness checks the dependency_down rule uses
// report the real Redis as ready and a Redis nobody listens on as not
// ready, one status per dependency.
func TestDependencyChecks(t *testing.T) {
	t.Parallel()
	db := storetest.OpenSQLite(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := ln.Addr().String()
	ln.Close() // nothing listens there now
	for _, tc := range []struct {
		addr      string
		redisDown bool
	}{{"127.0.0.1:6379", false}, {deadAddr, true}} {
		rdb := redis.NewClient(&redis.Options{Addr: tc.addr, MaxRetries: -1, DialTimeout: time.Second})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		got := dependencyChecks(db, rdb)(ctx)
		cancel()
		rdb.Close()
		if len(got) != 2 || got[0].ID != service.DependencyDatabase || got[0].Err != nil || got[1].ID != service.DependencyRedis {
			t.Fatalf("%s: checks = %+v", tc.addr, got)
		}
		if (got[1].Err != nil) != tc.redisDown {
			if !tc.redisDown && os.Getenv("LIVEDESK_REQUIRE_SERVICES") != "1" {
				t.Skipf("*** Redis unreachable at %s (%v): this test is NOT running", tc.addr, got[1].Err)
			}
			t.Fatalf("%s: redis status %v, want down=%v", tc.addr, got[1].Err, tc.redisDown)
		}
	}
	if got := dependencyChecks(db, nil)(context.Background()); len(got) != 1 {
		t.Fatalf("without Redis: %+v, want the database only", got)
	}
}
