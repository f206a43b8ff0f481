package blob

import (
	"bytes"
	"context"
	"testing"

	"github.com/parleyhq/parley"
)

func TestDir_PutGetDelete(t *testing.T) {
	ctx := context.Background()
	d, err := NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	key := "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
	if err := d.Put(ctx, key, []byte("hello")); err != nil {
		t.Fatalf("Put: %v", err)
	}
	got, err := d.Get(ctx, key)
	if err != nil || !bytes.Equal(got, []byte("hello")) {
		t.Fatalf("Get = %q, %v, want hello", got, err)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := d.Get(ctx, key); !parley.IsNotFound(err) {
		t.Errorf("Get after Delete = %v, want ENOTFOUND", err)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Errorf("Delete of a missing blob = %v, want nil", err)
	}
}

func TestDir_RefusesKeysThatEscape(t *testing.T) {
	d, _ := NewDir(t.TempDir())
	for _, key := range []string{"../../etc/passwd", "a/b/c/d", "", "abc", "x.y.z.w"} {
		if err := d.Put(context.Background(), key, []byte("x")); err == nil {
			t.Errorf("Put(%q) = nil, want an error", key)
		}
	}
}
