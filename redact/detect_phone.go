package redact

// phoneDetector finds E.164 numbers (onPlus) and mainland China mobile
// numbers (onDigit, chinaMobileAt).
var phoneDetector = builtinDetector{
	name:     Phone,
	on:       true,
	partial:  keepEnds(3, 4),
	triggers: []trigger{numberStart, {hPlus, "+", afterAny}},
}

// onPlus handles an E.164 number: '+', a country code not starting with
// 0, and 10–15 digits in all, written together or in groups separated by
// single spaces or dashes.
func (c *compiled) onPlus(s string, i int) (match, int) {
	if i > 0 && (isAlnum[s[i-1]] || s[i-1] == '+') {
		return match{}, i + 1
	}
	k := i + 1
	if k >= len(s) || s[k] < '1' || s[k] > '9' {
		return match{}, i + 1
	}
	digits := 0
	for {
		e := runEnd(s, k, &isDigit)
		digits += e - k
		k = e
		if digits > 15 {
			return match{}, k
		}
		if k+1 < len(s) && (s[k] == ' ' || s[k] == '-') && isDigit[s[k+1]] {
			k++
			continue
		}
		break
	}
	if digits < 10 || !numberEndsAt(s, k) {
		return match{}, k
	}
	return found(dPhone, i, k)
}

// chinaMobileAt reports whether the run of 11 digits [i, j), which stands
// on its own on the left, is a mainland China mobile number: 1[3-9] and
// nine digits, standing on its own on the right too.
func chinaMobileAt(s string, i, j int) bool {
	return s[i] == '1' && s[i+1] >= '3' && numberEndsAt(s, j)
}
