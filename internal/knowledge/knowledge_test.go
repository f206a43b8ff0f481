package knowledge_test

import (
	"context"
	"strings"
	"testing"

	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/knowledge"
	"github.com/parleyhq/parley/internal/sqlstore"
	"github.com/parleyhq/parley/internal/sqlstore/storetest"
)

func TestService_Search(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *sqlstore.Store) {
		ctx := context.Background()
		f := storetest.Seed(t, s)
		svc := knowledge.New(s)
		ship, err := svc.Create(ctx, f.Admin, knowledge.Input{Kind: "qa", Question: "Do you ship to Canada?", Answer: "Yes, we ship to Canada in 5 to 7 days."})
		if err != nil {
			t.Fatalf("Create: %v", err)
		}
		art, err := svc.Create(ctx, f.Admin, knowledge.Input{Kind: "article", Title: "Refund policy",
			Content: "# Refunds\n\nYou may return any item within 30 days for a full refund.\n\nGift cards are not refundable."})
		if err != nil {
			t.Fatalf("Create article: %v", err)
		}
		if _, err := svc.Create(ctx, f.Agent, knowledge.Input{Kind: "qa", Question: "q", Answer: "a"}); parley.ErrorCode(err) != parley.EFORBIDDEN {
			t.Errorf("Create as an agent: err = %v, want EFORBIDDEN", err)
		}
		tests := []struct {
			q, wantID, wantPassage string
		}{
			{"Do you ship to Canada?", ship.ID, "Yes, we ship"},
			{"shipping to canada", ship.ID, "Yes, we ship"},
			{"Can I get a refund after 20 days?", art.ID, "You may return any item"},
			{"are gift cards refundable", art.ID, "Gift cards are not refundable."},
		}
		for _, tt := range tests {
			ms, err := svc.Search(ctx, f.Workspace.ID, tt.q, nil, 5)
			if err != nil {
				t.Fatalf("Search(%q): %v", tt.q, err)
			}
			if len(ms) == 0 || ms[0].Entry.ID != tt.wantID || !strings.HasPrefix(ms[0].Passage, tt.wantPassage) {
				t.Errorf("Search(%q) = %+v, want %s first with passage %q", tt.q, ms, tt.wantID, tt.wantPassage)
			}
		}
		if ms, _ := svc.Search(ctx, f.Workspace.ID, "weather in Paris", nil, 5); len(ms) != 0 {
			t.Errorf("Search(unrelated) = %d matches, want 0", len(ms))
		}
		if ms, _ := svc.Search(ctx, f.Workspace.ID, "ship to canada", []string{art.ID}, 5); len(ms) != 0 {
			t.Errorf("Search limited to the article = %+v, want none", ms)
		}
		n, err := svc.ImportCSV(ctx, f.Admin, strings.NewReader("Answer,Question\n\"Open 9 to 5, Monday to Friday.\",What are your opening hours?\n"))
		if err != nil || n != 1 {
			t.Fatalf("ImportCSV = %d, %v", n, err)
		}
		ms, _ := svc.Search(ctx, f.Workspace.ID, "opening hours", nil, 5)
		if len(ms) == 0 || ms[0].Entry.Source != "csv" || ms[0].Passage != "Open 9 to 5, Monday to Friday." {
			t.Errorf("Search after import = %+v", ms)
		}
		if err := svc.Delete(ctx, f.Admin, ship.ID); err != nil {
			t.Fatalf("Delete: %v", err)
		}
		if ms, _ := svc.Search(ctx, f.Workspace.ID, "ship to canada", nil, 5); len(ms) != 0 {
			t.Errorf("Search after delete = %+v", ms)
		}
		// Another node edits an entry: this one's copy of the knowledge
		// base in memory does not hide the edit.
		if _, err := knowledge.New(s).Update(ctx, f.Admin, art.ID, knowledge.Input{Kind: "article", Title: "Refund policy",
			Content: "Refunds reach your card within 60 days."}); err != nil {
			t.Fatalf("Update: %v", err)
		}
		ms, _ = svc.Search(ctx, f.Workspace.ID, "when do refunds reach my card", nil, 5)
		if len(ms) == 0 || ms[0].Entry.ID != art.ID || !strings.Contains(ms[0].Passage, "60 days") {
			t.Errorf("Search after another node's edit = %+v, want the edited article", ms)
		}
	})
}

func TestParseCSV(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
		wantErr  string
	}{
		{"a header in any order", "answer,question\nA1,Q1\nA2,Q2\n", 2, ""},
		{"no header: first two columns", "Q1,A1\n\nQ2,A2\n", 2, ""},
		{"a row without an answer names its line", "question,answer\nQ1,A1\nQ2\n", 0, "Line 3"},
		{"an empty answer names its line", "question,answer\nQ1,\n", 0, "Line 2"},
		{"nothing to import", "question,answer\n", 0, "no question"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := knowledge.ParseCSV(strings.NewReader(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseCSV err = %v, want one with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || len(got) != tt.want {
				t.Fatalf("ParseCSV = %d pairs, %v; want %d", len(got), err, tt.want)
			}
		})
	}
}

func FuzzParseCSV(f *testing.F) {
	f.Add("question,answer\nQ,A\n")
	f.Add("\"a\"\"b\",c\n")
	f.Fuzz(func(t *testing.T, in string) {
		ins, err := knowledge.ParseCSV(strings.NewReader(in))
		if err == nil && len(ins) == 0 {
			t.Fatal("no error and no pairs")
		}
		for _, p := range ins {
			if strings.TrimSpace(p.Question) == "" || strings.TrimSpace(p.Answer) == "" {
				t.Fatalf("empty pair %+v", p)
			}
		}
	})
}
