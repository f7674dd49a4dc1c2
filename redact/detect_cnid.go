package redact

// cnIDDetector finds mainland China resident identity numbers (onDigit,
// validCNID).
var cnIDDetector = builtinDetector{
	name:     CNID,
	on:       true,
	partial:  keepEnds(3, 4),
	triggers: []trigger{numberStart},
}

// cnProvinces marks the two-digit province codes that start a mainland
// China resident identity number (GB/T 2260).
var cnProvinces = func() (t [100]bool) {
	for _, p := range []int{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
		41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91} {
		t[p] = true
	}
	return t
}()

// validCNID reports whether s, 17 digits and a check character (a digit
// or X), is a plausible resident identity number: a known province, a
// real birth date between 1900 and 2099, and the ISO 7064 MOD 11-2 check
// character.
func validCNID(s string) bool {
	if len(s) != 18 {
		return false
	}
	for i := 0; i < 17; i++ {
		if !isDigit[s[i]] {
			return false
		}
	}
	if !cnProvinces[num(s[0:2])] {
		return false
	}
	year, month, day := num(s[6:10]), num(s[10:12]), num(s[12:14])
	if year < 1900 || year > 2099 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(s[i]-'0') * w
	}
	want := "10X98765432"[sum%11]
	got := s[17]
	if got == 'x' {
		got = 'X'
	}
	return got == want
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
