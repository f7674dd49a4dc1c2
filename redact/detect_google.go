package redact

// googleAPIKeyDetector finds Google API keys by the I of AIza
// (googleAPIKeyAt).
var googleAPIKeyDetector = builtinDetector{
	name:     GoogleAPIKey,
	on:       true,
	partial:  keepPrefix("AIza"),
	triggers: []trigger{{hAIza, "I", []int{pcCapitalA}}},
}

// googleAPIKeyAt handles the capital A at i before an I: a Google API key
// when AIza and 35 base64url characters stand there, not glued to a
// letter or digit before.
func googleAPIKeyAt(s string, i int) (match, int) {
	if i > 0 && isAlnum[s[i-1]] || i+4 > len(s) {
		return match{}, i + 1
	}
	if s[i+1:i+4] == "Iza" {
		e := runEndMax(s, i+4, 35, &isB64URL)
		if e-i == 39 {
			return found(dGoogleAPIKey, i, e)
		}
	}
	return match{}, i + 1
}
