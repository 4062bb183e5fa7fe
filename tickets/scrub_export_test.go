package tickets

// ScrubPassWrite is the most one pass of the scrub writes.
const ScrubPassWrite = scrubPassWrite

// ScrubFreePagesBetween is ScrubFreePages calling between(stats so far)
// after each pass but the last, where other writers commit.
var ScrubFreePagesBetween = scrubFreePages
