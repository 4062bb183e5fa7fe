// Command supportbot is the support bot's single binary: it serves the
// Telegram channel, opens a console chat, and administers the knowledge
// base, the tickets and the data directory. Run `supportbot help`.
//
// main stays thin: the command line is parsed and run by run (cli.go), with
// the process's streams and environment injected so that tests run the
// same code in process; the binary-level tests build and run this binary.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// SIGINT/SIGTERM cancel ctx: serve and console then stop cleanly, and
	// work in flight finishes or stays in the inbox/outbox.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// After the first signal, a second one kills the process the default
	// way, for a stop that hangs.
	context.AfterFunc(ctx, stop)
	code := run(ctx, newApp(), os.Args[1:])
	stop()
	os.Exit(code)
}
