package realtime

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/parleyhq/parley"
)

func TestWorkspace_frameFor(t *testing.T) {
	newE := func(ev parley.Event) *entry {
		t.Helper()
		ev.WorkspaceID = "ws-1"
		if ev.Data == nil {
			ev.Data = json.RawMessage(`{}`)
		}
		e, err := newEntry(&ev)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	team := parley.Audience{TeamID: "t1"}
	before := parley.Audience{AssigneeIDs: []string{"agent-2"}}
	entries := []*entry{
		newE(parley.Event{Seq: 1, Type: parley.EventConversationUpdated, ConversationID: "c1", Audience: &team, PrevAudience: &before}),
		newE(parley.Event{Seq: 2, Type: parley.EventContactUpdated}),
	}
	viewer := func(user string, role parley.Role, teams ...string) *viewer {
		return &viewer{
			actor:    parley.Actor{UserID: user, WorkspaceID: "ws-1", Role: role, TeamIDs: teams},
			settings: parley.WorkspaceSettings{AgentScope: parley.ScopeTeams},
		}
	}
	ws := &workspace{frames: frameCache{m: make(map[string]*frame)}}
	admin1 := ws.frameFor(viewer("admin-1", parley.RoleAdmin), entries, nil, nil)
	admin2 := ws.frameFor(viewer("admin-2", parley.RoleAdmin), entries, nil, nil)
	member := ws.frameFor(viewer("agent-1", parley.RoleAgent, "t1"), entries, nil, nil)
	outsider := ws.frameFor(viewer("agent-2", parley.RoleAgent), entries, nil, nil)

	if admin1 != admin2 || admin1 != member {
		t.Error("viewers who receive the same events got different frames, want one shared frame")
	}
	if outsider == admin1 {
		t.Fatal("a viewer who lost access shares the frame of those who see the conversation")
	}
	var got []struct {
		Seq  int64  `json:"seq"`
		Type string `json:"type"`
	}
	if err := json.Unmarshal(outsider.plain, &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Type != parley.EventConversationRemoved || got[1].Type != parley.EventContactUpdated {
		t.Errorf("outsider's frame = %s, want conversation.removed then contact.updated", outsider.plain)
	}
	if f := ws.frameFor(viewer("agent-2", parley.RoleAgent), entries[:1], nil, nil); f == nil || f == outsider {
		t.Error("a different set of events shares a frame")
	}
	if f := ws.frameFor(viewer("agent-3", parley.RoleAgent), entries[:0], nil, nil); f != nil {
		t.Errorf("nothing to send gave a frame: %s", f.plain)
	}
	sig := [][]byte{[]byte(`{"type":"typing"}`)}
	if f := ws.frameFor(viewer("admin-1", parley.RoleAdmin), entries, sig, nil); f == admin1 || string(f.plain) != string(admin1.plain[:len(admin1.plain)-1])+`,{"type":"typing"}]` {
		t.Errorf("a frame with a socket's own signals = %s, want its own frame with the signal last", f.plain)
	}
}

func TestCoalesceWindow(t *testing.T) {
	for _, tt := range []struct {
		sockets int
		want    time.Duration
	}{
		{33, 1825 * time.Microsecond},
		{100, 3500 * time.Microsecond},
		{500, 13500 * time.Microsecond},
		{1000, 25 * time.Millisecond},
		{5000, 25 * time.Millisecond},
	} {
		if got := coalesceWindow(25*time.Millisecond, tt.sockets); got != tt.want {
			t.Errorf("coalesceWindow(25ms, %d) = %v, want %v", tt.sockets, got, tt.want)
		}
	}
}
