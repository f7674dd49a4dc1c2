package redact

import "strings"

// stripeKeyDetector finds Stripe secret keys by the first '_' of sk_live_
// (stripeKeyAt).
var stripeKeyDetector = builtinDetector{
	name:     StripeKey,
	on:       true,
	partial:  keepPrefix("sk_live_", "rk_live_", "sk_test_", "rk_test_"),
	triggers: []trigger{{hUnderscore, "_", []int{pcPrefix}}},
}

// stripeKeyAt handles the underscore at i after a k: a Stripe secret key
// when it is the first of the key's prefix, [sr]k_live_ or [sr]k_test_,
// standing on its own, and 16 to maxTokenBody letters and digits follow
// the prefix.
func stripeKeyAt(s string, i, lo int) (match, int) {
	if i >= 2 && i-2 >= lo && (s[i-2] == 's' || s[i-2] == 'r') && s[i-1] == 'k' && notAlnumAt(s, i-3) &&
		(strings.HasPrefix(s[i+1:], "live_") || strings.HasPrefix(s[i+1:], "test_")) {
		e := runEndMax(s, i+6, maxTokenBody, &isAlnum)
		if e-i-6 >= 16 && e-i-6 <= maxTokenBody && notAlnumAt(s, e) {
			return found(dStripeKey, i-2, e)
		}
	}
	return match{}, i + 1
}
