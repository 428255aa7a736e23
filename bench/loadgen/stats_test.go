package main

import (
	"encoding/json"
	"math"
	"testing"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	xs := []float64{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}
	tests := []struct {
		q    float64
		want float64
	}{
		{0, 1}, {0.1, 1}, {0.5, 5}, {0.51, 6}, {0.9, 9}, {0.99, 10}, {1, 10},
	}
	for _, tt := range tests {
		if got := Percentile(xs, tt.q); got != tt.want {
			t.Errorf("Percentile(q=%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if got := Percentile(nil, 0.5); !math.IsNaN(got) {
		t.Errorf("Percentile(nil) = %v, want NaN", got)
	}
	if xs[0] != 5 {
		t.Errorf("Percentile sorted its input: xs[0] = %v", xs[0])
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	tests := []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{math.NaN(), 7, 1, 4}, 4},
		{[]float64{42}, 42},
	}
	for _, tt := range tests {
		if got := Median(tt.xs); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.xs, got, tt.want)
		}
	}
	if got := Median(nil); !math.IsNaN(got) {
		t.Errorf("Median(nil) = %v, want NaN", got)
	}
}

func TestHistogramBuckets(t *testing.T) {
	t.Parallel()
	// Every value falls in a bucket whose range holds it, and the ranges
	// of consecutive buckets touch.
	for _, v := range []int64{0, 1, 1023, 1024, 1025, 2047, 2048, 999_999, 1 << 30, 123_456_789_012, math.MaxInt64 / 2} {
		i := bucketOf(v)
		lo, hi := bucketRange(i)
		if v < lo || v > hi {
			t.Errorf("value %d in bucket %d = [%d, %d]", v, i, lo, hi)
		}
		if float64(hi-lo) > float64(lo)*0.002+1 {
			t.Errorf("bucket %d = [%d, %d] wider than 0.2%%", i, lo, hi)
		}
	}
	for i := 1; i < histLinear+5*histSub; i++ {
		_, prevHi := bucketRange(i - 1)
		lo, _ := bucketRange(i)
		if lo != prevHi+1 {
			t.Fatalf("bucket %d starts at %d, previous ends at %d", i, lo, prevHi)
		}
	}
}

func TestHistogramQuantile(t *testing.T) {
	t.Parallel()
	h := NewHistogram()
	var xs []float64
	// 1 µs .. 100 ms in nanoseconds.
	for i := int64(1); i <= 100_000; i++ {
		v := i * 1000
		h.Record(v)
		xs = append(xs, float64(v))
	}
	for _, q := range []float64{0.01, 0.5, 0.9, 0.99, 0.999, 1} {
		want := Percentile(xs, q)
		got := float64(h.Quantile(q))
		if math.Abs(got-want) > want*0.002 {
			t.Errorf("Quantile(%v) = %v, want %v ± 0.2%%", q, got, want)
		}
	}
	if h.Count() != 100_000 || h.Min() != 1000 || h.Max() != 100_000_000 {
		t.Errorf("count/min/max = %d/%d/%d, want 100000/1000/100000000", h.Count(), h.Min(), h.Max())
	}
	if got := NewHistogram().Quantile(0.5); got != 0 {
		t.Errorf("empty Quantile = %d, want 0", got)
	}
	one := NewHistogram()
	one.Record(-5)
	if got := one.Quantile(0.99); got != 0 {
		t.Errorf("negative values count as 0: got %d", got)
	}
}

func TestHistogramMergeAndJSON(t *testing.T) {
	t.Parallel()
	a, b, all := NewHistogram(), NewHistogram(), NewHistogram()
	for i := int64(0); i < 5000; i++ {
		v := (i * 7919) % 1_000_000
		if i%3 == 0 {
			a.Record(v)
		} else {
			b.Record(v)
		}
		all.Record(v)
	}
	// Through the wire, as workers send them.
	var got Histogram
	for _, h := range []*Histogram{a, b} {
		raw, err := json.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		var back Histogram
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatal(err)
		}
		if got.counts == nil {
			got = *NewHistogram()
		}
		got.Merge(&back)
	}
	if got.Count() != all.Count() || got.Min() != all.Min() || got.Max() != all.Max() {
		t.Fatalf("merged count/min/max = %d/%d/%d, want %d/%d/%d", got.Count(), got.Min(), got.Max(), all.Count(), all.Min(), all.Max())
	}
	for _, q := range []float64{0.5, 0.99} {
		if got.Quantile(q) != all.Quantile(q) {
			t.Errorf("merged Quantile(%v) = %d, want %d", q, got.Quantile(q), all.Quantile(q))
		}
	}
}

func TestDelivery(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		seqs               []int64
		expected           int64
		wantRecv, wantDups int64
		wantLost           int64
	}{
		{"all in order", []int64{1, 2, 3, 4}, 4, 4, 0, 0},
		{"one lost", []int64{1, 2, 4}, 4, 3, 0, 1},
		{"duplicate", []int64{1, 2, 2, 3}, 3, 3, 1, 0},
		{"replayed older", []int64{1, 2, 3, 1}, 3, 3, 1, 0},
		{"nothing", nil, 5, 0, 0, 5},
		{"more than expected", []int64{1, 2, 3}, 2, 3, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var d Delivery
			for _, s := range tt.seqs {
				d.See(s)
			}
			if d.received != tt.wantRecv || d.dups != tt.wantDups || d.Lost(tt.expected) != tt.wantLost {
				t.Errorf("received/dups/lost = %d/%d/%d, want %d/%d/%d", d.received, d.dups, d.Lost(tt.expected), tt.wantRecv, tt.wantDups, tt.wantLost)
			}
		})
	}
}

func TestSeqStatMerge(t *testing.T) {
	t.Parallel()
	var a, b, empty SeqStat
	a.add(300)
	a.add(100)
	b.add(50)
	b.add(900)
	a.merge(b)
	a.merge(empty)
	if a.Count != 4 || a.FirstNs != 50 || a.LastNs != 900 {
		t.Errorf("merged = %+v, want count 4, first 50, last 900", a)
	}
	var z SeqStat
	z.merge(a)
	if z != a {
		t.Errorf("merge into empty = %+v, want %+v", z, a)
	}
}
