package redact

// awsKeyDetector finds AWS access key ids by the K or S of AKIA and ASIA
// (awsKeyAt).
var awsKeyDetector = builtinDetector{
	name:     AWSKey,
	on:       true,
	partial:  keepPrefix("AKIA", "ASIA"),
	triggers: []trigger{{hAKIA, "KS", []int{pcCapitalA}}},
}

// awsKeyAt handles the capital A at i before a K or S: an AWS access key
// id when AKIA or ASIA and 16 capitals or digits stand there on their own.
func awsKeyAt(s string, i int) (match, int) {
	if i > 0 && isAlnum[s[i-1]] || i+4 > len(s) {
		return match{}, i + 1
	}
	if p := s[i+1 : i+4]; p == "KIA" || p == "SIA" {
		e := i + 4
		for e < len(s) && e < i+20 && (isUpper[s[e]] || isDigit[s[e]]) {
			e++
		}
		if e == i+20 && notAlnumAt(s, e) {
			return found(dAWSKey, i, e)
		}
	}
	return match{}, i + 1
}
