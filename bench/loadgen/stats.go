package main

import (
	"encoding/json"
	"math"
	"math/bits"
	"slices"
	"sort"
)

// Histogram counts non-negative values (nanoseconds here) in log-linear
// buckets: exact below 1024, then 512 buckets per power of two, so that a
// quantile is off by at most 0.2%. It merges across processes (sent as JSON
// of its non-empty buckets) and costs 128 kB, whatever the number of values.
type Histogram struct {
	counts []int64
	n      int64
	min    int64
	max    int64
}

const (
	histLinear  = 1024 // values below this have a bucket each
	histSubBits = 9    // 512 buckets per power of two above it
	histSub     = 1 << histSubBits
	histBuckets = histLinear + (64-10)*histSub
)

// NewHistogram returns an empty histogram.
func NewHistogram() *Histogram {
	return &Histogram{counts: make([]int64, histBuckets), min: math.MaxInt64}
}

func bucketOf(v int64) int {
	if v < histLinear {
		return int(v)
	}
	// v has bl significant bits, bl >= 11; keep the top 10 (the leading
	// one and 9 more) as the sub-bucket.
	bl := bits.Len64(uint64(v))
	shift := bl - (histSubBits + 1)
	sub := int(v>>shift) - histSub // 0..511
	return histLinear + (shift-1)*histSub + sub
}

// bucketRange returns the smallest and largest value of bucket i.
func bucketRange(i int) (lo, hi int64) {
	if i < histLinear {
		return int64(i), int64(i)
	}
	j := i - histLinear
	shift := j/histSub + 1
	sub := int64(j%histSub + histSub)
	lo = sub << shift
	hi = lo + (int64(1) << shift) - 1
	return lo, hi
}

// Record adds one value; negative values count as zero.
func (h *Histogram) Record(v int64) {
	if v < 0 {
		v = 0
	}
	h.counts[bucketOf(v)]++
	h.n++
	if v < h.min {
		h.min = v
	}
	if v > h.max {
		h.max = v
	}
}

// Count returns the number of recorded values.
func (h *Histogram) Count() int64 { return h.n }

// Max returns the largest value recorded (0 when empty).
func (h *Histogram) Max() int64 {
	if h.n == 0 {
		return 0
	}
	return h.max
}

// Min returns the smallest value recorded (0 when empty).
func (h *Histogram) Min() int64 {
	if h.n == 0 {
		return 0
	}
	return h.min
}

// Quantile returns the value at quantile q (0..1): the midpoint of the
// bucket holding the ceil(q*n)-th smallest value, clamped to [min, max].
// It returns 0 for an empty histogram.
func (h *Histogram) Quantile(q float64) int64 {
	if h.n == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(h.n)))
	if rank < 1 {
		rank = 1
	}
	var seen int64
	for i, c := range h.counts {
		if c == 0 {
			continue
		}
		seen += c
		if seen >= rank {
			lo, hi := bucketRange(i)
			v := lo + (hi-lo)/2
			return min(max(v, h.min), h.max)
		}
	}
	return h.max
}

// Merge adds the values of o.
func (h *Histogram) Merge(o *Histogram) {
	if o == nil || o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.min = min(h.min, o.min)
	h.max = max(h.max, o.max)
}

// histJSON is the wire form of a Histogram: its non-empty buckets.
type histJSON struct {
	Buckets [][2]int64 `json:"b"` // {bucket index, count}
	Min     int64      `json:"min"`
	Max     int64      `json:"max"`
}

// MarshalJSON implements json.Marshaler.
func (h *Histogram) MarshalJSON() ([]byte, error) {
	j := histJSON{Min: h.Min(), Max: h.Max(), Buckets: [][2]int64{}}
	for i, c := range h.counts {
		if c != 0 {
			j.Buckets = append(j.Buckets, [2]int64{int64(i), c})
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON implements json.Unmarshaler.
func (h *Histogram) UnmarshalJSON(b []byte) error {
	var j histJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*h = *NewHistogram()
	for _, bc := range j.Buckets {
		if bc[0] < 0 || bc[0] >= histBuckets {
			continue
		}
		h.counts[bc[0]] += bc[1]
		h.n += bc[1]
	}
	if h.n > 0 {
		h.min, h.max = j.Min, j.Max
	}
	return nil
}

// Percentile returns the q-quantile (0..1) of xs by the nearest-rank
// method: the ceil(q*n)-th smallest value. It returns NaN for no values.
func Percentile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	sort.Float64s(s)
	rank := int(math.Ceil(q * float64(len(s))))
	rank = min(max(rank, 1), len(s))
	return s[rank-1]
}

// Median returns the median of xs (the mean of the middle two for an even
// count), NaN for none.
func Median(xs []float64) float64 {
	var s []float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			s = append(s, x)
		}
	}
	if len(s) == 0 {
		return math.NaN()
	}
	sort.Float64s(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// SeqStat aggregates the arrivals of one broadcast over the clients of a
// process, and over processes once merged.
type SeqStat struct {
	Count   int64 `json:"n"`
	FirstNs int64 `json:"first"` // earliest arrival, unix ns (0: none)
	LastNs  int64 `json:"last"`  // latest arrival, unix ns
}

// add counts one arrival at unix time ns.
func (s *SeqStat) add(ns int64) {
	s.Count++
	if s.FirstNs == 0 || ns < s.FirstNs {
		s.FirstNs = ns
	}
	if ns > s.LastNs {
		s.LastNs = ns
	}
}

// merge adds the arrivals of o.
func (s *SeqStat) merge(o SeqStat) {
	if o.Count == 0 {
		return
	}
	s.Count += o.Count
	if s.FirstNs == 0 || (o.FirstNs != 0 && o.FirstNs < s.FirstNs) {
		s.FirstNs = o.FirstNs
	}
	s.LastNs = max(s.LastNs, o.LastNs)
}

// Delivery tracks what one client received in a phase: messages arrive in
// order on one connection, so a sequence number at or below the last one
// seen is a duplicate (or a reordering, which the protocol rules out just
// the same).
type Delivery struct {
	last     int64
	received int64
	dups     int64
}

// See records sequence number seq and reports whether it is new.
func (d *Delivery) See(seq int64) bool {
	if d.received > 0 && seq <= d.last {
		d.dups++
		return false
	}
	d.last = seq
	d.received++
	return true
}

// Reset forgets the phase.
func (d *Delivery) Reset() { *d = Delivery{} }

// Lost returns how many of expected messages never arrived.
func (d *Delivery) Lost(expected int64) int64 { return max(expected-d.received, 0) }
