package conversation_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/parleyhq/parley/internal/clocktest"
	"github.com/parleyhq/parley/internal/conversation"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

// memBlobs keeps files in memory.
type memBlobs struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (b *memBlobs) Put(_ context.Context, key string, data []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.files[key] = data
	return nil
}

func (b *memBlobs) Get(_ context.Context, key string) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.files[key], nil
}

func (b *memBlobs) Delete(_ context.Context, key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.files, key)
	return nil
}

func (b *memBlobs) has(key string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.files[key]
	return ok
}

// TestService_PruneUploads keeps an unsent upload for UploadRetention,
// then deletes its row and its file.
func TestService_PruneUploads(t *testing.T) {
	ctx := context.Background()
	clock := clocktest.New(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := storetest.Open(t, storetest.SQLite, storetest.Options{Clock: clock})
	f := storetest.Seed(t, s)
	blobs := &memBlobs{files: map[string][]byte{}}
	svc := conversation.New(s, conversation.Options{Blobs: blobs})
	u, err := svc.Upload(ctx, f.Admin, "note.pdf", "application/pdf", append([]byte("%PDF-1.7\n"), make([]byte, 300)...))
	if err != nil {
		t.Fatalf("Upload() = %v", err)
	}
	tests := []struct {
		name  string
		after time.Duration
		want  int
		kept  bool
	}{
		{"within the retention it is kept", conversation.UploadRetention - time.Minute, 0, true},
		{"after the retention it goes, with its file", conversation.UploadRetention + time.Minute, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := svc.PruneUploads(ctx, clock.Now().Add(tt.after))
			if err != nil || n != tt.want {
				t.Fatalf("PruneUploads(+%v) = %d, %v; want %d, nil", tt.after, n, err, tt.want)
			}
			if got := blobs.has(u.Key); got != tt.kept {
				t.Errorf("file kept = %v, want %v", got, tt.kept)
			}
		})
	}
}
