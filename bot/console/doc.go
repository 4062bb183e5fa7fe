// Package console is the terminal channel of supportbot: the same
// conversation as on Telegram, typed in a terminal (`supportbot console`, or
// `supportbot` with no channel configured).
//
// Each line read becomes a bot.Message in the inbox (Channel console, chat
// and user "console" unless set otherwise) with a time-based SourceID, so ids
// stay unique across restarts. Replies come back through the outbox to the
// Console's Sender, which prints them with the HTML subset rendered as plain
// text: buttons and reply keyboards become numbered choices, and typing a
// number presses the choice.
package console
