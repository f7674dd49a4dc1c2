package redact

// ibanDetector finds IBANs (onDigit, ibanAt). It is triggered by the
// check digits after the country's two capitals.
var ibanDetector = builtinDetector{
	name:     IBAN,
	on:       true,
	partial:  keepEnds(2, 4),
	triggers: []trigger{{hDigit, "0123456789", []int{pcUpper, pcCapitalA}}},
}

// ibanAt checks for an IBAN starting at i with a country code that has
// one: the right length for the country, optionally in groups of four
// separated by single spaces, capital letters and digits only, passing
// MOD 97.
func ibanAt(s string, i int) (int, bool) {
	want := int(ibanLengths[int(s[i]-'A')*26+int(s[i+1]-'A')])
	if want == 0 {
		return 0, false
	}
	k, n := i, 0
	for n < want && k < len(s) {
		ch := s[k]
		if ch == ' ' && n%4 == 0 && n > 0 && k+1 < len(s) && s[k+1] != ' ' {
			k++
			continue
		}
		if !isDigit[ch] && !isUpper[ch] {
			return 0, false
		}
		k++
		n++
	}
	if n != want || !notAlnumAt(s, k) {
		return 0, false
	}
	return k, ibanMod97(s[i:k])
}

// ibanLengths holds the IBAN length of each country that has one (ISO
// 13616 registry), indexed by the two letters of the country code.
var ibanLengths = func() (t [26 * 26]uint8) {
	for _, e := range []struct {
		cc string
		n  uint8
	}{
		{"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
		{"BG", 22}, {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22},
		{"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20},
		{"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22},
		{"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
		{"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30},
		{"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21},
		{"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20}, {"MR", 27},
		{"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
		{"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33},
		{"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
		{"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29},
		{"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
	} {
		t[int(e.cc[0]-'A')*26+int(e.cc[1]-'A')] = e.n
	}
	return t
}()

// ibanMod97 reports whether the IBAN characters in s (spaces skipped) pass
// the ISO 7064 MOD 97-10 check: the first four characters moved to the end,
// letters read as 10..35, the number taken modulo 97 must be 1.
func ibanMod97(s string) bool {
	rem, n := 0, 0
	add := func(c byte) {
		if isDigit[c] {
			rem = (rem*10 + int(c-'0')) % 97
		} else {
			rem = (rem*100 + int(c-'A'+10)) % 97
		}
	}
	var head [4]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			continue
		}
		if n < 4 {
			head[n] = c
		} else {
			add(c)
		}
		n++
	}
	for _, c := range head {
		add(c)
	}
	return rem == 1
}
