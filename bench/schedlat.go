package main

import (
	"math"
	"runtime/metrics"
)

// schedLatency returns quantiles of how long goroutines waited to run
// (runtime/metrics /sched/latencies:seconds), in milliseconds, since the
// process started.
func schedLatency(qs ...float64) []float64 {
	s := []metrics.Sample{{Name: "/sched/latencies:seconds"}}
	metrics.Read(s)
	h := s[0].Value.Float64Histogram()
	var total uint64
	for _, c := range h.Counts {
		total += c
	}
	out := make([]float64, len(qs))
	for i, q := range qs {
		want := uint64(math.Ceil(q * float64(total)))
		var seen uint64
		for j, c := range h.Counts {
			seen += c
			if seen >= want {
				out[i] = h.Buckets[j+1] * 1000
				break
			}
		}
	}
	return out
}
