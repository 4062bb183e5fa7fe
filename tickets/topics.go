package tickets

import "strings"

// Topics are the fields a ticket can be filed under.
var Topics = []string{
	"decree-132", "decree-133", "ip", "radiation", "metrology-quality", "telecom",
	"radio", "post", "it-digital", "science-tech", "reporting", "other",
}

// TopicOther is the topic of a ticket created without one.
const TopicOther = "other"

// NormalizeTopic accepts a topic in any case ("" means TopicOther) and
// reports whether it is one of Topics.
func NormalizeTopic(s string) (string, bool) {
	t := strings.ToLower(strings.TrimSpace(s))
	if t == "" {
		return TopicOther, true
	}
	for _, k := range Topics {
		if t == k {
			return k, true
		}
	}
	return "", false
}
