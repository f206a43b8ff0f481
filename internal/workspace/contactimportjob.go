package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// KindContactImport is the scheduler job that runs a background CSV
// import; its key is the import's id.
const KindContactImport = "contact.import"

// EventContactImportUpdated carries an import's progress (its counts, not
// its row errors) after each batch.
const EventContactImportUpdated = "contact_import.updated"

const (
	// importSlice is how long one claim of the job writes batches; then
	// the job completes and schedules itself again for the rest, so no
	// claim outlives its lease.
	importSlice = 20 * time.Second
	// importJobTimeout bounds one claim's Run (shorter than the scheduler's
	// two-minute lease, as the scheduler requires).
	importJobTimeout = 90 * time.Second
	// importMaxAttempts: a batch that fails this many claims in a row
	// fails the import.
	importMaxAttempts = 5
)

// importOptions are the request's options kept with the file.
type importOptions struct {
	Mapping map[string]string `json:"mapping,omitempty"`
	Region  string            `json:"region,omitempty"`
}

// importJob is the job's payload.
type importJob struct {
	ImportID string `json:"import_id"`
}

// errLostImport: the job's claim was lost (the lease ran out and another
// node claimed it); the batch under way rolled back.
var errLostImport = errors.New("contact import: the job's claim was lost to another node")

// errImportFile: the kept file or its options cannot be read again; no
// retry cures it.
var errImportFile = errors.New("contact import: the kept file cannot be read")

// ContactImportJob is the scheduler handler of KindContactImport. Each
// claim reads the kept file again, skips the rows up to the last committed
// batch's line and writes the next batches, each in one transaction with
// its progress and under the claim's fencing token: a node that dies
// mid-file leaves the import at a batch boundary, the next claim (on any
// node, after the lease) goes on from there, and only the claim's holder
// can commit a batch.
func (s *Service) ContactImportJob() scheduler.Handler {
	return scheduler.Handler{Run: s.runImportJob, Commit: s.continueImportJob, Timeout: importJobTimeout, MaxAttempts: importMaxAttempts}
}

func (s *Service) runImportJob(ctx context.Context, job *sqlstore.Job) error {
	var p importJob
	if err := json.Unmarshal(job.Payload, &p); err != nil || p.ImportID == "" {
		return scheduler.Permanent(fmt.Errorf("contact import: bad payload %s", job.Payload))
	}
	im, err := s.store.FindContactImport(ctx, job.WorkspaceID, p.ImportID)
	if parley.IsNotFound(err) {
		return nil // the workspace was deleted with it
	}
	if err != nil {
		return err
	}
	if im.Status != "running" {
		return nil // finished by an earlier claim
	}
	fence := func(ctx context.Context, tx *sqlstore.Tx) error {
		ok, err := tx.HoldJob(ctx, job.ID, job.Token)
		if err == nil && !ok {
			err = errLostImport
		}
		return err
	}
	a, rows, err := s.loadImport(ctx, im)
	if err != nil {
		return s.importJobFailed(ctx, job, a, im, err)
	}
	if len(rows) == 0 {
		// Every row is written (or none is left valid): finish.
		return s.runImport(ctx, a, nil, im, fence)
	}
	deadline := time.Now().Add(s.sliceBudget())
	for start := 0; start < len(rows); start += importBatch {
		if start > 0 && time.Now().After(deadline) {
			return nil // continueImportJob schedules the rest
		}
		batch := rows[start:min(start+importBatch, len(rows))]
		if err := s.importBatch(ctx, a, batch, im, start+importBatch >= len(rows), fence); err != nil {
			if errors.Is(err, errLostImport) || ctx.Err() != nil {
				return err
			}
			return s.importJobFailed(ctx, job, a, im, err)
		}
	}
	return nil
}

// loadImport reads an import's file and options again and returns who it
// acts as and the rows still to write (after the last committed line).
func (s *Service) loadImport(ctx context.Context, im *sqlstore.ContactImport) (parley.Actor, []importRow, error) {
	a := parley.Actor{WorkspaceID: im.WorkspaceID}
	uid, err := s.store.FindContactImportUser(ctx, im.WorkspaceID, im.ID)
	if err != nil {
		return a, nil, err
	}
	a.UserID = uid
	f, err := s.store.FindContactImportFile(ctx, im.WorkspaceID, im.ID)
	if err != nil {
		return a, nil, err
	}
	var opts importOptions
	if err := json.Unmarshal(f.Options, &opts); err != nil {
		return a, nil, fmt.Errorf("%w: options: %w", errImportFile, err)
	}
	rows, _, _, err := s.parseImport(ctx, a, ImportRequest{CSV: f.Body, Mapping: opts.Mapping, Region: opts.Region})
	if err != nil {
		// The file was checked when it was uploaded; only a changed
		// attribute definition can make it fail now, and no retry cures it.
		return a, nil, fmt.Errorf("%w: %w", errImportFile, err)
	}
	// Rows are kept in file order: skip those the committed batches wrote.
	done := sort.Search(len(rows), func(i int) bool { return rows[i].line > f.DoneLine })
	return a, rows[done:], nil
}

// importJobFailed fails the import when the job will not be tried again
// (a permanent error, or the last attempt), and returns the error for the
// scheduler to retry or fail the job.
func (s *Service) importJobFailed(ctx context.Context, job *sqlstore.Job, a parley.Actor, im *sqlstore.ContactImport, err error) error {
	if ctx.Err() != nil {
		return err
	}
	if errors.Is(err, errImportFile) || job.Attempts >= importMaxAttempts {
		slog.Default().ErrorContext(ctx, "contact import failed", "import_id", im.ID, "err", err)
		return scheduler.Permanent(s.failImport(ctx, a, im, err))
	}
	return err
}

// continueImportJob runs in the transaction that completes a claim: an
// import not finished yet (its slice ran out) is scheduled again, due now.
func (s *Service) continueImportJob(ctx context.Context, tx *sqlstore.Tx, job *sqlstore.Job) error {
	var p importJob
	if err := json.Unmarshal(job.Payload, &p); err != nil {
		return scheduler.Permanent(fmt.Errorf("contact import: bad payload %s", job.Payload))
	}
	im, err := tx.FindContactImport(ctx, job.WorkspaceID, p.ImportID)
	if parley.IsNotFound(err) {
		return nil
	}
	if err != nil || im.Status != "running" {
		return err
	}
	if err := scheduler.Schedule(ctx, tx, KindContactImport, job.Key, job.WorkspaceID, s.store.Now(), p); err != nil {
		return err
	}
	// The event's commit wakes the schedulers, so the next slice starts at once.
	return importProgress(tx, im)
}

// sliceBudget is how long one claim writes batches (tests shorten it).
func (s *Service) sliceBudget() time.Duration {
	if s.importSlice > 0 {
		return s.importSlice
	}
	return importSlice
}
