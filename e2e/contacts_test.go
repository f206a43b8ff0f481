package e2e

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// waitBriefly is the pause between two polls of an import's progress,
// which announces itself by no event.
func waitBriefly() { time.Sleep(50 * time.Millisecond) }

// contactItems is a contact list page.
type contactItems struct {
	Items []struct {
		ID         string            `json:"id"`
		Name       string            `json:"name"`
		Email      string            `json:"email"`
		Phone      string            `json:"phone"`
		Tags       []string          `json:"tags"`
		Attributes map[string]string `json:"attributes"`
		Marked     bool              `json:"marked"`
		Archived   bool              `json:"archived"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

func (c contactItems) names() []string {
	var out []string
	for _, i := range c.Items {
		out = append(out, i.Name)
	}
	return out
}

func (n *node) newContact(s session, body map[string]any) string {
	n.t.Helper()
	return n.must(201, "POST", s.ws("/contacts"), s.token, body).m(n.t)["id"].(string)
}

func (n *node) contacts(s session, query string) contactItems {
	n.t.Helper()
	var out contactItems
	n.must(200, "GET", s.ws("/contacts?"+query), s.token, nil).json(n.t, &out)
	return out
}

func TestContacts_ListSearchFiltersAndPaging(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		n.newContact(s, map[string]any{"name": "Ada Lovelace", "email": "ada@analytical.org", "phone": "+14155552671", "company": "Analytical Engines", "tags": []string{"vip"}})
		n.newContact(s, map[string]any{"name": "Bob Byte", "email": "bob@example.com", "tags": []string{"lead"}})
		n.newContact(s, map[string]any{"name": "Cy Archived", "phone": "+442071838750", "archived": true})
		n.newContact(s, map[string]any{"name": "Dee Blocked", "blocked": true})

		for _, tc := range []struct {
			name, query string
			want        string
		}{
			{"phone in national punctuation finds the E.164 number", "q=" + url.QueryEscape("+1 (415) 555-2671"), "Ada Lovelace"},
			{"phone as bare digits", "q=4155552671", "Ada Lovelace"},
			{"phone with a WhatsApp prefix", "q=" + url.QueryEscape("whatsapp:+14155552671"), "Ada Lovelace"},
			{"company, any case", "q=ANALYTICAL", "Ada Lovelace"},
			{"email", "q=bob%40example", "Bob Byte"},
			{"tag", "tag=lead", "Bob Byte"},
			{"has phone hides archived by default", "has_phone=true", "Ada Lovelace"},
			{"archived only when asked", "archived=true", "Cy Archived"},
			{"blocked", "blocked=true", "Dee Blocked"},
			{"has no email", "has_email=false&blocked=false", ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				got := strings.Join(n.contacts(s, tc.query).names(), ",")
				if got != tc.want {
					t.Errorf("GET contacts?%s = [%s], want [%s]", tc.query, got, tc.want)
				}
			})
		}
		if got := len(n.contacts(s, "archived=any").Items); got != 4 {
			t.Errorf("archived=any lists %d contacts, want 4", got)
		}

		// Paging by name: two pages of two, then nothing, no repeats.
		var seen []string
		cursor := ""
		for range 3 {
			page := n.contacts(s, "archived=any&sort=name_asc&limit=2&cursor="+cursor)
			seen = append(seen, page.names()...)
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if got := strings.Join(seen, ","); got != "Ada Lovelace,Bob Byte,Cy Archived,Dee Blocked" {
			t.Errorf("paged by name = %s", got)
		}

		forged := base64.RawURLEncoding.EncodeToString([]byte(`{"s":"created_desc","t":1,"id":"~"}`))
		for _, bad := range []string{"cursor=" + forged, "sort=shoe_size", "attribute=Bad%20Key:x", "created_from=yesterday", "cursor=xyz", "blocked=maybe"} {
			if r := n.do("GET", s.ws("/contacts?"+bad), s.token, nil); r.status != 422 {
				t.Errorf("GET contacts?%s = %d %s, want 422", bad, r.status, r.body)
			}
		}
	})
}

func TestContacts_AttributeDefinitionsValidateWrites(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		for _, d := range []map[string]any{
			{"key": "age", "label": "Age", "type": "number"},
			{"key": "plan", "label": "Plan", "type": "list", "options": []string{"free", "pro"}},
			{"key": "renewal", "label": "Renewal", "type": "date"},
			{"key": "vip", "label": "VIP", "type": "checkbox"},
			{"key": "crm", "label": "CRM", "type": "link"},
			{"key": "note", "label": "Note", "type": "text"},
		} {
			n.must(201, "POST", s.ws("/contact-attributes"), s.token, d)
		}
		n.must(409, "POST", s.ws("/contact-attributes"), s.token, map[string]any{"key": "age", "label": "Again", "type": "text"})
		n.must(422, "POST", s.ws("/contact-attributes"), s.token, map[string]any{"key": "tier", "label": "Tier", "type": "list"})
		id := n.newContact(s, map[string]any{"name": "Ann", "email": "ann@example.com"})
		for key, bad := range map[string]string{"age": "forty", "plan": "gold", "renewal": "31/12/2026", "vip": "maybe", "crm": "javascript:alert(1)"} {
			r := n.do("PATCH", s.ws("/contacts/"+id), s.token, map[string]any{"attributes": map[string]string{key: bad}})
			if r.status != 422 || !strings.Contains(string(r.body), "body.attributes."+key) || !strings.Contains(string(r.body), `\"`+key+`\"`) {
				t.Errorf("attribute %s = %q: %d %s, want 422 naming the attribute", key, bad, r.status, r.body)
			}
		}
		got := n.must(200, "PATCH", s.ws("/contacts/"+id), s.token, map[string]any{"attributes": map[string]string{
			"age": "42", "plan": "pro", "renewal": "2026-12-31", "vip": "yes", "crm": "https://crm.example.com/1", "note": "likes tea"}}).m(t)
		attrs := got["attributes"].(map[string]any)
		if attrs["vip"] != "true" || attrs["age"] != "42" || attrs["plan"] != "pro" {
			t.Errorf("attributes = %v", attrs)
		}
		if names := n.contacts(s, "attribute=plan:pro").names(); len(names) != 1 || names[0] != "Ann" {
			t.Errorf("attribute=plan:pro lists %v", names)
		}
		if names := n.contacts(s, "attribute=plan:free").names(); len(names) != 0 {
			t.Errorf("attribute=plan:free lists %v", names)
		}
		var defs struct{ Items []map[string]any }
		n.must(200, "GET", s.ws("/contact-attributes"), s.token, nil).json(t, &defs)
		if len(defs.Items) != 6 {
			t.Fatalf("%d definitions, want 6", len(defs.Items))
		}
		agentTok, _ := n.agent(s, "bo@example.com")
		n.must(403, "POST", s.ws("/contact-attributes"), agentTok, map[string]any{"key": "x", "label": "X", "type": "text"})
	})
}

// contactOf returns the contact a conversation belongs to.
func (n *node) contactOf(s session, conversationID string) string {
	n.t.Helper()
	return n.must(200, "GET", s.ws("/conversations/"+conversationID), s.token, nil).m(n.t)["contact_id"].(string)
}

func TestContacts_BlockStoresButOpensNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, conv := n.inbound(s, "spammer", "m1", "first")
		cid := n.contactOf(s, conv)
		n.must(200, "PATCH", s.ws("/conversations/"+conv), s.token, map[string]any{"status": "resolved"})
		countsBefore := string(n.must(200, "GET", s.ws("/conversations/counts"), s.token, nil).body)
		listBefore := len(n.must(200, "GET", s.ws("/conversations"), s.token, nil).m(t)["items"].([]any))

		agentTok, _ := n.agent(s, "bo@example.com")
		n.must(403, "PATCH", s.ws("/contacts/"+cid), agentTok, map[string]any{"blocked": true})
		n.must(200, "PATCH", s.ws("/contacts/"+cid), s.token, map[string]any{"blocked": true})
		r := n.must(202, "POST", "/api/v1/inbound/"+s.inboundToken+"/messages", "", map[string]any{
			"contact": map[string]string{"source_id": "spammer"}, "source_message_id": "m2", "content": "while blocked"})
		held := r.m(t)["conversation_id"].(string)

		if got := string(n.must(200, "GET", s.ws("/conversations/counts"), s.token, nil).body); got != countsBefore {
			t.Errorf("counts after a blocked message = %s, want %s", got, countsBefore)
		}
		if got := len(n.must(200, "GET", s.ws("/conversations?status=open"), s.token, nil).m(t)["items"].([]any)); got != 0 {
			t.Errorf("%d open conversations after a blocked message, want 0", got)
		}
		if got := len(n.must(200, "GET", s.ws("/conversations"), s.token, nil).m(t)["items"].([]any)); got != listBefore {
			t.Errorf("%d conversations listed, want %d", got, listBefore)
		}
		n.must(404, "GET", s.ws("/conversations/"+held), s.token, nil)
		var hist struct {
			Items []struct {
				ID      string `json:"id"`
				Blocked bool   `json:"blocked"`
				Status  string `json:"status"`
			} `json:"items"`
		}
		n.must(200, "GET", s.ws("/contacts/"+cid+"/conversations"), s.token, nil).json(t, &hist)
		if len(hist.Items) != 2 || hist.Items[0].ID != held || !hist.Items[0].Blocked {
			t.Fatalf("history = %+v, want the held conversation first, flagged blocked", hist.Items)
		}

		// Unblocked: what arrived meanwhile is in the history, resolved.
		n.must(200, "PATCH", s.ws("/contacts/"+cid), s.token, map[string]any{"blocked": false})
		got := n.must(200, "GET", s.ws("/conversations/"+held), s.token, nil).m(t)
		if got["status"] != "resolved" {
			t.Errorf("held conversation after unblock: status %v, want resolved", got["status"])
		}
		msgs := string(n.must(200, "GET", s.ws("/conversations/"+held+"/messages"), s.token, nil).body)
		if !strings.Contains(msgs, "while blocked") {
			t.Errorf("messages after unblock = %s, want the held message", msgs)
		}
		// The next message opens a conversation as usual.
		_, next := n.inbound(s, "spammer", "m3", "hello again")
		if next == held || next == conv {
			t.Errorf("a message after unblock went to %s, want a new conversation", next)
		}
		var act struct{ Items []struct{ Action string } }
		n.must(200, "GET", s.ws("/contacts/"+cid+"/activity"), s.token, nil).json(t, &act)
		var actions []string
		for _, a := range act.Items {
			actions = append(actions, a.Action)
		}
		if j := strings.Join(actions, ","); !strings.Contains(j, "contact.unblock,contact.block") {
			t.Errorf("activity = %s, want unblock after block", j)
		}
	})
}

func TestContacts_ArchiveAndMark(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, conv := n.inbound(s, "quiet", "m1", "hi")
		cid := n.contactOf(s, conv)
		n.must(200, "PATCH", s.ws("/contacts/"+cid), s.token, map[string]any{"archived": true})
		if got := len(n.contacts(s, "").Items); got != 0 {
			t.Errorf("%d contacts listed after archiving, want 0", got)
		}
		n.inbound(s, "quiet", "m2", "back again")
		if got := n.contacts(s, "").Items; len(got) != 1 || got[0].Archived {
			t.Errorf("after a new message the list = %+v, want the contact unarchived", got)
		}

		n.must(200, "PUT", s.ws("/contacts/"+cid+"/mark"), s.token, nil)
		if got := n.must(200, "GET", s.ws("/contacts/"+cid), s.token, nil).m(t)["marked"]; got != true {
			t.Errorf("marked = %v after PUT mark", got)
		}
		agentTok, _ := n.agent(s, "bo@example.com")
		if got := n.must(200, "GET", s.ws("/contacts/"+cid), agentTok, nil).m(t)["marked"]; got != false {
			t.Errorf("marked for another user = %v, want false (a per-user star)", got)
		}
		if got := n.contacts(s, "marked=true").Items; len(got) != 1 || !got[0].Marked {
			t.Errorf("marked=true = %+v", got)
		}
		n.must(200, "DELETE", s.ws("/contacts/"+cid+"/mark"), s.token, nil)
		if got := len(n.contacts(s, "marked=true").Items); got != 0 {
			t.Errorf("marked=true lists %d after unmarking", got)
		}
	})
}

func TestContacts_MergeMovesEverythingAndRedirects(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, c1 := n.inbound(s, "wa-ada", "m1", "from WhatsApp")
		_, c2 := n.inbound(s, "tg-ada", "m2", "from Telegram")
		survivor, other := n.contactOf(s, c1), n.contactOf(s, c2)
		n.must(200, "PATCH", s.ws("/contacts/"+survivor), s.token, map[string]any{"name": "Ada", "tags": []string{"vip"}, "attributes": map[string]string{"plan": "pro"}})
		n.must(200, "PATCH", s.ws("/contacts/"+other), s.token, map[string]any{"name": "Ada L.", "email": "ada@example.com", "tags": []string{"lead"},
			"attributes": map[string]string{"plan": "free", "city": "London"}})

		n.must(422, "POST", s.ws("/contacts/"+survivor+"/merge"), s.token, map[string]any{"other_id": survivor})
		n.must(422, "POST", s.ws("/contacts/"+survivor+"/merge"), s.token, map[string]any{"other_id": "0190a000-0000-7000-8000-000000000000"})
		n.must(422, "POST", s.ws("/contacts/"+survivor+"/merge"), s.token, map[string]any{"other_id": "not-a-uuid"})

		// Messages from the other contact keep arriving during the merge.
		var wg sync.WaitGroup
		convs := make([]string, 8)
		for i := range convs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := n.do("POST", "/api/v1/inbound/"+s.inboundToken+"/messages", "", map[string]any{
					"contact": map[string]string{"source_id": "tg-ada"}, "source_message_id": fmt.Sprintf("c%d", i), "content": "during"})
				if r.status == 202 {
					convs[i] = r.m(t)["conversation_id"].(string)
				}
			}()
		}
		merged := n.must(200, "POST", s.ws("/contacts/"+survivor+"/merge"), s.token, map[string]any{"other_id": other}).m(t)
		wg.Wait()

		if merged["name"] != "Ada" || merged["email"] != "ada@example.com" {
			t.Errorf("merged name/email = %v/%v, want the survivor's name and the other's email", merged["name"], merged["email"])
		}
		attrs := merged["attributes"].(map[string]any)
		if attrs["plan"] != "pro" || attrs["city"] != "London" {
			t.Errorf("merged attributes = %v, want survivor's plan and other's city", attrs)
		}
		if tags := fmt.Sprint(merged["tags"]); tags != "[vip lead]" {
			t.Errorf("merged tags = %s", tags)
		}
		if ids := merged["identities"].([]any); len(ids) != 2 {
			t.Errorf("merged identities = %v, want both", ids)
		}
		for i, c := range append(convs, c1, c2) {
			if c == "" {
				t.Errorf("inbound %d during the merge failed", i)
				continue
			}
			if got := n.contactOf(s, c); got != survivor {
				t.Errorf("conversation %s belongs to %s, want the survivor %s", c, got, survivor)
			}
		}
		// A message after the merge lands on the survivor too.
		_, c3 := n.inbound(s, "tg-ada", "after", "after the merge")
		if got := n.contactOf(s, c3); got != survivor {
			t.Errorf("after the merge a message went to contact %s, want %s", got, survivor)
		}

		req, _ := http.NewRequest("GET", n.base+s.ws("/contacts/"+other), nil)
		req.Header.Set("Authorization", "Bearer "+s.token)
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noFollow.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 301 || !strings.HasSuffix(resp.Header.Get("Location"), "/contacts/"+survivor) || !strings.Contains(string(raw), `"merged_into":"`+survivor+`"`) {
			t.Errorf("GET merged contact = %d Location %q %s, want 301 to the survivor", resp.StatusCode, resp.Header.Get("Location"), raw)
		}
		// A client that follows the redirect gets the survivor.
		if got := n.must(200, "GET", s.ws("/contacts/"+other), s.token, nil).m(t)["id"]; got != survivor {
			t.Errorf("following the redirect gives %v, want %s", got, survivor)
		}
		var act struct{ Items []struct{ Action string } }
		n.must(200, "GET", s.ws("/contacts/"+survivor+"/activity"), s.token, nil).json(t, &act)
		if !strings.Contains(fmt.Sprint(act.Items), "contact.merge") {
			t.Errorf("survivor's activity = %v, want contact.merge", act.Items)
		}
		if got := len(n.contacts(s, "").Items); got != 1 {
			t.Errorf("%d contacts listed after the merge, want 1", got)
		}
	})
}

func TestConversations_ExternalRef(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, c1 := n.inbound(s, "a", "m1", "about the case")
		n.inbound(s, "b", "m2", "something else")
		ref := map[string]any{"type": "case", "id": "C-42", "url": "https://cases.example.com/C-42", "title": "Smith v. Jones"}
		got := n.must(200, "PATCH", s.ws("/conversations/"+c1), s.token, map[string]any{"external_ref": ref}).m(t)
		if fmt.Sprint(got["external_ref"]) != fmt.Sprint(ref) {
			t.Errorf("external_ref = %v, want %v", got["external_ref"], ref)
		}
		list := n.must(200, "GET", s.ws("/conversations?external_ref_type=case&external_ref_id=C-42"), s.token, nil).m(t)["items"].([]any)
		if len(list) != 1 || list[0].(map[string]any)["id"] != c1 {
			t.Errorf("selected by reference: %v, want only %s", list, c1)
		}
		for _, bad := range []map[string]any{
			{"type": "Case Files", "id": "1"}, {"type": "case", "id": ""}, {"type": "case", "id": "1", "url": "javascript:x"},
		} {
			n.must(422, "PATCH", s.ws("/conversations/"+c1), s.token, map[string]any{"external_ref": bad})
		}
		n.must(422, "GET", s.ws("/conversations?external_ref_type=case"), s.token, nil)
		n.must(200, "PATCH", s.ws("/conversations/"+c1), s.token, map[string]any{"external_ref": nil})
		if list := n.must(200, "GET", s.ws("/conversations?external_ref_type=case&external_ref_id=C-42"), s.token, nil).m(t)["items"].([]any); len(list) != 0 {
			t.Errorf("after removing the reference %d conversations match", len(list))
		}
	})
}

// importCSV posts a CSV file to the import endpoint.
func (n *node) importCSV(s session, query, body string) response {
	n.t.Helper()
	return n.do("POST", s.ws("/contact-imports?"+query), s.token, body, "Content-Type", "text/csv")
}

func TestContacts_ImportIsIdempotentAndExportRoundTrips(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		n.must(201, "POST", s.ws("/contact-attributes"), s.token, map[string]any{"key": "seats", "label": "Seats", "type": "number"})
		file := "Full name,E-mail,Mobile,Org,Labels,Seats\n" +
			"Ada,ada@example.com,+1 415 555 2671,Engines,vip;lead,3\n" +
			"Bob,,(415) 555-0100,,,\n" +
			"Cy,not-an-email,,,,\n" +
			"Dee,dee@example.com,,,,many\n" +
			"Eve,,,,,\n"
		mapping := url.QueryEscape(`{"Full name":"name","E-mail":"email","Mobile":"phone","Org":"company","Labels":"tags","Seats":"attributes.seats"}`)

		dry := n.importCSV(s, "dry_run=true&region=US&mapping="+mapping, file)
		if dry.status != 200 {
			t.Fatalf("dry run = %d %s", dry.status, dry.body)
		}
		var rep struct {
			Status                                     string
			Total, Created, Updated, Unchanged, Failed int
			Errors                                     []struct {
				Row   int
				Field string
			}
		}
		dry.json(t, &rep)
		if rep.Total != 5 || rep.Created != 2 || rep.Failed != 3 || len(rep.Errors) != 3 {
			t.Errorf("dry run = %+v, want 5 rows: 2 to create, 3 failed", rep)
		}
		if rows := fmt.Sprint(rep.Errors); rows != "[{4 email} {5 attributes.seats} {6 email}]" {
			t.Errorf("row errors = %s", rows)
		}
		if got := len(n.contacts(s, "").Items); got != 0 {
			t.Fatalf("a dry run wrote %d contacts", got)
		}

		if r := n.importCSV(s, "region=US&mapping="+mapping, ""); r.status != 400 && r.status != 422 { // no header row
			t.Errorf("an empty file = %d %s, want 400 or 422", r.status, r.body)
		}
		r := n.importCSV(s, "region=US&mapping="+mapping, file)
		if r.status != 201 {
			t.Fatalf("import = %d %s", r.status, r.body)
		}
		r.json(t, &rep)
		if rep.Created != 2 || rep.Status != "done" {
			t.Errorf("import = %+v, want 2 created, done", rep)
		}
		again := n.importCSV(s, "region=US&mapping="+mapping, file)
		again.json(t, &rep)
		if again.status != 201 || rep.Created != 0 || rep.Updated != 0 || rep.Unchanged != 2 {
			t.Errorf("second import = %d %+v, want everything unchanged", again.status, rep)
		}
		list := n.contacts(s, "sort=name_asc")
		if len(list.Items) != 2 || list.Items[0].Phone != "+14155552671" || list.Items[1].Phone != "+14155550100" ||
			list.Items[0].Attributes["seats"] != "3" || strings.Join(list.Items[0].Tags, ",") != "vip,lead" {
			t.Errorf("imported = %+v", list.Items)
		}

		// Export, then import the export: nothing changes.
		exp := n.must(200, "GET", s.ws("/contacts/export?sort=name_asc"), s.token, nil)
		if ct := exp.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
			t.Errorf("export Content-Type = %q", ct)
		}
		recs, err := csv.NewReader(bytes.NewReader(exp.body)).ReadAll()
		if err != nil || len(recs) != 3 {
			t.Fatalf("export = %q (%v), want a header and 2 rows", exp.body, err)
		}
		back := n.importCSV(s, "", string(exp.body))
		back.json(t, &rep)
		if back.status != 201 || rep.Unchanged != 2 || rep.Created+rep.Updated+rep.Failed != 0 {
			t.Errorf("re-importing the export = %d %s, want 2 unchanged", back.status, back.body)
		}

		// Bad files change nothing.
		for name, tc := range map[string]struct {
			query, body string
			status      int
		}{
			"a malformed CSV":            {"", "email,name\n\"ada@example.com,Ada\n", 422},
			"a mapping to no field":      {"mapping=" + url.QueryEscape(`{"email":"shoe_size"}`), "email\nx@example.com\n", 422},
			"a mapping that is not JSON": {"mapping=nope", "email\nx@example.com\n", 422},
			"no email or phone column":   {"", "name\nAda\n", 422},
		} {
			if r := n.importCSV(s, tc.query, tc.body); r.status != tc.status {
				t.Errorf("%s: %d %s, want %d", name, r.status, r.body, tc.status)
			}
		}
		big := strings.Repeat("x", 51<<20)
		if r := n.importCSV(s, "", "email\n"+big); r.status != http.StatusRequestEntityTooLarge {
			t.Errorf("a 51 MB file: %d, want 413", r.status)
		}
		if got := len(n.contacts(s, "").Items); got != 2 {
			t.Errorf("%d contacts after bad imports, want 2", got)
		}
		agentTok, _ := n.agent(s, "bo@example.com")
		if r := n.do("POST", s.ws("/contact-imports"), agentTok, "email\nz@example.com\n", "Content-Type", "text/csv"); r.status != 403 {
			t.Errorf("an agent's import = %d, want 403", r.status)
		}
	})
}

func TestContacts_LargeImportRunsInTheBackground(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		const rows = 2500
		var sb strings.Builder
		sb.WriteString("email,name\n")
		for i := range rows {
			fmt.Fprintf(&sb, "p%d@example.com,Person %d\n", i, i)
		}
		r := n.importCSV(s, "", sb.String())
		if r.status != 202 {
			t.Fatalf("import of %d rows = %d %s, want 202", rows, r.status, r.body)
		}
		id := r.m(t)["id"].(string)
		var rep struct {
			Status           string
			Total, Processed int
			Created          int
		}
		// The import has no event to await; its progress is what a client polls.
		for range 600 {
			n.must(200, "GET", s.ws("/contact-imports/"+id), s.token, nil).json(t, &rep)
			if rep.Status != "running" {
				break
			}
			waitBriefly()
		}
		if rep.Status != "done" || rep.Processed != rows || rep.Created != rows || rep.Total != rows {
			t.Errorf("import = %+v, want %d created, done", rep, rows)
		}
	})
}

func TestContacts_BulkTagAndDelete(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		a := n.newContact(s, map[string]any{"name": "A"})
		b := n.newContact(s, map[string]any{"name": "B", "tags": []string{"x"}})
		got := n.must(200, "POST", s.ws("/contacts/bulk"), s.token, map[string]any{"action": "tag", "ids": []string{a, b}, "tags": []string{"x"}}).m(t)
		if got["changed"] != float64(1) {
			t.Errorf("bulk tag changed %v, want 1", got["changed"])
		}
		if got := len(n.contacts(s, "tag=x").Items); got != 2 {
			t.Errorf("tag=x lists %d, want 2", got)
		}
		agentTok, _ := n.agent(s, "bo@example.com")
		n.must(403, "POST", s.ws("/contacts/bulk"), agentTok, map[string]any{"action": "delete", "ids": []string{a}})
		n.must(422, "POST", s.ws("/contacts/bulk"), s.token, map[string]any{"action": "delete", "ids": []string{"nope"}})
		n.must(200, "POST", s.ws("/contacts/bulk"), s.token, map[string]any{"action": "delete", "ids": []string{a, b}})
		if got := len(n.contacts(s, "archived=any").Items); got != 0 {
			t.Errorf("%d contacts after bulk delete", got)
		}
	})
}

func TestContacts_MergeKeepsTheSurvivorsBlock(t *testing.T) {
	eachEngine(t, func(t *testing.T, n *node) {
		s := n.bootstrap()
		_, c1 := n.inbound(s, "keep", "m1", "hello")
		_, c2 := n.inbound(s, "dup", "m2", "hello too")
		survivor, other := n.contactOf(s, c1), n.contactOf(s, c2)
		n.must(200, "PATCH", s.ws("/contacts/"+other), s.token, map[string]any{"blocked": true})
		held := n.must(202, "POST", "/api/v1/inbound/"+s.inboundToken+"/messages", "", map[string]any{
			"contact": map[string]string{"source_id": "dup"}, "source_message_id": "m3", "content": "held"}).m(t)["conversation_id"].(string)
		n.must(404, "GET", s.ws("/conversations/"+held), s.token, nil)

		merged := n.must(200, "POST", s.ws("/contacts/"+survivor+"/merge"), s.token, map[string]any{"other_id": other}).m(t)
		if merged["blocked"] != false {
			t.Errorf("merged blocked = %v, want the survivor's false", merged["blocked"])
		}
		if got := n.must(200, "GET", s.ws("/conversations/"+held), s.token, nil).m(t); got["contact_id"] != survivor || got["status"] != "resolved" {
			t.Errorf("held conversation after the merge = %v/%v, want the survivor's, resolved", got["contact_id"], got["status"])
		}
	})
}
