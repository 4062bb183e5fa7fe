package bot

// dispatch keeps order per conversation: at most one entry per key (see
// orderKey) is in flight, and the entries of a key start in inbox order.
// Different keys run in parallel on the Router's workers.
type dispatch struct {
	queues map[string][]inboxEntry // key -> entries loaded, not started
	busy   map[string]bool         // key -> an entry is in flight
	ready  []string                // keys with a queued entry and none in flight, FIFO
	loaded int                     // entries queued or in flight
	last   uint64                  // highest sequence loaded or set aside
}

func newDispatch() *dispatch {
	return &dispatch{queues: map[string][]inboxEntry{}, busy: map[string]bool{}}
}

// orderKey is the conversation whose messages must be handled one at a
// time, in order: a chat, or one thread of it. A Slack channel holds one
// thread per ticket; keyed by chat alone, a slow message in one ticket's
// thread would hold up every other ticket of the channel. Telegram
// messages carry no thread, so there the key is the chat. State shared
// across threads (the sender's record) is safe anyway: a handler whose
// plan changed before its commit plans again (errReplan).
func orderKey(m *Message) string {
	return string(m.Channel) + "\x00" + m.ChatID + "\x00" + m.Thread
}

func (d *dispatch) add(es []inboxEntry) {
	for _, e := range es {
		k := orderKey(&e.Msg)
		d.queues[k] = append(d.queues[k], e)
		if len(d.queues[k]) == 1 && !d.busy[k] {
			d.ready = append(d.ready, k)
		}
		d.loaded++
		d.last = max(d.last, e.Seq)
	}
}

// skip records that entries up to seq were examined without being loaded
// (set aside as undecodable), so that the next load starts after them.
func (d *dispatch) skip(seq uint64) { d.last = max(d.last, seq) }

func (d *dispatch) peek() (inboxEntry, bool) {
	if len(d.ready) == 0 {
		return inboxEntry{}, false
	}
	return d.queues[d.ready[0]][0], true
}

func (d *dispatch) started() {
	k := d.ready[0]
	d.ready = d.ready[1:]
	d.queues[k] = d.queues[k][1:]
	d.busy[k] = true
}

func (d *dispatch) finished(e inboxEntry) {
	k := orderKey(&e.Msg)
	delete(d.busy, k)
	d.loaded--
	if len(d.queues[k]) > 0 {
		d.ready = append(d.ready, k)
	} else {
		delete(d.queues, k)
	}
}
