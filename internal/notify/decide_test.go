package notify

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleyhq/parley"
)

func recipient(id string, role parley.Role, teams []string, mutate ...func(*parley.NotificationPreferences)) Recipient {
	p := DefaultPreferences()
	for _, m := range mutate {
		m(&p)
	}
	return Recipient{Actor: parley.Actor{UserID: id, WorkspaceID: "w", Role: role, TeamIDs: teams}, Prefs: p}
}

func scope(s parley.NotificationScope) func(*parley.NotificationPreferences) {
	return func(p *parley.NotificationPreferences) { p.Scope = s }
}

func off(t parley.NotificationType) func(*parley.NotificationPreferences) {
	return func(p *parley.NotificationPreferences) { p.Types[t] = parley.NotificationChannels{} }
}

// TestDecide is the who-gets-what table: events × preferences × roles ×
// visibility.
func TestDecide(t *testing.T) {
	all := parley.WorkspaceSettings{AgentScope: parley.ScopeAll}
	teams := parley.WorkspaceSettings{AgentScope: parley.ScopeTeams}
	assignedScope := parley.WorkspaceSettings{AgentScope: parley.ScopeAssigned}
	admin := recipient("admin", parley.RoleAdmin, nil)
	ann := recipient("ann", parley.RoleAgent, []string{"sales"})
	bob := recipient("bob", parley.RoleAgent, []string{"support"})
	carl := recipient("carl", parley.RoleAgent, nil)
	people := []Recipient{admin, ann, bob, carl}
	conv := func(kind string, aud, prev *parley.Audience) Source {
		return Source{Kind: kind, WorkspaceID: "w", ConversationID: "c1", Audience: aud, PrevAudience: prev,
			Number: 7, ContactName: "Zoe", Text: "hello", Actor: parley.NotificationActor{Kind: "contact", ID: "k1", Name: "Zoe"}}
	}
	inbound := func(aud *parley.Audience) Source {
		s := conv(parley.EventMessageCreated, aud, nil)
		s.Inbound, s.MessageID = true, "m1"
		return s
	}
	tests := []struct {
		name     string
		src      Source
		settings parley.WorkspaceSettings
		members  []Recipient
		want     []string // user:type
	}{
		{"a new conversation without a team goes to everyone who can see it", conv(parley.EventConversationCreated, &parley.Audience{}, nil), all, people,
			[]string{"admin:new_conversation", "ann:new_conversation", "bob:new_conversation", "carl:new_conversation"}},
		{"a new conversation in a team's queue goes to that team", conv(parley.EventConversationCreated, &parley.Audience{TeamID: "sales"}, nil), all, people,
			[]string{"ann:new_conversation"}},
		{"a new conversation assigned at once tells the assignee it is theirs", conv(parley.EventConversationCreated, &parley.Audience{TeamID: "sales", AssigneeIDs: []string{"bob"}}, nil), all, people,
			[]string{"bob:assigned"}},
		{"a restricted conversation notifies nobody outside its list", conv(parley.EventConversationCreated, &parley.Audience{VisibleTo: []string{"carl"}}, nil), all, people,
			[]string{"admin:new_conversation", "carl:new_conversation"}},
		{"with the teams scope an agent outside the team hears nothing of an unteamed queue they can't see", conv(parley.EventConversationCreated, &parley.Audience{}, nil), teams, people,
			[]string{"admin:new_conversation"}},
		{"a customer message goes to the assignees", inbound(&parley.Audience{AssigneeIDs: []string{"ann", "bob"}}), all, people,
			[]string{"ann:new_message", "bob:new_message"}},
		{"a customer message in an unassigned conversation notifies nobody", inbound(&parley.Audience{}), all, people, nil},
		{"an assignee who lost sight of the conversation is not told", inbound(&parley.Audience{AssigneeIDs: []string{"ann"}, VisibleTo: []string{"bob"}}), all, people, nil},
		{"an agent's own message notifies nobody", func() Source {
			s := conv(parley.EventMessageCreated, &parley.Audience{AssigneeIDs: []string{"ann"}}, nil)
			s.Actor = parley.NotificationActor{Kind: "agent", ID: "bob"}
			return s
		}(), all, people, nil},
		{"an assignment tells only the newly assigned", conv(parley.EventConversationUpdated, &parley.Audience{AssigneeIDs: []string{"ann", "bob"}}, &parley.Audience{AssigneeIDs: []string{"ann"}}), all, people,
			[]string{"bob:assigned"}},
		{"an update that changes no audience assigns nobody", conv(parley.EventConversationUpdated, &parley.Audience{AssigneeIDs: []string{"ann"}}, nil), all, people, nil},
		{"an assignment with the assigned scope still reaches the assignee", conv(parley.EventConversationUpdated, &parley.Audience{AssigneeIDs: []string{"carl"}}, &parley.Audience{}), assignedScope, people,
			[]string{"carl:assigned"}},
		{"scope: assigned only drops the queue", conv(parley.EventConversationCreated, &parley.Audience{}, nil), all,
			[]Recipient{recipient("ann", parley.RoleAgent, nil, scope(parley.NotifyScopeAssigned)), carl}, []string{"carl:new_conversation"}},
		{"scope: mentions only drops customer messages", inbound(&parley.Audience{AssigneeIDs: []string{"ann", "carl"}}), all,
			[]Recipient{recipient("ann", parley.RoleAgent, nil, scope(parley.NotifyScopeMentions)), carl}, []string{"carl:new_message"}},
		{"scope: assigned only keeps messages of my conversations", inbound(&parley.Audience{AssigneeIDs: []string{"ann"}}), all,
			[]Recipient{recipient("ann", parley.RoleAgent, nil, scope(parley.NotifyScopeAssigned))}, []string{"ann:new_message"}},
		{"a type with every channel off creates nothing", inbound(&parley.Audience{AssigneeIDs: []string{"ann", "carl"}}), all,
			[]Recipient{recipient("ann", parley.RoleAgent, nil, off(parley.NotifyNewMessage)), carl}, []string{"carl:new_message"}},
		{"a failing channel alerts admins only, whatever their scope", Source{Kind: SourceChannelFailing, WorkspaceID: "w", InboxID: "i1", Text: "SMS is failing"}, all,
			[]Recipient{recipient("admin", parley.RoleAdmin, nil, scope(parley.NotifyScopeMentions)), ann}, []string{"admin:channel_failing"}},
		{"a mention reaches the named who can see it", func() Source {
			s := conv(SourceMention, &parley.Audience{VisibleTo: []string{"ann", "carl"}}, nil)
			s.UserIDs, s.Actor = []string{"ann", "bob"}, parley.NotificationActor{Kind: "agent", ID: "carl", Name: "Carl"}
			return s
		}(), all, people, []string{"ann:mention"}},
		{"a mention passes the mentions-only scope", func() Source {
			s := conv(SourceMention, &parley.Audience{}, nil)
			s.UserIDs = []string{"ann"}
			return s
		}(), all, []Recipient{recipient("ann", parley.RoleAgent, nil, scope(parley.NotifyScopeMentions))}, []string{"ann:mention"}},
		{"a handoff goes to the assignee", conv(SourceHandoff, &parley.Audience{TeamID: "sales", AssigneeIDs: []string{"bob"}}, nil), all, people, []string{"bob:handoff"}},
		{"a handoff without an assignee goes to the team", conv(SourceHandoff, &parley.Audience{TeamID: "sales"}, nil), all, people, []string{"ann:handoff"}},
		{"a participant hears of customer messages as the assignee does", func() Source {
			s := inbound(&parley.Audience{AssigneeIDs: []string{"ann"}})
			s.ParticipantIDs = []string{"carl"}
			return s
		}(), all, people, []string{"ann:new_message", "carl:new_message"}},
		{"colleagues added with a comment are told as a mention, the author never", func() Source {
			s := conv(SourceParticipant, &parley.Audience{}, nil)
			s.UserIDs, s.Actor = []string{"ann", "carl"}, parley.NotificationActor{Kind: "agent", ID: "carl", Name: "Carl"}
			return s
		}(), all, people, []string{"ann:mention"}},
		{"an addition passes the mentions-only scope", func() Source {
			s := conv(SourceParticipant, &parley.Audience{}, nil)
			s.UserIDs = []string{"ann"}
			return s
		}(), all, []Recipient{recipient("ann", parley.RoleAgent, nil, scope(parley.NotifyScopeMentions))}, []string{"ann:mention"}},
		{"mentions turned off create nothing", func() Source {
			s := conv(SourceMention, &parley.Audience{}, nil)
			s.UserIDs = []string{"ann"}
			return s
		}(), all, []Recipient{recipient("ann", parley.RoleAgent, nil, off(parley.NotifyMention))}, nil},
		{"a conversation waiting past the target tells its assignee", conv(SourceWaiting, &parley.Audience{TeamID: "sales", AssigneeIDs: []string{"bob"}}, nil), all, people, []string{"bob:waiting"}},
		{"a waiting conversation without an assignee tells its team's queue", conv(SourceWaiting, &parley.Audience{TeamID: "sales"}, nil), all, people, []string{"ann:waiting"}},
		{"a waiting conversation restricted to a list tells no one outside it", conv(SourceWaiting, &parley.Audience{VisibleTo: []string{"carl"}}, nil), all, people, []string{"admin:waiting", "carl:waiting"}},
		{"scope: assigned only drops the queue's waiting alerts", conv(SourceWaiting, &parley.Audience{}, nil), all,
			[]Recipient{recipient("ann", parley.RoleAgent, nil, scope(parley.NotifyScopeAssigned))}, nil},
		{"a conversation source without an audience notifies nobody", conv(parley.EventConversationCreated, nil, nil), all, people, nil},
		{"events that notify nobody", conv("contact.updated", &parley.Audience{}, nil), all, people, nil},
		{"a notification event never notifies", conv(parley.EventNotificationCreated, &parley.Audience{}, nil), all, people, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range Decide(tt.src, tt.settings, tt.members) {
				got = append(got, d.Notification.UserID+":"+string(d.Notification.Type))
				if d.Notification.ConversationID != tt.src.ConversationID || d.Notification.WorkspaceID != "w" || d.Notification.Text == "" {
					t.Errorf("decision %+v does not link to the source", d.Notification)
				}
			}
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decide() recipients (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFromEvent_Types checks that the events of today's features read as
// sources with what texts need.
func TestFromEvent_Types(t *testing.T) {
	item, _ := json.Marshal(parley.ConversationItem{Conversation: parley.Conversation{Number: 12,
		LastMessage: &parley.MessagePreview{Content: "my order is late"}}, Contact: parley.ContactRef{ID: "k", Name: "Zoe"}})
	msg, _ := json.Marshal(parley.Message{ID: "m", Direction: parley.DirectionIn, Sender: parley.Sender{Kind: parley.SenderContact, Name: "Zoe"}, Content: "hi there"})
	note, _ := json.Marshal(parley.Message{ID: "m", Direction: parley.DirectionOut, Sender: parley.Sender{Kind: parley.SenderAgent, ID: "u"}, Private: true, Content: "psst"})
	aud := &parley.Audience{AssigneeIDs: []string{"ann"}}
	ann := []Recipient{recipient("ann", parley.RoleAgent, nil)}
	for _, tt := range []struct {
		name string
		ev   parley.Event
		want string
	}{
		{"new conversation", parley.Event{Type: parley.EventConversationCreated, ConversationID: "c", Audience: &parley.Audience{}, Data: item}, "New conversation #12 from Zoe: my order is late"},
		{"assignment", parley.Event{Type: parley.EventConversationUpdated, ConversationID: "c", Audience: aud, PrevAudience: &parley.Audience{}, Data: item}, "Conversation #12 with Zoe was assigned to you"},
		{"customer message", parley.Event{Type: parley.EventMessageCreated, ConversationID: "c", Audience: aud, Data: msg}, "Zoe: hi there"},
		{"private note", parley.Event{Type: parley.EventMessageCreated, ConversationID: "c", Audience: aud, Data: note}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src, ok := FromEvent(tt.ev)
			if !ok {
				t.Fatalf("FromEvent(%s) = false", tt.ev.Type)
			}
			var got []string
			for _, d := range Decide(src, parley.WorkspaceSettings{}, ann) {
				got = append(got, d.Notification.Text)
			}
			if strings.Join(got, "|") != tt.want {
				t.Errorf("texts = %q, want %q", got, tt.want)
			}
		})
	}
}
