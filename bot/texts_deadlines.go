package bot

// Texts of the deadline commands: the officers' /han, /theodoi, /bothoi
// (deadlines.go) and the staff's /support deadlines (deadlines_staff.go).
// Their Vietnamese and English versions live in texts_deadlines_vi.go and
// texts_deadlines_en.go and join the catalogue when the package starts.
const (
	txtDeadlinesOff              textKey = "deadlines_off"
	txtDeadlinesNone             textKey = "deadlines_none"
	txtDeadlinesNoneUnregistered textKey = "deadlines_none_unregistered"
	txtDeadlinesHead             textKey = "deadlines_head"
	txtDeadlinesDue              textKey = "deadlines_due"
	txtDeadlinesSubmitted        textKey = "deadlines_submitted"
	txtDeadlinesNoNext           textKey = "deadlines_no_next"
	txtDeadlinesCheck            textKey = "deadlines_check"
	txtDeadlinesFoot             textKey = "deadlines_foot"
	txtDeadlinesICS              textKey = "deadlines_ics"
	txtDeadlinesICSTooBig        textKey = "deadlines_ics_too_big"
	btnDeadlinesICS              textKey = "btn_deadlines_ics"
	txtDueToday                  textKey = "due_today"
	txtDueTomorrow               textKey = "due_tomorrow"
	txtDueInDays                 textKey = "due_in_days"

	txtFollowPick         textKey = "follow_pick"
	txtFollowed           textKey = "followed"
	txtFollowedAlready    textKey = "followed_already"
	txtUnfollowPick       textKey = "unfollow_pick"
	txtUnfollowNone       textKey = "unfollow_none"
	txtUnfollowed         textKey = "unfollowed"
	txtUnfollowedNot      textKey = "unfollowed_not"
	txtDeadlineUnknown    textKey = "deadline_unknown"
	txtOffsetsBeforeAndOn textKey = "offsets_before_and_on"
	txtOffsetsBefore      textKey = "offsets_before"
	txtOffsetsOn          textKey = "offsets_on"
	txtOffsetsAt          textKey = "offsets_at"
	toastFollowed         textKey = "toast_followed"
	toastUnfollowed       textKey = "toast_unfollowed"

	cmdDescDeadlines textKey = "cmd_deadlines"
	cmdDescFollow    textKey = "cmd_follow"
	cmdDescUnfollow  textKey = "cmd_unfollow"

	supDeadlinesOff     textKey = "sup_deadlines_off"
	supDeadlinesUnknown textKey = "sup_deadlines_unknown"
	supDeadlinesBadDate textKey = "sup_deadlines_bad_date"
	supDeadlinesNoOcc   textKey = "sup_deadlines_no_occurrence"
	supDeadlinesOthers  textKey = "sup_deadlines_others"
	supDeadlinesNotDue  textKey = "sup_deadlines_not_due"
)

func init() {
	for cat, texts := range map[string]map[textKey]string{LangVI: textsDeadlinesVI, LangEN: textsDeadlinesEN} {
		for k, s := range texts {
			if _, dup := catalogue[cat][k]; dup {
				panic("bot: text " + string(k) + " is defined twice")
			}
			catalogue[cat][k] = s
		}
	}
}
