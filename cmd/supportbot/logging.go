package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// redacted replaces a secret wherever it would be logged.
const redacted = "[REDACTED]"

// newLogger builds the process logger: text or JSON on w, at level, with
// every secret replaced in messages and attributes. Redaction sits in the
// handler so that no caller (including other packages' error strings, which
// may carry a URL with the bot token in it) can leak a token by mistake.
func newLogger(w io.Writer, format string, level slog.Leveler, secrets []string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	} else {
		h = slog.NewTextHandler(w, opts)
	}
	if len(secrets) > 0 {
		h = &redactHandler{next: h, r: newRedactor(secrets)}
	}
	return slog.New(h)
}

// newRedactor returns a replacer of each non-empty secret, also in the
// forms that URL encoding, JSON and Go quoting give it ("12:ab/c+d%" is
// "12%3Aab%2Fc%2Bd%25" in a query and "12:ab%2Fc+d%25" in a path): an
// error that carries a request's URL must not leak a token either.
func newRedactor(secrets []string) *strings.Replacer {
	seen := map[string]bool{}
	var forms []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		q := strconv.Quote(s)
		j, _ := json.Marshal(s)
		for _, f := range []string{s, url.QueryEscape(s), url.PathEscape(s), q[1 : len(q)-1], string(j[1 : len(j)-1])} {
			if !seen[f] {
				seen[f] = true
				forms = append(forms, f)
			}
		}
	}
	// Longest first: at one position the replacer takes the first form
	// that matches, and a secret may be the start of another's form.
	sort.SliceStable(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, redacted)
	}
	return strings.NewReplacer(pairs...)
}

// redactHandler rewrites records before its next handler sees them.
type redactHandler struct {
	next slog.Handler
	r    *strings.Replacer
}

func (h *redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h *redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.Replace(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h *redactHandler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	return &redactHandler{next: h.next.WithAttrs(clean), r: h.r}
}

func (h *redactHandler) WithGroup(name string) slog.Handler {
	return &redactHandler{next: h.next.WithGroup(name), r: h.r}
}

// attr redacts one attribute. Values that are not strings (errors,
// Stringers, structs) are rendered to a string first: the cost is paid only
// for records that pass the level check.
func (h *redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.r.Replace(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, x := range g {
			clean[i] = h.attr(x)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		var s string
		switch x := v.Any().(type) {
		case error:
			s = x.Error()
		case interface{ String() string }:
			s = x.String()
		default:
			// Keep the value's structure unless its rendering holds a secret.
			if s = fmt.Sprintf("%+v", x); h.r.Replace(s) == s {
				return slog.Attr{Key: a.Key, Value: v}
			}
		}
		return slog.String(a.Key, h.r.Replace(s))
	default:
		return slog.Attr{Key: a.Key, Value: v}
	}
}
