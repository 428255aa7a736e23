//go:build race

package demo_test

// raceEnabled is true under the race detector, which slows the SQLite
// engine (transpiled C) about twentyfold.
const raceEnabled = true
