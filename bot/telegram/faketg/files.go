package faketg

import (
	"encoding/json"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"
)

// Telegram's file limits: a bot downloads at most 20 MB (getFile) and
// uploads at most 50 MB (sendDocument).
const (
	MaxDownload = 20 << 20
	MaxUpload   = 50 << 20
)

// FileData is a file the fake holds, as if a user had sent it.
type FileData struct {
	Name string
	Mime string
	Data []byte
	// Size is the file_size Telegram reports; default len(Data). A Size
	// smaller than the data imitates a server that lies, for tests of a
	// client's own cap.
	Size int64
	// Chunked serves the download without a Content-Length, as a proxy
	// may, so that only reading tells its size.
	Chunked bool
}

// file is a file held by the fake.
type file struct {
	FileData
	id, unique, path string
}

// Document is one accepted sendDocument.
type Document struct {
	MessageID int
	ChatID    int64
	FileName  string // of the upload ("" when sent by file_id)
	FileID    string // the file_id sent, or the one given to the upload
	Data      []byte // the bytes the user receives
	Caption   string
	ReplyTo   int
	RawMarkup string
	Markup    Markup
}

// Documents returns every accepted sendDocument, in order.
func (s *Server) Documents() []Document {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Document(nil), s.docs...)
}

// AddFile stores a file as if a user had sent it and returns its file_id,
// which getFile and sendDocument accept.
func (s *Server) AddFile(fd FileData) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addFileLocked(fd).id
}

func (s *Server) addFileLocked(fd FileData) *file {
	if fd.Size == 0 {
		fd.Size = int64(len(fd.Data))
	}
	n := strconv.Itoa(len(s.files) + 1)
	dir := "documents"
	if strings.HasPrefix(fd.Mime, "image/") {
		dir = "photos"
	}
	f := &file{FileData: fd, id: "BQACAgIAAxkBAAIB" + n, unique: "AgADB" + n, path: dir + "/file_" + n + path.Ext(fd.Name)}
	s.files[f.id] = f
	s.filePaths[f.path] = f
	return f
}

// PushDocument queues a message with a document (and an optional
// caption) from userID in chatID. It returns the update_id and the
// file_id.
func (s *Server) PushDocument(chatID, userID int64, fd FileData, caption string) (updateID int64, fileID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.addFileLocked(fd)
	msg := s.userMessageLocked(chatID, userID)
	msg.Document = &models.Document{FileID: f.id, FileUniqueID: f.unique, FileName: f.Name, MimeType: f.Mime, FileSize: f.Size}
	msg.Caption = caption
	return s.pushLocked(models.Update{Message: msg}), f.id
}

// PushPhoto queues a photo (and an optional caption) from userID in
// chatID, offered in two sizes as Telegram does: a 90×90 thumbnail and
// the full size, whose file_id is returned with the update_id.
func (s *Server) PushPhoto(chatID, userID int64, jpeg []byte, caption string) (updateID int64, fileID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	thumb := s.addFileLocked(FileData{Name: "thumb.jpg", Mime: "image/jpeg", Data: jpeg[:min(len(jpeg), 64)]})
	full := s.addFileLocked(FileData{Name: "photo.jpg", Mime: "image/jpeg", Data: jpeg})
	msg := s.userMessageLocked(chatID, userID)
	msg.Photo = []models.PhotoSize{
		{FileID: thumb.id, FileUniqueID: thumb.unique, Width: 90, Height: 90, FileSize: int(thumb.Size)},
		{FileID: full.id, FileUniqueID: full.unique, Width: 1280, Height: 960, FileSize: int(full.Size)},
	}
	msg.Caption = caption
	return s.pushLocked(models.Update{Message: msg}), full.id
}

// userMessageLocked is a new message of userID in chatID, without content.
func (s *Server) userMessageLocked(chatID, userID int64) *models.Message {
	name := "Officer " + strconv.FormatInt(userID, 10)
	return &models.Message{
		ID:   s.nextMessageIDLocked(chatID),
		From: &models.User{ID: userID, FirstName: name, LanguageCode: "vi"},
		Date: int(s.opts.Now().Unix()),
		Chat: chatOf(chatID, userID, name),
	}
}

// getFile answers with the file's path for download, as Telegram does;
// files over MaxDownload are refused.
func (s *Server) getFile(w http.ResponseWriter, fields map[string]string) {
	s.mu.Lock()
	f, ok := s.files[fields["file_id"]]
	s.mu.Unlock()
	switch {
	case !ok:
		writeError(w, http.StatusBadRequest, "Bad Request: invalid file_id", 0, 0)
	case f.Size > MaxDownload:
		writeError(w, http.StatusBadRequest, "Bad Request: file is too big", 0, 0)
	default:
		writeOK(w, models.File{FileID: f.id, FileUniqueID: f.unique, FileSize: f.Size, FilePath: f.path})
	}
}

// download serves GET /file/bot<token>/<file_path>. It is recorded in
// Calls as method "download" with field "path", and failures injected for
// "download" apply.
func (s *Server) download(w http.ResponseWriter, r *http.Request, rest string) {
	token, p, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	s.calls = append(s.calls, Call{Method: "download", Fields: map[string]string{"path": p}})
	s.notifyLocked()
	f, ok := s.filePaths[p]
	s.mu.Unlock()
	if token != s.opts.Token {
		writeError(w, http.StatusUnauthorized, "Unauthorized", 0, 0)
		return
	}
	if fl, failed := s.takeFailure("download"); failed {
		s.fail(w, r, fl)
		return
	}
	if !ok {
		writeError(w, http.StatusNotFound, "Not Found", 0, 0)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if !f.Chunked {
		w.Header().Set("Content-Length", strconv.Itoa(len(f.Data)))
	}
	for b := f.Data; len(b) > 0; { // in pieces, so that the server cannot set the length itself
		n := min(len(b), 32<<10)
		if _, err := w.Write(b[:n]); err != nil {
			return
		}
		b = b[n:]
		if fl, ok := w.(http.Flusher); ok && f.Chunked {
			fl.Flush()
		}
	}
}

// sendDocument accepts an upload (a multipart file part "document") or a
// file_id, as Telegram does, and refuses uploads over MaxUpload with 413.
func (s *Server) sendDocument(w http.ResponseWriter, r *http.Request, fields map[string]string) {
	chatID, ok := atoi64(fields["chat_id"])
	if !ok {
		writeError(w, http.StatusBadRequest, "Bad Request: chat not found", 0, 0)
		return
	}
	var fd FileData
	fileID := fields["document"]
	if r.MultipartForm != nil && len(r.MultipartForm.File["document"]) > 0 {
		fh := r.MultipartForm.File["document"][0]
		if fh.Size > MaxUpload {
			writeError(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large", 0, 0)
			return
		}
		rd, err := fh.Open()
		if err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0, 0)
			return
		}
		data, err := io.ReadAll(rd)
		rd.Close()
		if err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request: "+err.Error(), 0, 0)
			return
		}
		fd = FileData{Name: fh.Filename, Mime: fh.Header.Get("Content-Type"), Data: data}
		fileID = ""
	} else if fileID == "" {
		writeError(w, http.StatusBadRequest, "Bad Request: there is no document in the request", 0, 0)
		return
	}
	mk, ok := parseMarkup(w, fields)
	if !ok {
		return
	}
	replyTo := 0
	if raw := fields["reply_parameters"]; raw != "" {
		var rp models.ReplyParameters
		if err := json.Unmarshal([]byte(raw), &rp); err == nil {
			replyTo = rp.MessageID
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blocked[chatID] {
		writeError(w, http.StatusForbidden, descriptions[http.StatusForbidden], 0, 0)
		return
	}
	var f *file
	if fileID != "" {
		if f, ok = s.files[fileID]; !ok {
			writeError(w, http.StatusBadRequest, "Bad Request: wrong file identifier/HTTP URL specified", 0, 0)
			return
		}
	} else {
		f = s.addFileLocked(fd)
	}
	d := Document{MessageID: s.nextMessageIDLocked(chatID), ChatID: chatID, FileName: fd.Name, FileID: f.id, Data: f.Data,
		Caption: fields["caption"], ReplyTo: replyTo, RawMarkup: fields["reply_markup"], Markup: mk}
	s.docs = append(s.docs, d)
	s.notifyLocked()
	bu := BotUser
	now := int(s.opts.Now().Unix())
	writeOK(w, &models.Message{ID: d.MessageID, From: &bu, Date: now, Chat: chatOf(chatID, chatID, ""), Caption: d.Caption,
		Document: &models.Document{FileID: f.id, FileUniqueID: f.unique, FileName: f.Name, MimeType: f.Mime, FileSize: f.Size}})
}
