//go:build !ui

package web

import "io/fs"

func distFS() (fs.FS, bool) { return nil, false }
