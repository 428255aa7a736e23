package service

import (
	"strings"
	"testing"
)

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "", 1: "?", 3: "?,?,?"} {
		if got := placeholders(n); got != want {
			t.Errorf("placeholders(%d) = %q, want %q", n, got, want)
		}
	}
	if got := placeholders(40000); len(got) != 2*40000-1 || strings.Count(got, "?") != 40000 {
		t.Errorf("placeholders(40000) has %d characters", len(got))
	}
}

func TestUniqueIDs(t *testing.T) {
	t.Parallel()
	got, err := uniqueIDs("ids", []int64{3, 1, 3, 2, 1})
	if err != nil || len(got) != 3 || got[0] != 3 || got[1] != 1 || got[2] != 2 {
		t.Fatalf("uniqueIDs = %v, %v; want [3 1 2]", got, err)
	}
	if _, err := uniqueIDs("ids", make([]int64, MaxIDs+1)); err == nil {
		t.Fatal("more than MaxIDs ids were accepted")
	}
}
