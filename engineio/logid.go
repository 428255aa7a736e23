package engineio

// LogID shortens a session id for logs: a polling session's id is its only
// credential (whoever knows it can read and write the session), so a log
// line carries only enough of it to tell sessions apart.
func LogID(sid string) string {
	const keep = 6
	if len(sid) <= keep {
		return "…"
	}
	return sid[:keep] + "…"
}
