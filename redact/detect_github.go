package redact

import "strings"

// gitHubTokenDetector finds GitHub tokens by the '_' of ghp_ and
// github_pat_ (gitHubTokenAt).
var gitHubTokenDetector = builtinDetector{
	name:     GitHubToken,
	on:       true,
	partial:  keepPrefix("github_pat_", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
	triggers: []trigger{{hUnderscore, "_", []int{pcPrefix}}},
}

// gitHubTokenAt handles the underscore at i after a prefix letter other
// than k: a GitHub token when it ends gh[pousr]_, then 30 to maxTokenBody
// letters and digits, or is the first of github_pat_, then 40 to
// maxTokenBody letters, digits and underscores; the prefix standing on
// its own.
func gitHubTokenAt(s string, i, lo int) (match, int) {
	if i >= 3 && i-3 >= lo && s[i-3] == 'g' && s[i-2] == 'h' && strings.IndexByte("pousr", s[i-1]) >= 0 && notAlnumAt(s, i-4) {
		e := runEndMax(s, i+1, maxTokenBody, &isAlnum)
		if e-i-1 >= 30 && e-i-1 <= maxTokenBody && notAlnumAt(s, e) && (e >= len(s) || s[e] != '_') {
			return found(dGitHubToken, i-3, e)
		}
	}
	if i >= 6 && i-6 >= lo && s[i-6:i] == "github" && strings.HasPrefix(s[i+1:], "pat_") && notAlnumAt(s, i-7) {
		e := runEndMax(s, i+5, maxTokenBody, &isTokenBody)
		if e-i-5 >= 40 && e-i-5 <= maxTokenBody {
			return found(dGitHubToken, i-6, e)
		}
	}
	return match{}, i + 1
}

// isTokenBody marks the bytes after a token's prefix: letters, digits, '_'.
var isTokenBody = func() (t [256]bool) {
	t = isAlnum
	t['_'] = true
	return t
}()
