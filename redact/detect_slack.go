package redact

import "strings"

// slackTokenDetector finds Slack tokens by the dash of xoxb-
// (slackTokenAt).
var slackTokenDetector = builtinDetector{
	name:     SlackToken,
	on:       true,
	partial:  keepPrefix("xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-"),
	triggers: []trigger{{hSlackDash, "-", []int{pcPrefix}}},
}

// slackTokenAt handles the dash at i after a prefix letter: a Slack token
// when it ends xox[abposr]-, standing on its own, and 10 to maxTokenBody
// bytes follow.
func slackTokenAt(s string, i, lo int) (match, int) {
	if i >= 4 && i-4 >= lo && s[i-4:i-1] == "xox" && strings.IndexByte("abposr", s[i-1]) >= 0 && notAlnumAt(s, i-5) {
		e := runEndMax(s, i+1, maxTokenBody, &isHostLabel)
		if e-i-1 >= 10 && e-i-1 <= maxTokenBody {
			return found(dSlackToken, i-4, e)
		}
	}
	return match{}, i + 1
}
