package main

import (
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/parleyhq/parley"
	"github.com/parleyhq/parley/internal/sqlstore"
)

// seedCmd loads a realistic workspace into a fresh node and leaves it for
// inspection (go run ./bench seed -n 1000000 -m 10 [-postgres URL]).
func seedCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	size := fs.Int("n", 100000, "conversations")
	per := fs.Int("m", 10, "messages per conversation, on average")
	pg := postgresURL(fs)
	sqliteOnly := fs.Bool("sqlite", false, "SQLite only, even when a PostgreSQL URL is known")
	pgOnly := fs.Bool("pg-only", false, "PostgreSQL only")
	saveDir := fs.String("save", "", "keep the loaded workspaces (SQLite data directory, PostgreSQL schema) for `bench views -from` this directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var engines []string
	if !*pgOnly {
		engines = append(engines, "")
	}
	if *pg != "" && !*sqliteOnly {
		engines = append(engines, *pg)
	}
	for _, dbURL := range engines {
		n, err := startNode(ctx, dbURL)
		if err != nil {
			return err
		}
		s, err := loadWorld(ctx, n, *size, *per)
		if err == nil && *saveDir != "" {
			err = save(n, s, *size, *saveDir)
		}
		n.close()
		if err != nil {
			return err
		}
		fmt.Printf("%s: %d conversations, %d messages, %d contacts loaded in %s (%.0f rows/s)\n", n.engine, *size, s.messages, s.contacts,
			s.took.Round(time.Second), float64(s.rows)/s.took.Seconds())
	}
	return nil
}

// world is what loadWorld made: the people bench views signs in as.
type seeded struct {
	agentID, agentToken string // an agent of one team, scope "teams"
	adminID             string
	teamIDs             []string
	inboxIDs            []string
	messages, contacts  int
	rows                int
	took                time.Duration
	phones, names       []string
	numbers             int
}

var (
	firstNames = []string{"Ana", "Bruno", "Chloé", "Dmitri", "Elif", "Fatima", "Giulia", "Hiroshi", "Ingrid", "José", "Kwame", "Léa",
		"Mohammed", "Nadia", "Olga", "Pedro", "Quentin", "Rania", "Sofía", "Tomasz", "Uwe", "Valentina", "Wei", "Xavier", "Yusuf", "Zoë",
		"Åsa", "Björn", "Émile", "Jürgen", "Małgorzata", "Nguyễn", "Søren", "Çağrı"}
	lastNames = []string{"García", "Müller", "Dubois", "Rossi", "Kowalski", "Silva", "Nakamura", "Okafor", "Andersson", "Novak",
		"Fernández", "Schmidt", "Martin", "Bianchi", "Yılmaz", "Haddad", "Ivanova", "Smith", "Jensen", "O'Brien", "van Dijk", "Papadopoulos"}
	companies = []string{"Acme", "Globex", "Initech", "Umbrella", "Stark Industries", "Wayne Enterprises", "Hooli", "Vandelay", "Soylent",
		"Tyrell", "Cyberdyne", "Aperture", "Wonka", "Gringotts", "Oceanic", "Monarch", ""}
	countries = []string{"+1415", "+1212", "+44207", "+33142", "+4930", "+3491", "+5511", "+8190", "+91982", "+2348"}
	sentences = []string{
		"Hello, I have a question about my order",
		"My order has not arrived yet, can you check the tracking?",
		"The parcel arrived damaged, I would like a refund",
		"Can I change the delivery address for order",
		"Thank you for your help, have a nice day",
		"I was charged twice on my card this month",
		"Hola, mi pedido no ha llegado todavía",
		"Quisiera cambiar la talla del producto",
		"Gracias por la ayuda, todo resuelto",
		"Hallo, ich warte noch auf meine Bestellung",
		"Die Rechnung ist falsch, bitte korrigieren",
		"Bonjour, je voudrais annuler ma commande",
		"Le colis est arrivé en retard et abîmé",
		"Olá, quando chega a minha encomenda?",
		"We have shipped your order, here is the tracking number",
		"I have issued the refund, it should appear in 3 to 5 days",
		"Could you send me a photo of the damaged item?",
		"Your subscription renews on the first of the month",
		"Please confirm the appointment for Tuesday at 10",
		"Wir haben Ihre Rückerstattung veranlasst",
	}
	extraWords = []string{"invoice", "warranty", "coupon", "discount", "exchange", "size", "colour", "battery", "screen", "login",
		"password", "account", "premium", "shipping", "customs", "voucher", "cancel", "upgrade", "delay", "receipt"}
	tagNames   = []string{"vip", "refund", "late", "damaged", "b2b", "complaint", "lead", "returning", "fraud-check", "wholesale"}
	labelNames = []string{"billing", "shipping", "product", "account", "feedback"}
	channels   = []string{parley.ChannelWhatsApp, parley.ChannelEmail, parley.ChannelTelegram, parley.ChannelMessenger, parley.ChannelWebchat}
)

// uuidAt is a UUIDv7 for time t: ids sort as their rows were written.
func uuidAt(t time.Time, rng *mrand.Rand) string {
	var u [16]byte
	ms := uint64(t.UnixMilli())
	binary.BigEndian.PutUint64(u[:8], ms<<16)
	binary.BigEndian.PutUint64(u[8:], rng.Uint64())
	binary.BigEndian.PutUint16(u[6:8], uint16(rng.Uint32()))
	u[6] = (u[6] & 0x0f) | 0x70
	u[8] = (u[8] & 0x3f) | 0x80
	return uuid.UUID(u).String()
}

// loader writes rows in bulk: COPY on PostgreSQL, multi-row INSERTs in
// one transaction on SQLite.
type loader struct {
	pg     *pgx.Conn
	lite   *sql.Tx
	liteDB *sql.DB // the database lite is a transaction of
	rows   int
	batch  map[string][][]any
	cols   map[string][]string
	uuids  map[string]map[int]bool
}

func (l *loader) add(table string, cols []string, uuidCols []int, row ...any) error {
	if l.cols[table] == nil {
		l.cols[table] = cols
		l.uuids[table] = map[int]bool{}
		for _, i := range uuidCols {
			l.uuids[table][i] = true
		}
	}
	l.batch[table] = append(l.batch[table], row)
	l.rows++
	if len(l.batch[table]) >= 5000 {
		// Every table, parents first: a child row never arrives before its parent.
		return l.flushAll(loadOrder)
	}
	return nil
}

func (l *loader) flush(table string) error {
	rows := l.batch[table]
	if len(rows) == 0 {
		return nil
	}
	l.batch[table] = rows[:0]
	cols := l.cols[table]
	if l.pg != nil {
		conv := make([][]any, len(rows))
		for i, r := range rows {
			c := make([]any, len(r))
			for j, v := range r {
				if s, ok := v.(string); ok && l.uuids[table][j] {
					c[j] = [16]byte(uuid.MustParse(s))
				} else {
					c[j] = v
				}
			}
			conv[i] = c
		}
		_, err := l.pg.CopyFrom(context.Background(), pgx.Identifier{table}, cols, pgx.CopyFromRows(conv))
		if err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
		return nil
	}
	per := max(1, 900/len(cols))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(len(rows), start+per)]
		var sb strings.Builder
		sb.WriteString("INSERT INTO " + table + " (" + strings.Join(cols, ",") + ") VALUES ")
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteByte('(')
			for j := range r {
				if j > 0 {
					sb.WriteByte(',')
				}
				sb.WriteByte('?')
			}
			sb.WriteByte(')')
			args = append(args, r...)
		}
		if _, err := l.lite.Exec(sb.String(), args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
	}
	return nil
}

func (l *loader) flushAll(order []string) error {
	for _, t := range order {
		if err := l.flush(t); err != nil {
			return err
		}
	}
	return nil
}

// loadOrder lists the tables parents first.
var loadOrder = []string{"inboxes", "tags", "contacts", "conversations", "conversation_assignees", "conversation_visibility",
	"conversation_tags", "conversation_user_state", "messages"}

// openLoader connects a loader to the node's database: a connection for
// COPY on PostgreSQL, one transaction on SQLite (with synchronous writes
// and foreign keys off: a load, not a server). closeLoader releases it.
func openLoader(ctx context.Context, n *node) (l *loader, closeLoader func(), err error) {
	l = &loader{batch: map[string][][]any{}, cols: map[string][]string{}, uuids: map[string]map[int]bool{}}
	if n.dbURL != "" {
		conn, err := pgx.Connect(ctx, n.dbURL)
		if err != nil {
			return nil, nil, err
		}
		l.pg = conn
		return l, func() { conn.Close(ctx) }, nil
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(n.dataDir, "parley.db")+"?_pragma=busy_timeout(60000)&_pragma=foreign_keys(0)&_pragma=synchronous(OFF)&_txlock=immediate")
	if err != nil {
		return nil, nil, err
	}
	tx, err := db.Begin()
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	l.lite, l.liteDB = tx, db
	return l, func() { db.Close() }, nil
}

// finishSQLite commits the SQLite load, builds the dropped indexes (restore)
// and checkpoints the WAL, as a server's automatic checkpoints would have
// done by now.
func (l *loader) finishSQLite(restore []string) error {
	if err := l.lite.Commit(); err != nil {
		return err
	}
	for _, q := range restore {
		// Each in a transaction of its own, begun IMMEDIATE (the DSN's
		// _txlock): it waits for the node's writers like any writer. (The
		// node's lifecycle sweep, closing a year of silent conversations
		// back to back, once kept the lock past the busy timeout; the
		// loaded workspace now has auto-resolve off, see quietLifecycle.)
		tx, err := l.liteDB.Begin()
		if err == nil {
			if _, err = tx.Exec(q); err != nil {
				tx.Rollback()
			} else {
				err = tx.Commit()
			}
		}
		if err != nil {
			return fmt.Errorf("rebuild indexes: %s: %w", q[:min(len(q), 60)], err)
		}
	}
	_, err := l.liteDB.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	return err
}

func micro(t time.Time) int64 { return t.UnixMicro() }

// quietLifecycle turns auto-resolve off in the loaded workspace: it holds a
// year of open conversations, silent for days, which the default (24 h)
// would close by the hundred thousand while the views are timed.
func quietLifecycle(w *parley.Workspace) {
	l := w.Settings.Effective()
	l.AutoResolveHours = 0
	w.Settings.Lifecycle = &l
}

// loadWorld loads size conversations with about per messages each into
// the node's workspace, and returns who to sign in as.
func loadWorld(ctx context.Context, n *node, size, per int) (*seeded, error) {
	t0 := time.Now()
	out := &seeded{}
	st := n.app.Store
	ws := n.ws
	var me struct{ User struct{ ID string } }
	if err := n.call("GET", "/api/v1/me", n.token, nil, &me); err != nil {
		return nil, err
	}
	out.adminID = me.User.ID
	// People, teams and inboxes through the store: few rows.
	var agents [][]string // per team
	err := st.Write(ctx, func(tx *sqlstore.Tx) error {
		for ti, name := range []string{"Support", "Sales", "Billing", "Logistics", "VIP"} {
			var ids []string
			for i := range 8 {
				u, err := tx.CreateUser(ctx, fmt.Sprintf("agent%d.%d@example.com", ti, i), fmt.Sprintf("%s %s", firstNames[(ti*8+i)%len(firstNames)], lastNames[i]), "")
				if err != nil {
					return err
				}
				if err := tx.AddMember(ctx, ws, u.ID, parley.RoleAgent); err != nil {
					return err
				}
				ids = append(ids, u.ID)
			}
			team, err := tx.CreateTeam(ctx, ws, name, ids)
			if err != nil {
				return err
			}
			out.teamIDs = append(out.teamIDs, team.ID)
			agents = append(agents, ids)
		}
		w, err := tx.FindWorkspaceByID(ctx, ws)
		if err != nil {
			return err
		}
		w.Settings.AgentScope = parley.ScopeTeams
		quietLifecycle(w)
		return tx.UpdateWorkspace(ctx, w)
	})
	if err != nil {
		return nil, err
	}
	out.agentID = agents[0][0]
	tok, err := n.app.Sessions.CreateAPIToken(ctx, out.agentID, "bench")
	if err != nil {
		return nil, err
	}
	out.agentToken = tok.Token
	var inboxes struct{ Items []struct{ ID string } }
	if err := n.call("GET", "/api/v1/workspaces/"+ws+"/inboxes", n.token, nil, &inboxes); err != nil {
		return nil, err
	}
	out.inboxIDs = []string{inboxes.Items[0].ID}
	inboxChannel := []string{parley.ChannelAPI}

	// Bulk rows.
	l, closeLoader, err := openLoader(ctx, n)
	if err != nil {
		return nil, err
	}
	defer closeLoader()
	// Secondary indexes and the full-text triggers cost the load far more
	// than building them once at the end.
	restore, err := l.dropIndexes(ctx)
	if err != nil {
		return nil, err
	}
	rng := mrand.New(mrand.NewPCG(11, 13))
	now := time.Now().UTC()
	seedID := func(t time.Time) string { return uuidAt(t, rng) }
	for _, ch := range channels {
		id := seedID(now.Add(-400 * 24 * time.Hour))
		out.inboxIDs = append(out.inboxIDs, id)
		inboxChannel = append(inboxChannel, ch)
		if err := l.add("inboxes", []string{"id", "workspace_id", "name", "channel", "config", "created_at"}, []int{0, 1},
			id, ws, strings.ToUpper(ch[:1])+ch[1:], ch, "{}", micro(now)); err != nil {
			return nil, err
		}
	}
	tagIDs := map[string]string{}
	for kind, names := range map[string][]string{sqlstore.KindTag: tagNames, sqlstore.KindLabel: labelNames} {
		for _, name := range names {
			id := seedID(now)
			tagIDs[kind+":"+name] = id
			if err := l.add("tags", []string{"id", "workspace_id", "kind", "name", "color", "created_at"}, []int{0, 1},
				id, ws, kind, name, "", micro(now)); err != nil {
				return nil, err
			}
		}
	}
	if err := l.flushAll([]string{"inboxes", "tags"}); err != nil {
		return nil, err
	}
	statuses := []parley.ConversationStatus{parley.StatusOpen, parley.StatusOpen, parley.StatusOpen, parley.StatusOpen, parley.StatusOpen,
		parley.StatusPending, parley.StatusPending, parley.StatusSnoozed, parley.StatusQueued,
		parley.StatusResolved, parley.StatusResolved, parley.StatusResolved, parley.StatusResolved, parley.StatusResolved,
		parley.StatusResolved, parley.StatusResolved, parley.StatusResolved, parley.StatusResolved, parley.StatusAbandoned, parley.StatusResolved}
	priorities := []parley.Priority{parley.PriorityNone, parley.PriorityNone, parley.PriorityNone, parley.PriorityNone, parley.PriorityNone,
		parley.PriorityNone, parley.PriorityLow, parley.PriorityMedium, parley.PriorityHigh, parley.PriorityUrgent}
	contactCols := []string{"id", "workspace_id", "name", "email", "phone", "company", "attributes", "created_at", "updated_at"}
	convCols := []string{"id", "workspace_id", "number", "contact_id", "inbox_id", "status", "priority", "team_id", "restricted",
		"assignee_count", "assignee_ids", "visible_to", "ai_mode", "tags", "labels", "unreplied_count", "inbound_count", "waiting_since",
		"first_reply_at", "last_activity_at", "last_message", "handoff", "appointment", "source", "started_by", "resolved_at", "created_at", "updated_at"}
	msgCols := []string{"id", "workspace_id", "conversation_id", "inbox_id", "direction", "sender_kind", "sender_id", "sender_name",
		"private", "content", "content_type", "channel", "status", "created_at"}
	span := int64(365 * 24 * time.Hour)
	for i := range size {
		last := now.Add(-time.Duration(rng.Int64N(span)))
		nmsg := 1 + rng.IntN(2*per-1)
		created := last.Add(-time.Duration(nmsg) * time.Duration(1+rng.IntN(120)) * time.Minute)
		first, lastName := firstNames[rng.IntN(len(firstNames))], lastNames[rng.IntN(len(lastNames))]
		company := companies[rng.IntN(len(companies))]
		phone := fmt.Sprintf("%s%07d", countries[rng.IntN(len(countries))], rng.IntN(10000000))
		email := ""
		if rng.IntN(2) == 0 {
			email = strings.ToLower(fmt.Sprintf("%s.%d@%s.example", strings.ReplaceAll(lastName, " ", ""), i, strings.ReplaceAll(strings.ToLower(company+"mail"), " ", "")))
		}
		if rng.IntN(4) == 0 {
			phone = ""
		}
		name := first + " " + lastName
		if i%1000 == 0 {
			out.names = append(out.names, first)
			if phone != "" {
				out.phones = append(out.phones, phone)
			}
		}
		attrs, _ := json.Marshal(map[string]string{"plan": []string{"free", "pro", "enterprise"}[rng.IntN(3)]})
		contactID := seedID(created)
		if err := l.add("contacts", contactCols, []int{0, 1}, contactID, ws, name, email, phone, company, string(attrs), micro(created), micro(created)); err != nil {
			return nil, err
		}
		out.contacts++
		// The conversation.
		status := statuses[rng.IntN(len(statuses))]
		ti := rng.IntN(len(out.teamIDs) + 1)
		var teamID any
		var assignees []string
		if ti < len(out.teamIDs) {
			teamID = out.teamIDs[ti]
			if rng.IntN(10) < 6 {
				assignees = []string{agents[ti][rng.IntN(8)]}
			}
		}
		var visible []string
		if rng.IntN(20) == 0 {
			visible = []string{out.adminID}
			for _, u := range append([]string{agents[rng.IntN(5)][rng.IntN(8)]}, assignees...) {
				if !slices.Contains(visible, u) {
					visible = append(visible, u)
				}
			}
		}
		var tags, labels []string
		if rng.IntN(10) < 3 {
			tags = append(tags, tagNames[rng.IntN(len(tagNames))])
		}
		if rng.IntN(5) == 0 {
			labels = append(labels, labelNames[rng.IntN(len(labelNames))])
		}
		convID := seedID(created)
		inbox := rng.IntN(len(out.inboxIDs))
		// Messages: alternate customer and agent, some notes.
		var inbound, unreplied int64
		var lastPreview *parley.MessagePreview
		var firstReply, waiting *time.Time
		var msgRows [][]any // added after their conversation
		step := last.Sub(created) / time.Duration(nmsg)
		for k := range nmsg {
			at := created.Add(time.Duration(k+1) * step)
			in := k%2 == 0 || rng.IntN(4) == 0
			private := !in && rng.IntN(20) == 0
			text := sentences[rng.IntN(len(sentences))]
			if rng.IntN(3) == 0 {
				text += " " + extraWords[rng.IntN(len(extraWords))]
			}
			if rng.IntN(5) == 0 {
				text += fmt.Sprintf(" #%d", 100000+rng.IntN(900000))
			}
			if rng.IntN(20000) == 0 {
				text += " zephyrine"
			}
			dir, kind, sender, senderName := parley.DirectionIn, parley.SenderContact, "", name
			if !in {
				dir, kind, senderName = parley.DirectionOut, parley.SenderAgent, "Agent"
				if len(assignees) > 0 {
					sender = assignees[0]
				}
				if rng.IntN(5) == 0 {
					kind = parley.SenderAI
				}
			}
			msgRows = append(msgRows, []any{seedID(at), ws, convID, out.inboxIDs[inbox], dir, kind, sender, senderName,
				private, text, "text", inboxChannel[inbox], string(parley.DeliveryDelivered), micro(at)})
			out.messages++
			if private {
				continue
			}
			if in {
				inbound++
				unreplied++
				if waiting == nil {
					t := at
					waiting = &t
				}
			} else if kind == parley.SenderAgent {
				unreplied, waiting = 0, nil
				if firstReply == nil {
					t := at
					firstReply = &t
				}
			}
			lastPreview = &parley.MessagePreview{Content: text, Direction: dir, SenderKind: kind, Channel: inboxChannel[inbox], CreatedAt: at}
		}
		preview, _ := json.Marshal(lastPreview)
		var visText any
		if visible != nil {
			visText = jsonText(visible)
		}
		startedBy := ""
		if rng.IntN(20) == 0 {
			startedBy = agents[0][0]
		}
		var resolved any
		if status == parley.StatusResolved {
			resolved = micro(last)
		}
		source := ""
		if rng.IntN(10) == 0 {
			source = []string{"spring-sale", "newsletter-march", "black-friday"}[rng.IntN(3)]
		}
		if err := l.add("conversations", convCols, []int{0, 1, 3, 4, 7}, convID, ws, int64(i+1), contactID, out.inboxIDs[inbox], string(status),
			string(priorities[rng.IntN(len(priorities))]), teamID, visible != nil, len(assignees), jsonText(assignees), visText,
			[]string{"manual", "manual", "active", "paused"}[rng.IntN(4)], jsonText(tags), jsonText(labels), unreplied, inbound,
			nullMicro(waiting), nullMicro(firstReply), micro(last), string(preview), rng.IntN(100) == 0, rng.IntN(100) == 0,
			source, startedBy, resolved, micro(created), micro(last)); err != nil {
			return nil, err
		}
		for _, r := range msgRows {
			if err := l.add("messages", msgCols, []int{0, 1, 2, 3}, r...); err != nil {
				return nil, err
			}
		}
		for _, a := range assignees {
			if err := l.add("conversation_assignees", []string{"conversation_id", "user_id", "workspace_id", "status", "last_activity_at"}, []int{0, 1, 2},
				convID, a, ws, string(status), micro(last)); err != nil {
				return nil, err
			}
		}
		for _, v := range visible {
			if err := l.add("conversation_visibility", []string{"conversation_id", "user_id"}, []int{0, 1}, convID, v); err != nil {
				return nil, err
			}
		}
		for kind, names := range map[string][]string{sqlstore.KindTag: tags, sqlstore.KindLabel: labels} {
			for _, nm := range names {
				if err := l.add("conversation_tags", []string{"conversation_id", "tag_id", "last_activity_at"}, []int{0, 1}, convID, tagIDs[kind+":"+nm], micro(last)); err != nil {
					return nil, err
				}
			}
		}
		// Read states: the assignee mostly, the bench agent and admin sometimes.
		readers := map[string]bool{}
		if len(assignees) > 0 && rng.IntN(3) > 0 {
			readers[assignees[0]] = true
		}
		for _, u := range []string{out.agentID, out.adminID} {
			if rng.IntN(4) == 0 {
				readers[u] = true
			}
		}
		for u := range readers {
			read := inbound
			if rng.IntN(3) == 0 {
				read = max(0, inbound-1)
			}
			if err := l.add("conversation_user_state", []string{"conversation_id", "user_id", "read_inbound_count", "last_read_at", "pinned", "last_activity_at"}, []int{0, 1},
				convID, u, read, micro(last), rng.IntN(50) == 0, micro(last)); err != nil {
				return nil, err
			}
		}
		if i%20000 == 19999 {
			if err := l.flushAll(loadOrder); err != nil {
				return nil, err
			}
			fmt.Fprintf(os.Stderr, "\r%s: %d/%d conversations, %s", n.engine, i+1, size, time.Since(t0).Round(time.Second))
		}
	}
	if err := l.flushAll(loadOrder); err != nil {
		return nil, err
	}
	fmt.Fprintln(os.Stderr)
	// The number sequence, as the write path keeps it.
	var fix []string
	if l.pg != nil {
		fix = append(fix, fmt.Sprintf(`SELECT setval('conversation_numbers_%s', %d)`, strings.ReplaceAll(ws, "-", ""), size+1))
		for _, q := range append(fix, restore...) {
			if _, err := l.pg.Exec(ctx, q); err != nil {
				return nil, fmt.Errorf("seed: %s: %w", q[:min(len(q), 60)], err)
			}
		}
	} else {
		fix = append(fix, fmt.Sprintf(`UPDATE counters SET value = %d WHERE workspace_id = '%s' AND name = 'conversation_number'`, size+1, ws))
		for _, q := range fix {
			if _, err := l.lite.Exec(q); err != nil {
				return nil, fmt.Errorf("seed: %s: %w", q[:30], err)
			}
		}
		if err := l.finishSQLite(restore); err != nil {
			return nil, err
		}
	}
	// The view counts, built once after the load as the write path keeps them.
	if err := st.Write(ctx, func(tx *sqlstore.Tx) error { return tx.RebuildViewCounts(ctx, ws) }); err != nil {
		return nil, err
	}
	out.rows, out.numbers = l.rows, size
	if err := settle(n); err != nil {
		return nil, err
	}
	out.took = time.Since(t0)
	return out, nil
}

func jsonText(v []string) string {
	if v == nil {
		return "[]"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func nullMicro(t *time.Time) any {
	if t == nil {
		return nil
	}
	return micro(*t)
}

// dropIndexes drops the secondary indexes (and, on SQLite, the triggers
// that keep the full-text tables) of the tables the loader fills, and
// returns the statements that build them again.
func (l *loader) dropIndexes(ctx context.Context) ([]string, error) {
	var query string
	tables := "'" + strings.Join(loadOrder, "','") + "'"
	if l.pg != nil {
		query = `SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = current_schema() AND tablename IN (` + tables + `)
			AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`
	} else {
		query = `SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL AND tbl_name IN (` + tables + `)`
	}
	type def struct{ name, sql string }
	var defs []def
	if l.pg != nil {
		rows, err := l.pg.Query(ctx, query)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var d def
			if err := rows.Scan(&d.name, &d.sql); err != nil {
				return nil, err
			}
			defs = append(defs, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	} else {
		rows, err := l.lite.Query(query)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var d def
			if err := rows.Scan(&d.name, &d.sql); err != nil {
				return nil, err
			}
			defs = append(defs, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var restore []string
	for _, d := range defs {
		kind := "INDEX"
		if strings.HasPrefix(strings.ToUpper(d.sql), "CREATE TRIGGER") {
			kind = "TRIGGER"
		}
		drop := "DROP " + kind + " " + d.name
		var err error
		if l.pg != nil {
			_, err = l.pg.Exec(ctx, drop)
		} else {
			_, err = l.lite.Exec(drop)
		}
		if err != nil {
			return nil, fmt.Errorf("seed: %s: %w", drop, err)
		}
		restore = append(restore, d.sql)
	}
	if l.pg == nil {
		restore = append(restore, `INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')`,
			`INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild')`)
	}
	return restore, nil
}
