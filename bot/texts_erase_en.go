package bot

// textsEraseEN: the texts of erasure in English (see texts_erase.go).
var textsEraseEN = map[textKey]string{
	ersCardErased:    "<i>The content was erased at the officer's request (Law 91/2025/QH15).</i>",
	ersCardExpired:   "<i>The content was erased when its retention period ended (Law 91/2025/QH15).</i>",
	ersCardGone:      "<i>The content was erased (Law 91/2025/QH15).</i>",
	ersRelayErased:   "<i>The officer's message was erased (Law 91/2025/QH15).</i>",
	ersDraftQuestion: "(The question was erased under Law 91/2025/QH15.)",
}
