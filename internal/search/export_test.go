package search

// SetProbeCap sets how many matching contacts s reads by contact before it
// walks the newest conversations instead.
func SetProbeCap(s *Service, n int) { s.probeCap = n }
