package redact

// bearerDetector finds the credentials of "Bearer ..." and "Basic ..." by
// the B that starts a word (onB).
var bearerDetector = builtinDetector{
	name:     Bearer,
	on:       true,
	partial:  fullOnly,
	triggers: []trigger{{hB, "Bb", afterWordStart}},
}

// onB handles "Bearer <token>" and "Basic <credentials>", the schemes of
// an Authorization header, in any case: the credential is the match.
func (c *compiled) onB(s string, i int) (match, int) {
	if i > 0 && isAlnum[s[i-1]] {
		return match{}, i + 1
	}
	var basic bool
	switch {
	case hasPrefixFold(s[i:], "bearer "):
		i += len("bearer ")
	case hasPrefixFold(s[i:], "basic "):
		i += len("basic ")
		basic = true
	default:
		return match{}, i + 1
	}
	for n := 0; i < len(s) && s[i] == ' ' && n < 3; n++ {
		i++
	}
	e := runEnd(s, i, &isToken68)
	for e < len(s) && s[e] == '=' {
		e++
	}
	cred := s[i:e]
	if basic && len(cred) >= 4 && basicCredentials(cred) || !basic && bearerLike(cred) {
		return found(dBearer, i, e)
	}
	return match{}, i
}

// isToken68 marks the bytes of an HTTP token68 credential (RFC 9110),
// '=' padding aside.
var isToken68 = func() (t [256]bool) {
	t = isAlnum
	for _, c := range "-._~+/" {
		t[c] = true
	}
	return t
}()

// bearerLike tells a token after "Bearer" from an English word after
// "bearer" in a sentence: at least 8 bytes, and a digit, a punctuation
// byte of token68, or a capital letter after the first byte.
func bearerLike(cred string) bool {
	if len(cred) < 8 {
		return false
	}
	for i := 0; i < len(cred); i++ {
		ch := cred[i]
		if isDigit[ch] || !isAlnum[ch] || i > 0 && isUpper[ch] {
			return true
		}
	}
	return false
}

// basicCredentials reports whether s, the credential of a Basic
// authorization, is standard base64 of printable text holding the ':'
// between user and password. It decodes as it reads, without a buffer.
func basicCredentials(s string) bool {
	bits, nbits, colon := 0, 0, false
	i := 0
	for ; i < len(s) && s[i] != '='; i++ {
		c := s[i]
		if c == '-' || c == '_' {
			return false // base64url, not the standard alphabet
		}
		v := b64Value[c]
		if v == b64Invalid {
			return false
		}
		bits = bits<<6 | int(v)
		nbits += 6
		if nbits >= 8 {
			nbits -= 8
			b := byte(bits >> nbits)
			bits &= 1<<nbits - 1
			if b < 0x20 || b == 0x7f {
				return false
			}
			colon = colon || b == ':'
		}
	}
	for ; i < len(s); i++ {
		if s[i] != '=' {
			return false
		}
	}
	return colon
}
