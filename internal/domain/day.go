package domain

import "time"

// FormatDay writes a YYYY-MM-DD calendar day as the dashboard reads it:
// FormatDay("2026-12-02") is "2 Dec 2026". Anything that is not such a
// day is returned as it is (an empty day stays empty).
func FormatDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("2 Jan 2006")
}
