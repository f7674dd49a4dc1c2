package units_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/logweave/logweave/units"
)

func Example() {
	var file struct {
		MaxSize units.Size     `json:"max_size"`
		MaxAge  units.Duration `json:"max_age"`
	}
	if err := json.Unmarshal([]byte(`{"max_size": "100MiB", "max_age": "168h"}`), &file); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(int64(file.MaxSize), time.Duration(file.MaxAge))
	// Output: 104857600 168h0m0s
}
