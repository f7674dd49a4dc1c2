package access

// What the tests in package access_test reach of the package's own. They
// are outside it so that they can mask with httplog's default keys.
var (
	MaskQuery = maskQuery
	MaskBody  = maskBody
)

const MaxDecodedValue = maxDecodedValue

// SensitiveQuery returns the compiled set of sensitive query keys.
func (c *Config) SensitiveQuery() map[string]bool { return c.sensitiveQuery }
