package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/livedesk/livedesk/bench/internal/ldproc"
	"github.com/livedesk/livedesk/bench/internal/restclient"
)

// pgSchema makes a fresh schema in the PostgreSQL database at pg.
func pgSchema(ctx context.Context, pg string) (string, func(), error) {
	s, err := ldproc.NewSchema(ctx, pg, "livedesk_storm")
	if err != nil {
		return "", nil, err
	}
	return s.URL, s.Drop, nil
}

// customers creates k customers of the first vendor.
func customers(ctx context.Context, api *restclient.Client, k int) ([]int64, error) {
	var users struct {
		Items []struct{ ID int64 }
	}
	if _, err := api.Do(ctx, "GET", "/api/users?role=vendor&limit=1", nil, nil, &users); err != nil {
		return nil, err
	}
	if len(users.Items) == 0 {
		return nil, fmt.Errorf("no vendor")
	}
	var ids []int64
	for i := range k {
		var c struct{ ID int64 }
		if _, err := api.Do(ctx, "POST", "/api/customers", map[string]any{"name": fmt.Sprintf("Storm Customer %d", i+1), "vendorId": users.Items[0].ID},
			map[string]string{"Idempotency-Key": fmt.Sprintf("storm-customer-%d", i)}, &c); err != nil {
			return nil, err
		}
		ids = append(ids, c.ID)
	}
	return ids, nil
}

// writer posts payments numbered 1, 2, … at rate, each retried with its
// key until it is recorded, so that the numbers are committed in order
// even across the restart.
type writer struct {
	api       *restclient.Client
	customers []int64
	rate      float64
	acked     atomic.Int64 // payments 1..acked are recorded
}

func (w *writer) run(ctx context.Context) {
	gap := time.Duration(float64(time.Second) / w.rate)
	next := time.Now()
	for n := int64(1); ctx.Err() == nil; n++ {
		if d := time.Until(next); d > 0 {
			time.Sleep(d)
		}
		next = next.Add(gap)
		body := map[string]any{"customerId": w.customers[int(n)%len(w.customers)], "amountCents": 100, "method": "cash",
			"reference": fmt.Sprintf("bench-%d-%d", n, time.Now().UnixNano())}
		key := map[string]string{"Idempotency-Key": fmt.Sprintf("storm-payment-%d", n)}
		for ctx.Err() == nil {
			if _, err := w.api.Do(ctx, "POST", "/api/payments", body, key, nil); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if ctx.Err() == nil {
			w.acked.Store(n)
		}
		if time.Since(next) > time.Second {
			next = time.Now() // after the restart: no burst to catch up
		}
	}
}

// procCPU is the process's user and system CPU time in seconds.
func procCPU(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	k, _ := strconv.ParseFloat(f[12], 64)
	return (u + k) / 100 // USER_HZ
}

// scrape reads the Prometheus text at url into name{labels} -> value.
func scrape(url string) (map[string]float64, error) {
	m := map[string]float64{}
	resp, err := http.Get(url)
	if err != nil {
		return m, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err == nil {
			m[line[:i]] = v
		}
	}
	return m, sc.Err()
}
