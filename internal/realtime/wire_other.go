//go:build !unix

package realtime

// writeNow cannot write without waiting here: finish writes it all.
func (w *wire) writeNow([]byte) (int, error) { return 0, nil }
