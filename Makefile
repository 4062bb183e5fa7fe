# supportbot — see README.md. Everything a newcomer needs: `make run`, `make test`.
GO      ?= go
BIN     ?= bin/supportbot
BENCH   ?= ../shared/bench
PKGS    := ./...

.PHONY: all build run test bench eval lint fmt clean

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

## bench: Go benchmarks, then search quality (ours vs stock bleve) on the shared legal retrieval sets
bench: build
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=1x $(PKGS)
	@$(MAKE) --no-print-directory eval

## eval: recall/MRR/latency on $(BENCH)/{alqac22,vlsp2023}, as written and without tone marks, ours and stock
eval: build
	@for ds in alqac22 vlsp2023; do \
	  if [ ! -d $(BENCH)/$$ds ]; then echo "skip $$ds: $(BENCH)/$$ds not found"; continue; fi; \
	  for tones in "" "--strip-tones"; do for stock in "" "--stock"; do \
	    printf '%-9s %-14s %-7s ' $$ds "$${tones:---as-written}" "$${stock:---ours}"; \
	    ./$(BIN) kb eval --dataset $(BENCH)/$$ds $$tones $$stock --json; \
	  done; done; \
	done

## lint: gofmt and go vet must be clean
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

fmt:
	gofmt -w $$(git ls-files '*.go')

clean:
	rm -rf bin
