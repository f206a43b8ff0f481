package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"
)

// accessLogged serves r through serve and logs one line for it: method,
// route pattern (never the raw path, which carries inbound tokens), status,
// duration and a request id that the response carries as X-Request-Id.
// Bodies, query strings and headers are never logged. The line is at info
// (PARLEY_LOG_LEVEL=warn turns it off); 5xx answers log at warn.
func (s *Server) accessLogged(w http.ResponseWriter, r *http.Request, serve func(http.ResponseWriter, *http.Request) *http.Request) {
	ctx := r.Context()
	if !s.Logger.Enabled(ctx, slog.LevelWarn) {
		serve(w, r)
		return
	}
	start := time.Now()
	reqID := newRequestID()
	w.Header().Set("X-Request-Id", reqID)
	sw := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
	routed := serve(sw, r)
	level := slog.LevelInfo
	if sw.code >= 500 {
		level = slog.LevelWarn
	}
	if !s.Logger.Enabled(ctx, level) {
		return
	}
	pattern := "unrouted"
	if routed != nil && routed.Pattern != "" {
		pattern = routed.Pattern
	}
	s.Logger.LogAttrs(ctx, level, "http request",
		slog.String("method", r.Method),
		slog.String("route", pattern),
		slog.Int("status", sw.code),
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", reqID))
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusRecorder remembers the status code; Unwrap keeps Hijack (WebSocket
// upgrades) and Flush reachable through http.ResponseController.
type statusRecorder struct {
	http.ResponseWriter
	code        int
	wroteHeader bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.wroteHeader {
		w.code, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	w.wroteHeader = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }
