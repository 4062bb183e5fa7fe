// Command crashwriter creates tickets as fast as it can and prints
// "<id> <source>" on stdout after each creation has returned success (that
// is, after its commit was fsynced). The crash test in package tickets
// SIGKILLs it mid-way and checks that every printed ticket survived.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"sync"

	"github.com/mostvn/supportbot/tickets"
)

func main() {
	dir := flag.String("dir", "", "data directory")
	n := flag.Int("n", 10000, "tickets to create per worker")
	workers := flag.Int("workers", 8, "concurrent creators")
	flag.Parse()
	if *dir == "" {
		log.Fatal("crashwriter: -dir is required")
	}
	db, err := tickets.OpenDB(*dir)
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	s, err := tickets.NewStore(db, tickets.Options{})
	if err != nil {
		log.Fatal(err)
	}
	var mu sync.Mutex // one line per write
	var wg sync.WaitGroup
	for w := range *workers {
		wg.Go(func() {
			for i := range *n {
				src := fmt.Sprintf("crash:%d:%d", w, i)
				tk, _, err := s.Create(tickets.NewTicket{
					Channel: "telegram", UserID: fmt.Sprint(w), ChatID: fmt.Sprint(w),
					Province: tickets.Provinces[i%len(tickets.Provinces)], Topic: "other",
					Text: "Câu hỏi thử nghiệm " + src, Source: src,
				})
				if err != nil {
					log.Fatal(err)
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "%s %s\n", tk.ID, src)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
