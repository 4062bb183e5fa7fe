# supportbot — see README.md. Everything a newcomer needs: `make run`, `make test`.
GO      ?= go
BIN     ?= bin/supportbot
BENCH   ?= ../shared/bench
PKGS    := ./...

.PHONY: all build run test bench eval lint fmt clean fuzz soak

all: lint test build

## build: compile the single binary into bin/supportbot
build:
	$(GO) build -o $(BIN) ./cmd/supportbot

## run: start the bot (no tokens configured: a console chat on the embedded knowledge base, data in ./data)
run: build
	./$(BIN)

## test: every test, race detector on
test:
	$(GO) test -race -count=1 $(PKGS)

## bench: speed and quality targets (Go benchmarks, then the eval command on the shared sets)
##   knowledge: search latency p50/p99; recall/MRR ours vs stock bleve (reads $(BENCH), skipped if absent)
##   tickets:   creates/s with 32 and 1 creators (fsync on); p99 listing a province's open tickets in 100k
##   bot:       inbound updates/s and p99 (inbox -> outbox, search included); 3,000-chat broadcast under
##              Telegram's limits (about 100 s); outbox limits on a simulated clock
##   staff:     a Slack reply reaching the fake Bot API, p50/p99/max (50 tickets, 10 replies/s for 20 s,
##              Telegram's limits enforced; set-up about 100 s); 200 tickets in a minute posted to triage
##              once each and updated in place under injected 429s (Slack's 1 message/s per channel:
##              about 11 min); Slack ack p99 of presses and commands with 50 staff at once
##   schedules: a reminder to 10,000 chats at Telegram's limit, and the same killed half-way (about 12 min)
##   ops:       a 2,000-officer broadcast beside officers' questions (a stress and a calm load), with a
##              kill -9 (about 4 min)
##   privacy:   anonymising one officer's 1,000 tickets among 100,000; the free-page scrub of a 400 MB
##              file; erasing that officer while the router handles questions (erase time, p99 of
##              inbound handling during it); forgetting a chat in a 10,000-item outbox (about 6 min)
##   The whole target takes about 50 minutes.
bench: build
	$(GO) test -run='^$$' -bench='Search$$' -benchtime=2000x ./knowledge/
	$(GO) test -run='^$$' -bench='Eval|Verdict' -benchtime=1x ./knowledge/
	$(GO) test -run='^$$' -bench='Create|ListOpen|CheckFile' -benchtime=3x -timeout=30m ./tickets/
	$(GO) test -run='^$$' -bench='InboundTelegram' -benchtime=2000x ./bot/telegram/
	$(GO) test -run='^$$' -bench='BroadcastTelegram' -benchtime=1x -timeout=20m ./bot/telegram/
	$(GO) test -run='^$$' -bench='SplitHTML' -benchtime=1x ./bot/telegram/
	$(GO) test -run='^$$' -bench='OutboxTelegramLimits$$|OutboxThroughput|OutboxKillMidBroadcast' -benchtime=1x ./bot/outbox/
	$(GO) test -run='^$$' -bench='SocketAckLatency' -benchtime=1x ./bot/slack/
	$(GO) test -run='^$$' -bench='ReminderFanout' -benchtime=1x -timeout=30m ./schedules/
	$(GO) test -run='^$$' -bench='Broadcast2000' -benchtime=1x -timeout=20m ./cmd/supportbot/
	$(GO) test -run='^$$' -bench='StaffReplyToTelegram|TriageBurst' -benchtime=1x -timeout=30m ./cmd/supportbot/
	$(GO) test -run='^$$' -bench='Anonymise1000Of100k|ScrubFreePages100k' -benchtime=1x -timeout=30m ./tickets/
	$(GO) test -run='^$$' -bench='EraseOfficer1000In100k' -benchtime=1x -timeout=30m ./bot/
	$(GO) test -run='^$$' -bench='Forget' -benchtime=1x ./bot/outbox/
	@$(MAKE) --no-print-directory eval

## eval: the officer question sets (knowledge/testdata/questions, each apart: top-3, first hit shows the
##   answer, marked answer, out-of-scope not claimed, and the misses), then recall/MRR/latency on
##   $(BENCH)/{alqac22,vlsp2023}, as written and without tone marks, ours and stock
eval: build
	@for qs in officers holdout blind; do \
	  echo "officer questions (knowledge/testdata/questions/$$qs.jsonl):"; \
	  SUPPORTBOT_LANG=en ./$(BIN) kb eval --questions knowledge/testdata/questions/$$qs.jsonl || exit 1; \
	  echo; \
	done
	@for ds in alqac22 vlsp2023; do \
	  if [ ! -d $(BENCH)/$$ds ]; then echo "skip $$ds: $(BENCH)/$$ds not found"; continue; fi; \
	  for tones in "" "--strip-tones"; do for stock in "" "--stock"; do \
	    printf '%-9s %-14s %-7s ' $$ds "$${tones:---as-written}" "$${stock:---ours}"; \
	    ./$(BIN) kb eval --dataset $(BENCH)/$$ds $$tones $$stock --json; \
	  done; done; \
	done

## fuzz: every fuzz target for FUZZTIME each (default 20s; not part of test or CI, which run only the
##   seeds and testdata/fuzz/ corpora): command parser, legal-text splitter, Markdown front matter,
##   Telegram update decoding, Slack events and interactive payloads. New crashers land in the
##   package's testdata/fuzz/<FuzzName>/: keep the interesting ones, fix, commit.
FUZZTIME ?= 20s
FUZZ_TARGETS := ./bot/:FuzzParseCommand ./knowledge/:FuzzSplitLegalText ./knowledge/:FuzzParseMarkdown \
	./bot/telegram/:FuzzConvert ./bot/slack/:FuzzSlackEvent ./bot/slack/:FuzzSlackInteractive
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; name=$${t##*:}; echo "== $$name ($$pkg, $(FUZZTIME))"; \
	  $(GO) test -run='^$$' -fuzz="^$$name\$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	done

## soak: the real binary for about 10 minutes against the fakes (questions, tickets, Slack staff replies,
##   reminders; one kill -9 and a 30 s Bot API outage in the middle): messages lost (must be 0),
##   duplicates, resident memory at start and end (at most 150 MB). SOAK_DURATION changes the load phase.
SOAK_DURATION ?= 10m
soak:
	SUPPORTBOT_SOAK=1 SUPPORTBOT_SOAK_DURATION=$(SOAK_DURATION) $(GO) test -run='^TestSoak$$' -count=1 -v -timeout=40m ./cmd/supportbot/

## lint: gofmt and go vet must be clean
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
