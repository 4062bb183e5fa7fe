package bot

// textsPrivacyEN: the personal-data texts in English (texts_privacy.go).
var textsPrivacyEN = map[textKey]string{
	txtPrivacyNotice: "<b>Your personal data</b>\n" +
		"To answer and follow up your support requests, I keep your name and Telegram id, province, commune, role, " +
		"and your messages and tickets. Only the ministry's support staff see them (on Slack). " +
		"%s; bookkeeping (answered questions, message links) is deleted after %d days. " +
		"Under the Law on Personal Data Protection (Law 91/2025/QH15) you can see your data with /mydata and delete it with /deletemydata at any time.\n" +
		"<b>Do you agree?</b> If you decline, you can still ask and read answers, but I keep nothing about you and open no support tickets.",
	txtPrivacyKeepTickets: "Closed tickets are anonymised after %s",
	txtPrivacyKeepForever: "Tickets are kept until you ask for them to be deleted",
	txtPrivacyMonths:      "%d months",
	txtPrivacyDays:        "%d days",
	txtPrivacyNoLimit:     "no limit",
	btnPrivacyAgree:       "Agree",
	btnPrivacyDecline:     "Decline",
	txtPrivacyUpdate:      "From now on I need your agreement to go on keeping your data. Your existing tickets are still followed up; new tickets need your agreement.",

	txtPrivacyAgreed:           "Thank you for agreeing.",
	txtPrivacyAgreedRegistered: "Thank you for agreeing. Your registration: %s. You can type your question now.",
	toastPrivacyAlready:        "You have already agreed.",
	txtPrivacyAgreedAskAgain:   "You have agreed to your data being kept. Send your question again, or use /ticket &lt;description&gt; to open a ticket for the support staff.",
	txtPrivacyDeclined: "You declined, so I keep nothing about you. You can still ask questions and read the answers. " +
		"To pass a question to the support staff, send /start and choose “Agree”.",
	txtPrivacyDeclinedStored: "You declined: I deleted your registration and the questions you asked me. " +
		"Your existing tickets stay so that the support staff can answer you; to delete them too, use /deletemydata. " +
		"You can still ask questions and read the answers.",

	txtPrivacyTicketNeedsConsent: "To pass your question to the support staff I must open a ticket with your name, Telegram id and question, " +
		"so I need your agreement first. Once you agree, send your question again.",
	txtPrivacyNoneNeedsConsent:  "I found no answer to this question in the knowledge base.",
	txtPrivacyAskerNeedsConsent: "This question can go to the support staff only once the person who asked agrees to their data being kept (/start).",
	txtPrivacyFollowNeedsConsent: "To remind you of deadlines I must keep your Telegram id and the deadlines you follow, so I need your agreement first. " +
		"Once you agree, follow the deadline again.",
	txtPrivacyLangNotKept: "I cannot remember this choice because you have not agreed to your data being kept (/start).",

	txtPrivacyHelp:    "<b>Your data</b>\n/mydata — see the data I keep about you (with a JSON file)\n/deletemydata — delete your data",
	cmdDescMyData:     "See the data kept about you",
	cmdDescDeleteData: "Delete your data",

	txtPrivacySentPrivately: "%s, I answered you in a private message.",
	txtPrivacyAskPrivately:  "Use this command in a private chat with me.",
	txtPrivacyNothing:       "Nothing is stored about you.",

	txtPrivacyDataHead: "<b>The data I keep about you</b>",
	txtPrivacyDataProfile: "Name: %s\nAccount: %s, id %s\nProvince: %s\nCommune: %s\nRole: %s\n" +
		"Language: %s\nRegistered: %s\nConsent: %s",
	txtPrivacyDataNoProfile: "Profile: none (you have not agreed to your data being kept).",
	txtPrivacyLangAuto:      "your app's",
	txtPrivacyNotAgreed:     "not given",
	txtPrivacyAgreedOn:      "%s (notice version %d)",
	txtPrivacyDataTickets:   "<b>Support tickets: %d</b> (%s)",
	txtPrivacyDataNoTickets: "Support tickets: none.",
	txtPrivacyDataNewest:    "The newest %d:",
	txtPrivacyDataFile:      "The attached file %s holds all of it (JSON), each ticket's conversation included. To delete your data: /deletemydata",
	txtPrivacyDataTruncated: "The file holds only the newest %d of your %d tickets (file size limit); ask the support staff for the rest.",

	txtPrivacyDeleteConfirm: "<b>Delete your data?</b>\n" +
		"• Your profile (name, Telegram id, province, commune, role) and every message you sent are erased from every place I keep them.\n" +
		"%s" +
		"• This cannot be undone. If an older backup is ever restored, the erasure is applied again.\n" +
		"Are you sure?",
	txtPrivacyDeleteTickets: "• Your %d support tickets are kept anonymised, with only their states and handling history, for the ministry's records; " +
		"their copies on Slack are replaced by an “erased” notice.\n",
	txtPrivacyDeleteOneTicket: "• Your support ticket is kept anonymised, with only its states and handling history, for the ministry's records; " +
		"its copy on Slack is replaced by an “erased” notice.\n",
	btnPrivacyErase:          "Delete my data",
	btnPrivacyKeep:           "Cancel",
	txtPrivacyErasing:        "Deleting… I will tell you when it is done.",
	txtPrivacyEraseCancelled: "Cancelled: your data was not deleted.",
	txtPrivacyErasePending:   "Your data is being deleted. I will tell you when it is done.",
	txtPrivacyEraseNothing:   "Nothing to delete: nothing is stored about you.",
	txtPrivacyErased:         "Your data has been deleted. Support tickets kept anonymised: %d. If you write to me again, I will ask for your agreement as the first time.",
	txtPrivacyErasedNone:     "Your data has been deleted. If you write to me again, I will ask for your agreement as the first time.",
}
