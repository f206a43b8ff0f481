package workspace

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/phone"
	"github.com/parleyhq/parley/internal/scheduler"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// Import limits.
const (
	// MaxImportBytes is the largest CSV file an import takes.
	MaxImportBytes = 50 << 20
	// maxImportRows is the most rows one import takes.
	maxImportRows = 200_000
	// syncImportRows: an import of at most this many rows is done within
	// the request; a larger one in the background, with progress.
	syncImportRows = 1000
	// importBatch rows are written per transaction.
	importBatch = 500
	// maxImportErrors row errors are kept; the count goes on.
	maxImportErrors = 1000
)

// importFields are the contact fields a CSV column can map to, besides
// "attributes.<key>" and "" (ignore the column).
var importFields = []string{"name", "email", "phone", "company", "title", "avatar_url", "tags"}

// ImportRequest is a CSV import: the file, how its columns map to contact
// fields (header → field; nil maps each header named like a field), the
// region national phone numbers are read in ("US"), and whether to only
// check.
type ImportRequest struct {
	CSV     []byte
	Mapping map[string]string
	Region  string
	DryRun  bool
}

// importRow is one data row, checked.
type importRow struct {
	line  int
	input ContactInput
	tags  []string
	attrs map[string]string
	email string
	phone string
}

// parseImport reads and checks the whole file before anything is written:
// a file that is not CSV, or a mapping that names an unknown field, is an
// error; a row that fails its checks is a row error.
func (s *Service) parseImport(ctx context.Context, a parley.Actor, req ImportRequest) ([]importRow, []sqlstore.ImportRowError, int, error) {
	if len(req.CSV) > MaxImportBytes {
		return nil, nil, 0, parley.Errorf(parley.ETOOLARGE, "The file is larger than %d MB.", MaxImportBytes>>20)
	}
	if !utf8.Valid(req.CSV) || bytes.IndexByte(req.CSV, 0) >= 0 {
		return nil, nil, 0, parley.FieldErrorf("file", "The file is not UTF-8 text.")
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(req.CSV, []byte("\uFEFF"))))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		return nil, nil, 0, parley.FieldErrorf("file", "The file has no CSV header row (%v).", csvErr(err))
	}
	defs, err := loadDefs(ctx, s.store, a.WorkspaceID)
	if err != nil {
		return nil, nil, 0, err
	}
	cols := make([]string, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		field, ok := req.Mapping[h]
		if req.Mapping == nil {
			field, ok = strings.ToLower(h), true
		}
		if !ok {
			continue
		}
		switch {
		case field == "" || field == "id" || field == "created_at" || field == "updated_at":
			continue
		case slices.Contains(importFields, field):
		case strings.HasPrefix(field, "attributes."):
			if !attributeKey.MatchString(strings.TrimPrefix(field, "attributes.")) {
				return nil, nil, 0, parley.FieldErrorf("mapping", "Column %q maps to %q: an attribute key has lowercase letters, digits and _.", clip(h), clip(field))
			}
		default:
			if req.Mapping == nil {
				continue // an unmapped column the default mapping does not know
			}
			return nil, nil, 0, parley.FieldErrorf("mapping", "Column %q maps to unknown field %q: use %s or attributes.<key>.", clip(h), clip(field), strings.Join(importFields, ", "))
		}
		cols[i] = field
	}
	for h := range req.Mapping {
		if !slices.ContainsFunc(header, func(x string) bool { return strings.TrimSpace(x) == h }) {
			return nil, nil, 0, parley.FieldErrorf("mapping", "The file has no column %q.", clip(h))
		}
	}
	if !slices.Contains(cols, "email") && !slices.Contains(cols, "phone") {
		return nil, nil, 0, parley.FieldErrorf("mapping", "Map a column to email or phone: contacts are matched on them.")
	}
	var rows []importRow
	var rowErrs []sqlstore.ImportRowError
	total := 0
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, 0, parley.FieldErrorf("file", "The file is not valid CSV: %v.", csvErr(err))
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		total++
		if total > maxImportRows {
			return nil, nil, 0, parley.FieldErrorf("file", "An import takes at most %d rows.", maxImportRows)
		}
		row, ferr := buildRow(line, cols, rec, defs, req.Region)
		if ferr != nil {
			rowErrs = append(rowErrs, *ferr)
			continue
		}
		rows = append(rows, row)
	}
	return rows, rowErrs, total, nil
}

func csvErr(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Sprintf("line %d: %v", pe.Line, pe.Err)
	}
	return err.Error()
}

func buildRow(line int, cols, rec []string, defs attributeDefs, region string) (importRow, *sqlstore.ImportRowError) {
	row := importRow{line: line, attrs: map[string]string{}}
	rowErr := func(field, msg string) *sqlstore.ImportRowError {
		return &sqlstore.ImportRowError{Row: line, Field: field, Message: msg}
	}
	if len(rec) > len(cols) {
		return row, rowErr("", fmt.Sprintf("The row has %d cells; the header has %d.", len(rec), len(cols)))
	}
	str := func(v string) *string { return &v }
	for i, v := range rec {
		v = unguardCell(strings.TrimSpace(v))
		if cols[i] == "" || v == "" {
			continue
		}
		switch f := cols[i]; f {
		case "name":
			row.input.Name = str(v)
		case "email":
			row.input.Email = str(v)
		case "phone":
			if region != "" {
				if e, err := phone.NormalizeRegion(v, region); err == nil {
					v = e
				}
			}
			row.input.Phone = str(v)
		case "company":
			row.input.Company = str(v)
		case "title":
			row.input.Title = str(v)
		case "avatar_url":
			row.input.AvatarURL = str(v)
		case "tags":
			row.tags = dedupeTrim(strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' || r == '|' }))
		default:
			row.attrs[strings.TrimPrefix(f, "attributes.")] = v
		}
	}
	// Check the row as a contact would be checked.
	var c parley.Contact
	in := row.input
	in.Attributes = row.attrs
	if err := applyContact(&c, in, defs); err != nil {
		pe, _ := errors.AsType[*parley.Error](err)
		if pe == nil {
			return row, rowErr("", err.Error())
		}
		return row, rowErr(pe.Field, pe.Message)
	}
	row.attrs = c.Attributes
	row.email, row.phone = strings.ToLower(c.Email), c.Phone
	if row.email == "" && row.phone == "" {
		return row, rowErr("email", "The row has neither an email nor a phone number to match the contact on.")
	}
	return row, nil
}

// ImportContacts imports contacts from a CSV file, idempotently: a row
// whose email (or else E.164 phone) names an existing contact updates it
// (tags and attributes are added, fields given replace), and a row that
// changes nothing is counted unchanged. A dry run writes nothing and
// reports what would happen. Up to syncImportRows rows are imported before
// it returns; a larger file goes on in the background (done false), its
// progress read with ContactImport.
func (s *Service) ImportContacts(ctx context.Context, a parley.Actor, req ImportRequest) (im *sqlstore.ContactImport, done bool, err error) {
	if !req.DryRun {
		if err := requireAdmin(a); err != nil {
			return nil, false, err
		}
	}
	rows, rowErrs, total, err := s.parseImport(ctx, a, req)
	if err != nil {
		return nil, false, err
	}
	im = &sqlstore.ContactImport{WorkspaceID: a.WorkspaceID, Status: "running", DryRun: req.DryRun, Total: total,
		Failed: len(rowErrs), Errors: capErrors(rowErrs), Processed: len(rowErrs)}
	if req.DryRun {
		if err := s.dryRun(ctx, a, rows, im); err != nil {
			return nil, false, err
		}
		im.Status = "done"
		im.CreatedAt, im.UpdatedAt = s.store.Now(), s.store.Now()
		return im, true, nil
	}
	if len(rows) <= syncImportRows {
		if err := s.store.Write(ctx, func(tx *sqlstore.Tx) error { return tx.SaveContactImport(ctx, im, a.UserID) }); err != nil {
			return nil, false, err
		}
		err := s.runImport(ctx, a, rows, im, nil)
		return im, true, err
	}
	// A larger file is a durable job: the file, its options and the job
	// are committed with the import, so any node runs it, and resumes it
	// after a crash (ContactImportJob).
	opts, err := json.Marshal(importOptions{Mapping: req.Mapping, Region: req.Region})
	if err != nil {
		return nil, false, fmt.Errorf("import contacts: %w", err)
	}
	err = s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if err := tx.SaveContactImport(ctx, im, a.UserID); err != nil {
			return err
		}
		if err := tx.SaveContactImportFile(ctx, &sqlstore.ContactImportFile{ImportID: im.ID, WorkspaceID: a.WorkspaceID,
			Options: opts, Body: req.CSV}); err != nil {
			return err
		}
		if err := scheduler.Schedule(ctx, tx, KindContactImport, im.ID, a.WorkspaceID, s.store.Now(), importJob{ImportID: im.ID}); err != nil {
			return err
		}
		return importProgress(tx, im)
	})
	if err != nil {
		return nil, false, err
	}
	return im, false, nil
}

func capErrors(errs []sqlstore.ImportRowError) []sqlstore.ImportRowError {
	if len(errs) > maxImportErrors {
		return errs[:maxImportErrors]
	}
	return errs
}

// dryRun counts what an import would do, writing nothing.
func (s *Service) dryRun(ctx context.Context, a parley.Actor, rows []importRow, im *sqlstore.ContactImport) error {
	seen := map[string]bool{}
	for _, row := range rows {
		key := "e:" + row.email
		if row.email == "" {
			key = "p:" + row.phone
		}
		im.Processed++
		if seen[key] {
			im.Updated++
			continue
		}
		seen[key] = true
		c, err := s.matchContact(ctx, a.WorkspaceID, s.store, row)
		if err != nil {
			return err
		}
		switch {
		case c == nil:
			im.Created++
		case mergeRow(c, row):
			im.Updated++
		default:
			im.Unchanged++
		}
	}
	return nil
}

type contactFinder interface {
	FindContactIDByEmail(ctx context.Context, workspaceID, email string) (string, error)
	FindContactIDByPhone(ctx context.Context, workspaceID, phone string) (string, error)
	FindContactByID(ctx context.Context, workspaceID, contactID string) (*parley.Contact, error)
}

// matchContact finds the contact a row is about: by email, else by phone.
func (s *Service) matchContact(ctx context.Context, workspaceID string, q contactFinder, row importRow) (*parley.Contact, error) {
	var id string
	var err error = parley.Errorf(parley.ENOTFOUND, "no key")
	if row.email != "" {
		id, err = q.FindContactIDByEmail(ctx, workspaceID, row.email)
	}
	if parley.IsNotFound(err) && row.phone != "" {
		id, err = q.FindContactIDByPhone(ctx, workspaceID, row.phone)
	}
	if parley.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return q.FindContactByID(ctx, workspaceID, id)
}

// mergeRow applies a row to an existing contact and reports whether
// anything changed: given fields replace, tags and attributes are added.
func mergeRow(c *parley.Contact, row importRow) bool {
	before := *c
	before.Attributes = maps.Clone(c.Attributes)
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	in := row.input
	set(&c.Name, in.Name)
	set(&c.Company, in.Company)
	set(&c.Title, in.Title)
	set(&c.AvatarURL, in.AvatarURL)
	if row.email != "" {
		c.Email = row.email
	}
	if row.phone != "" {
		c.Phone = row.phone
	}
	c.Tags = dedupeTrim(append(slices.Clone(c.Tags), row.tags...))
	if c.Attributes == nil {
		c.Attributes = map[string]string{}
	}
	maps.Copy(c.Attributes, row.attrs)
	return before.Name != c.Name || before.Email != c.Email || before.Phone != c.Phone || before.Company != c.Company ||
		before.Title != c.Title || before.AvatarURL != c.AvatarURL || !slices.Equal(before.Tags, c.Tags) ||
		!maps.Equal(before.Attributes, c.Attributes)
}

// importFence, when set, is checked first in each batch's transaction: a
// batch of a job whose claim was lost rolls back (errLostImport).
type importFence func(ctx context.Context, tx *sqlstore.Tx) error

// runImport writes the rows in batches, saving progress after each (and,
// for a background import, the line of the batch's last row, so a resumed
// job starts after it).
func (s *Service) runImport(ctx context.Context, a parley.Actor, rows []importRow, im *sqlstore.ContactImport, fence importFence) error {
	for start := 0; start < len(rows); start += importBatch {
		batch := rows[start:min(start+importBatch, len(rows))]
		last := start+importBatch >= len(rows)
		if err := s.importBatch(ctx, a, batch, im, last, fence); err != nil {
			if errors.Is(err, errLostImport) || ctx.Err() != nil {
				return err // another node goes on with it, or this one stops
			}
			return s.failImport(ctx, a, im, err)
		}
	}
	im.Status = "done"
	if len(rows) == 0 {
		return s.store.Write(ctx, func(tx *sqlstore.Tx) error {
			if fence != nil {
				if err := fence(ctx, tx); err != nil {
					return err
				}
				if err := tx.DeleteContactImportFile(ctx, im.ID); err != nil {
					return err
				}
			}
			if err := tx.SaveContactImport(ctx, im, a.UserID); err != nil {
				return err
			}
			return importProgress(tx, im)
		})
	}
	return nil
}

// failImport marks an import failed after an error no retry cures.
func (s *Service) failImport(ctx context.Context, a parley.Actor, im *sqlstore.ContactImport, cause error) error {
	im.Status = "failed"
	_ = s.store.Write(context.WithoutCancel(ctx), func(tx *sqlstore.Tx) error {
		if err := tx.DeleteContactImportFile(ctx, im.ID); err != nil {
			return err
		}
		if err := tx.SaveContactImport(ctx, im, a.UserID); err != nil {
			return err
		}
		return importProgress(tx, im)
	})
	return cause
}

// importBatch writes one batch and its progress in one transaction; im is
// advanced only once it commits.
func (s *Service) importBatch(ctx context.Context, a parley.Actor, batch []importRow, im *sqlstore.ContactImport, last bool, fence importFence) error {
	var next sqlstore.ContactImport
	err := s.store.Write(ctx, func(tx *sqlstore.Tx) error {
		if fence != nil {
			if err := fence(ctx, tx); err != nil {
				return err
			}
		}
		next = *im
		find, err := newBatchFinder(ctx, tx, a.WorkspaceID, batch)
		if err != nil {
			return err
		}
		for _, row := range batch {
			outcome, err := s.importRow(ctx, tx, find, a, row, im.ID)
			if err != nil {
				return err
			}
			switch outcome {
			case rowCreated:
				next.Created++
			case rowUpdated:
				next.Updated++
			default:
				next.Unchanged++
			}
		}
		next.Processed += len(batch)
		if last {
			next.Status = "done"
		}
		if fence != nil {
			// The file goes with the last batch; until then, the line of
			// this batch's last row is where a resumed job starts.
			var err error
			if last {
				err = tx.DeleteContactImportFile(ctx, im.ID)
			} else {
				err = tx.AdvanceContactImport(ctx, im.ID, batch[len(batch)-1].line)
			}
			if err != nil {
				return err
			}
		}
		if err := tx.SaveContactImport(ctx, &next, a.UserID); err != nil {
			return err
		}
		return importProgress(tx, &next)
	})
	if err != nil {
		return err
	}
	*im = next
	if s.afterImportBatch != nil {
		s.afterImportBatch(im)
	}
	return nil
}

// batchFinder answers an import batch's email and phone lookups from one
// query made before the batch (MatchContactKeys), kept up to date with the
// contacts the batch creates and changes.
type batchFinder struct {
	tx               *sqlstore.Tx
	byEmail, byPhone map[string]string
}

func newBatchFinder(ctx context.Context, tx *sqlstore.Tx, workspaceID string, batch []importRow) (*batchFinder, error) {
	var emails, phones []string
	for _, r := range batch {
		if r.email != "" {
			emails = append(emails, r.email)
		}
		if r.phone != "" {
			phones = append(phones, r.phone)
		}
	}
	byEmail, byPhone, err := tx.MatchContactKeys(ctx, workspaceID, emails, phones)
	if err != nil {
		return nil, err
	}
	return &batchFinder{tx: tx, byEmail: byEmail, byPhone: byPhone}, nil
}

func (f *batchFinder) FindContactIDByEmail(_ context.Context, _, email string) (string, error) {
	if id, ok := f.byEmail[strings.ToLower(email)]; ok {
		return id, nil
	}
	return "", parley.Errorf(parley.ENOTFOUND, "Contact not found.")
}

func (f *batchFinder) FindContactIDByPhone(_ context.Context, _, phone string) (string, error) {
	if id, ok := f.byPhone[phone]; ok {
		return id, nil
	}
	return "", parley.Errorf(parley.ENOTFOUND, "Contact not found.")
}

func (f *batchFinder) FindContactByID(ctx context.Context, workspaceID, contactID string) (*parley.Contact, error) {
	return f.tx.FindContactByID(ctx, workspaceID, contactID)
}

// saw records a contact the batch wrote, under its email and phone (the
// oldest contact keeps a key it already has).
func (f *batchFinder) saw(c *parley.Contact) {
	if e := strings.ToLower(c.Email); e != "" {
		if _, ok := f.byEmail[e]; !ok {
			f.byEmail[e] = c.ID
		}
	}
	if c.Phone != "" {
		if _, ok := f.byPhone[c.Phone]; !ok {
			f.byPhone[c.Phone] = c.ID
		}
	}
}

type rowOutcome int

const (
	rowUnchanged rowOutcome = iota
	rowCreated
	rowUpdated
)

// importRow creates or updates the contact a row is about.
func (s *Service) importRow(ctx context.Context, tx *sqlstore.Tx, find *batchFinder, a parley.Actor, row importRow, importID string) (rowOutcome, error) {
	c, err := s.matchContact(ctx, a.WorkspaceID, find, row)
	if err != nil {
		return 0, err
	}
	if c != nil {
		defer find.saw(c) // its email or phone may change
	}
	if c == nil {
		c = &parley.Contact{WorkspaceID: a.WorkspaceID}
		mergeRow(c, row)
		if err := tx.CreateContact(ctx, c); err != nil {
			return 0, err
		}
		find.saw(c) // a later row of the batch may name it again
		if err := tx.Audit(ctx, a.WorkspaceID, a.UserID, "contact.create", "contact", c.ID, map[string]string{"import_id": importID}); err != nil {
			return 0, err
		}
		return rowCreated, nil
	}
	prev := *c
	prev.Attributes = maps.Clone(c.Attributes)
	if !mergeRow(c, row) {
		return rowUnchanged, nil
	}
	if err := tx.UpdateContact(ctx, c); err != nil {
		return 0, err
	}
	if err := contactUpdated(ctx, tx, a, &prev, c); err != nil {
		return 0, err
	}
	return rowUpdated, nil
}

// importProgress tells the workspace's clients how an import stands (the
// import screen follows it live); the row errors are read with
// ContactImport.
func importProgress(tx *sqlstore.Tx, im *sqlstore.ContactImport) error {
	p := *im
	p.Errors = nil
	return tx.AppendEvent(EventContactImportUpdated, im.WorkspaceID, "", &p, nil, nil)
}

// ContactImport returns an import's progress.
func (s *Service) ContactImport(ctx context.Context, a parley.Actor, importID string) (*sqlstore.ContactImport, error) {
	return s.store.FindContactImport(ctx, a.WorkspaceID, importID)
}

// maxExportRows is the most contacts one export holds.
const maxExportRows = 100_000

// ExportContacts writes the contacts matching q as CSV, in the columns an
// import maps by default (so an export imports back unchanged).
func (s *Service) ExportContacts(ctx context.Context, a parley.Actor, q ContactQuery, w io.Writer) error {
	if err := requireAdmin(a); err != nil {
		return err
	}
	q.Cursor, q.Limit = "", 500
	f, err := q.Filter(a)
	if err != nil {
		return err
	}
	var all []parley.Contact
	keys := map[string]bool{}
	for len(all) < maxExportRows {
		page, err := s.store.ListContacts(ctx, f)
		if err != nil {
			return err
		}
		for _, c := range page {
			for k := range c.Attributes {
				keys[k] = true
			}
		}
		all = append(all, page...)
		if len(page) < f.Limit {
			break
		}
		cur := sqlstore.ContactCursorAfter(f.Sort, &page[len(page)-1])
		f.After = &cur
	}
	attrKeys := slices.Collect(maps.Keys(keys))
	sort.Strings(attrKeys)
	cw := csv.NewWriter(w)
	header := []string{"id", "name", "email", "phone", "company", "title", "avatar_url", "tags", "created_at"}
	for _, k := range attrKeys {
		header = append(header, "attributes."+k)
	}
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("export contacts: %w", err)
	}
	for _, c := range all {
		rec := []string{c.ID, guardCell(c.Name), c.Email, c.Phone, guardCell(c.Company), guardCell(c.Title), c.AvatarURL,
			guardCell(strings.Join(c.Tags, ";")), c.CreatedAt.UTC().Format(time.RFC3339)}
		for _, k := range attrKeys {
			rec = append(rec, guardCell(c.Attributes[k]))
		}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("export contacts: %w", err)
		}
	}
	cw.Flush()
	return cw.Error()
}

// formulaStart are the first characters that make a spreadsheet read a
// cell as a formula.
const formulaStart = "=+-@\t\r"

// guardCell keeps a spreadsheet from running text a customer wrote as a
// formula ("=HYPERLINK(…)"): such a cell is exported behind an apostrophe,
// which spreadsheets hide and import takes off again (unguardCell).
func guardCell(s string) string {
	if s != "" && strings.ContainsRune(formulaStart, rune(s[0])) {
		return "'" + s
	}
	return s
}

// unguardCell undoes guardCell.
func unguardCell(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(formulaStart, rune(s[1])) {
		return s[1:]
	}
	return s
}
