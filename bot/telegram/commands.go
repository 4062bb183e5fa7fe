package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/mostvn/supportbot/bot"
)

// PublishCommands sets the bot's command menu: vi as the default menu
// (every user whose language has no menu of its own) and en for clients
// with language_code "en".
func PublishCommands(ctx context.Context, token, apiURL string, vi, en []bot.Command) error {
	if strings.TrimSpace(token) == "" {
		return errors.New("telegram: PublishCommands: empty bot token")
	}
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	red := redactor(token)
	b, err := tgbot.New(token, tgbot.WithServerURL(strings.TrimRight(apiURL, "/")), tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(DefaultSendTimeout, &http.Client{Timeout: DefaultSendTimeout}))
	if err != nil {
		return red.err(fmt.Errorf("telegram: PublishCommands: %w", err))
	}
	for _, menu := range []struct {
		lang string
		cmds []bot.Command
	}{{"", vi}, {"en", en}} {
		if len(menu.cmds) == 0 {
			continue
		}
		cmds := make([]models.BotCommand, 0, len(menu.cmds))
		for _, c := range menu.cmds {
			cmds = append(cmds, models.BotCommand{Command: strings.TrimPrefix(c.Name, "/"), Description: c.Description})
		}
		_, err := b.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{
			Commands:     cmds,
			Scope:        &models.BotCommandScopeDefault{},
			LanguageCode: menu.lang,
		})
		if err != nil {
			lang := menu.lang
			if lang == "" {
				lang = "default (vi)"
			}
			return red.err(fmt.Errorf("telegram: setMyCommands %s: %w", lang, err))
		}
	}
	return nil
}
