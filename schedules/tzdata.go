package schedules

// The binary may run in a minimal container without /usr/share/zoneinfo.
import _ "time/tzdata"
