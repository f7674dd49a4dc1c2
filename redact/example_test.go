package redact_test

import (
	"encoding/json"
	"fmt"

	"github.com/logweave/logweave/redact"
)

// The default policy masks what its detectors find in free text and the
// values of sensitive keys, and leaves ids and times alone.
func Example() {
	p := redact.Default()

	out, _ := p.String("login failed for alice@example.com from +8613812345678, trace 4bf92f3577b34da6a3ce929d0e0e4736")
	fmt.Println(out)

	_, changed := p.String("GET /api/v1/orders/550e8400-e29b-41d4-a716-446655440000 at 2026-11-21T10:00:00Z")
	fmt.Println(changed)

	fmt.Println(p.Key("db_password"), p.Key("max_tokens"), p.Key("trace_id"))
	// Output:
	// login failed for [REDACTED] from [REDACTED], trace 4bf92f3577b34da6a3ce929d0e0e4736
	// false
	// mask scan keep
}

// Partial masks keep what identifies a value without exposing it; the
// HMAC style follows one user through the logs under a pseudonym.
func ExampleNew() {
	p, err := redact.New(redact.Config{
		HMACKey: "a secret of at least 16 bytes, from a secret store",
		Styles: map[string]redact.Style{
			redact.Phone: redact.Partial,
			redact.Card:  redact.Partial,
			redact.Email: redact.HMAC,
		},
	})
	if err != nil {
		panic(err)
	}
	out, _ := p.String("paid with 4242 4242 4242 4242, sms to 13812345678")
	fmt.Println(out)

	a, _ := p.String("alice@example.com")
	b, _ := p.String("signup alice@example.com")
	fmt.Println(len(a), b == "signup "+a)
	// Output:
	// paid with **** **** **** 4242, sms to 138****5678
	// 21 true
}

// Struct tags say how each field is logged; the copy encodes like the
// original, with the same names and order.
func ExamplePolicy_Any() {
	type User struct {
		ID       int    `json:"id"`
		Email    string `json:"email"`
		Phone    string `json:"phone" log:"mask=phone"`
		Password string `json:"password"`
		Notes    string `json:"notes" log:"-"`
	}
	p := redact.Default()
	out, _ := p.Any(User{ID: 7, Email: "bob@example.com", Phone: "13812345678", Password: "hunter2", Notes: "private"})
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	// Output:
	// {"id":7,"email":"[REDACTED]","phone":"138****5678","password":"[REDACTED]"}
}
