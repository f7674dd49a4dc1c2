package redact

// cardDetector finds payment card numbers (onDigit, cardAt).
var cardDetector = builtinDetector{
	name:     Card,
	on:       true,
	partial:  keepEnds(0, 4),
	triggers: []trigger{numberStart},
}

// cardAt checks for a payment card number starting at i, whose first run
// of digits ends at j: 13–19 digits, contiguous or in groups separated by
// single spaces or dashes (a first group of four, then groups of three to
// six, one separator throughout), with the prefix and length of a card
// network (cardNetwork) and passing the Luhn check.
func cardAt(s string, i, j int) (int, bool) {
	if s[i] < '2' || s[i] > '6' {
		return 0, false
	}
	end, digits := j, j-i
	if digits == 4 {
		sep := s[j]
		if i >= 2 && s[i-1] == sep && isDigit[s[i-2]] {
			return 0, false // the tail of a longer grouped number, not a card
		}
		for end < len(s) && s[end] == sep {
			g := runEndMax(s, end+1, 6, &isDigit)
			if g-end-1 < 3 || g-end-1 > 6 {
				break
			}
			digits += g - end - 1
			end = g
			if digits > 19 {
				return 0, false
			}
		}
	}
	if digits < 13 || digits > 19 || !numberEndsAt(s, end) {
		return 0, false
	}
	if end < len(s)-1 && (s[end] == ' ' || s[end] == '-') && isDigit[s[end+1]] && end != j {
		return 0, false // a longer grouped number, not a card
	}
	return end, cardNetwork(s[i:end], digits) && luhn(s[i:end])
}

// cardNetwork reports whether a number of n digits, s (separators
// included), has the prefix and a length of a card network's numbers:
// Visa, Mastercard (51–55 and 2221–2720), American Express, Discover,
// JCB, UnionPay, Diners Club, Maestro. The prefixes leave out most ids,
// counters and timestamps (which start with 1) and date-based order
// numbers (20xx is below Mastercard's 2221).
func cardNetwork(s string, n int) bool {
	p4, k := 0, 0
	for i := 0; i < len(s) && k < 4; i++ {
		if isDigit[s[i]] {
			p4 = p4*10 + int(s[i]-'0')
			k++
		}
	}
	p1, p2, p3 := p4/1000, p4/100, p4/10
	switch {
	case p1 == 4: // Visa
		return n == 13 || n == 16 || n == 19
	case p2 >= 51 && p2 <= 55 || p4 >= 2221 && p4 <= 2720: // Mastercard
		return n == 16
	case p2 == 34 || p2 == 37: // American Express
		return n == 15
	case p4 == 6011 || p3 >= 644 && p3 <= 649 || p2 == 65, // Discover
		p4 >= 3528 && p4 <= 3589, // JCB
		p2 == 62:                 // UnionPay
		return n >= 16
	case p2 == 36 || p2 == 38 || p2 == 39 || p3 >= 300 && p3 <= 305: // Diners Club
		return n >= 14
	case p2 == 50 || p2 >= 56 && p2 <= 69: // Maestro
		return true
	}
	return false
}

// luhn reports whether the digits of s (other bytes are skipped) pass the
// Luhn check used by payment card numbers.
func luhn(s string) bool {
	sum, double := 0, false
	for i := len(s) - 1; i >= 0; i-- {
		c := s[i]
		if !isDigit[c] {
			continue
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}
