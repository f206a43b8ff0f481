//go:build unix

package realtime

import (
	"errors"
	"syscall"
)

// writeNow writes what the socket takes at once and returns how much;
// 0 without error when nothing could be written now.
func (w *wire) writeNow(b []byte) (int, error) {
	if w.raw == nil {
		return 0, nil
	}
	n := 0
	var werr error
	err := w.raw.Write(func(fd uintptr) bool {
		for n < len(b) {
			m, err := syscall.Write(int(fd), b[n:])
			if m > 0 {
				n += m
			}
			switch {
			case errors.Is(err, syscall.EINTR):
				continue
			case errors.Is(err, syscall.EAGAIN):
			case err != nil:
				werr = err
			case m > 0:
				continue
			}
			break
		}
		return true // never wait here: finish does, on its own goroutine
	})
	if err != nil {
		return n, err
	}
	return n, werr
}
