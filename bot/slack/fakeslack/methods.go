package fakeslack

import (
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
)

// serveAPI answers /api/<method>.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	p, err := params(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	tok := token(r, p)
	delete(p, "token")

	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, Call{Method: method, Params: p})
	defer s.notifyLocked()

	want := s.opts.BotToken
	if method == "apps.connections.open" {
		want = s.opts.AppToken
	}
	if tok != want {
		writeErr(w, "invalid_auth")
		return
	}
	if f, ok := s.takeFailureLocked(method); ok {
		writeFailure(w, f)
		return
	}
	switch method {
	case "auth.test":
		writeJSON(w, map[string]any{"ok": true, "url": "https://fake.slack.com/", "team": "Fake", "user": "supportbot",
			"team_id": TeamID, "user_id": BotUserID, "bot_id": BotID})
	case "users.info":
		u, ok := s.users[p["user"]]
		if !ok {
			writeErr(w, "user_not_found")
			return
		}
		writeJSON(w, map[string]any{"ok": true, "user": map[string]any{
			"id": u.ID, "team_id": TeamID, "name": u.Name, "real_name": u.RealName, "locale": u.Locale,
			"profile": map[string]any{"display_name": u.DisplayName, "real_name": u.RealName},
		}})
	case "usergroups.users.list":
		m, ok := s.groups[p["usergroup"]]
		if !ok {
			writeErr(w, "no_such_subteam")
			return
		}
		writeJSON(w, map[string]any{"ok": true, "users": nonNil(m)})
	case "conversations.members":
		s.membersLocked(w, p)
	case "chat.postMessage", "chat.update", "chat.postEphemeral":
		s.chatLocked(w, method, p)
	case "views.open", "views.publish":
		s.viewLocked(w, method, p)
	case "files.getUploadURLExternal":
		s.nextFile++
		id := fmt.Sprintf("F%04d", s.nextFile)
		s.pendingUp[id] = &Upload{ID: id, Name: p["filename"]}
		writeJSON(w, map[string]any{"ok": true, "upload_url": s.srv.URL + "/upload/" + id, "file_id": id})
	case "files.completeUploadExternal":
		var files []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		}
		if err := json.Unmarshal([]byte(p["files"]), &files); err != nil || len(files) == 0 {
			writeErr(w, "invalid_arguments")
			return
		}
		var out []map[string]string
		for _, f := range files {
			up, ok := s.pendingUp[f.ID]
			if !ok || up.Data == nil {
				writeErr(w, "file_not_found")
				return
			}
			delete(s.pendingUp, f.ID)
			up.Channel, up.ThreadTS = p["channel_id"], p["thread_ts"]
			s.uploads = append(s.uploads, *up)
			out = append(out, map[string]string{"id": f.ID, "title": f.Title})
		}
		writeJSON(w, map[string]any{"ok": true, "files": out})
	case "apps.connections.open":
		writeJSON(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(s.srv.URL, "http") + "/ws"})
	default:
		writeErr(w, "unknown_method")
	}
}

func nonNil(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

// membersLocked answers conversations.members, PageSize members a page.
func (s *Server) membersLocked(w http.ResponseWriter, p map[string]string) {
	m, ok := s.members[p["channel"]]
	if !ok {
		writeErr(w, "channel_not_found")
		return
	}
	start, _ := strconv.Atoi(p["cursor"])
	end := min(start+s.opts.PageSize, len(m))
	next := ""
	if end < len(m) {
		next = strconv.Itoa(end)
	}
	writeJSON(w, map[string]any{"ok": true, "members": nonNil(m[start:end]),
		"response_metadata": map[string]string{"next_cursor": next}})
}

func (s *Server) chatLocked(w http.ResponseWriter, method string, p map[string]string) {
	ch := p["channel"]
	if ch == "" {
		writeErr(w, "channel_not_found")
		return
	}
	if code := s.chanErr[ch]; code != "" {
		writeErr(w, code)
		return
	}
	if p["text"] == "" && p["blocks"] == "" {
		writeErr(w, "no_text")
		return
	}
	if p["blocks"] != "" && !json.Valid([]byte(p["blocks"])) {
		writeErr(w, "invalid_blocks")
		return
	}
	post := Post{Method: method, Channel: ch, ThreadTS: p["thread_ts"], Text: p["text"], User: p["user"]}
	if p["blocks"] != "" {
		post.Blocks = json.RawMessage(p["blocks"])
	}
	switch method {
	case "chat.update":
		if p["ts"] == "" {
			writeErr(w, "message_not_found")
			return
		}
		post.TS = p["ts"]
	default:
		post.TS = s.tsLocked()
	}
	s.posts = append(s.posts, post)
	switch method {
	case "chat.postEphemeral":
		writeJSON(w, map[string]any{"ok": true, "message_ts": post.TS})
	default:
		writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": post.TS,
			"message": map[string]any{"type": "message", "text": post.Text, "ts": post.TS, "thread_ts": post.ThreadTS}})
	}
}

func (s *Server) viewLocked(w http.ResponseWriter, method string, p map[string]string) {
	post := Post{Method: method, User: p["user_id"], Trigger: p["trigger_id"], Blocks: json.RawMessage(p["view"])}
	if method == "views.open" && post.Trigger == "" {
		writeErr(w, "invalid_arguments")
		return
	}
	if method == "views.publish" && post.User == "" {
		writeErr(w, "invalid_arguments")
		return
	}
	s.posts = append(s.posts, post)
	s.nextView++
	writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": fmt.Sprintf("V%04d", s.nextView), "hash": "h1"}})
}

// serveUpload takes the bytes of a file (the upload_url of
// files.getUploadURLExternal), as a multipart "file" or the raw body.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/upload/")
	var data []byte
	var err error
	if mr, merr := r.MultipartReader(); merr == nil {
		var part *multipart.Part
		for part, err = mr.NextPart(); err == nil; part, err = mr.NextPart() {
			if part.FormName() == "file" {
				data, err = io.ReadAll(part)
				break
			}
		}
	} else {
		data, err = io.ReadAll(r.Body)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	up, ok := s.pendingUp[id]
	if !ok || (err != nil && err != io.EOF) {
		http.Error(w, "no such upload", http.StatusNotFound)
		return
	}
	up.Data = append([]byte{}, data...)
	w.Write([]byte("OK - " + strconv.Itoa(len(data))))
}

// serveFile serves a file added with AddFile to the bot token.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/files/")
	s.mu.Lock()
	data, ok := s.files[id]
	s.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+s.opts.BotToken {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(data)
}
