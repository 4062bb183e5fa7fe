package tickets

import "fmt"

// maxAttachments bounds the files kept with one conversation message.
const maxAttachments = 10

// checkAttachments validates the files of a conversation message.
func checkAttachments(fs []Attachment) error {
	if len(fs) > maxAttachments {
		return &ValidationError{Field: "files", Problem: fmt.Sprintf("are %d", len(fs)), Accepted: fmt.Sprintf("at most %d files per message", maxAttachments)}
	}
	for _, f := range fs {
		for _, c := range []struct{ name, v string }{{"file channel", f.Channel}, {"file id", f.ID}, {"file name", f.Name}, {"file type", f.Mime}} {
			if err := checkField(c.name, c.v, false); err != nil {
				return err
			}
		}
		for _, c := range []struct{ name, v string }{{"file path", f.Path}, {"file URL", f.URL}} {
			if err := checkText(c.name, c.v, false); err != nil {
				return err
			}
		}
		if f.ID == "" && f.Path == "" && f.URL == "" {
			return &ValidationError{Field: "file", Problem: "has no id, path or URL", Accepted: "a file the channel or the bot holds"}
		}
	}
	return nil
}
