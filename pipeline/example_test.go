package pipeline_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/logweave/logweave/pipeline"
)

// A pipeline from a configuration file's contents, and a reload that
// changes the level (applied at once) and the output (which takes a
// restart).
func Example() {
	c, err := pipeline.Parse([]byte(`{"service": "checkout", "output": {"path": "stderr", "async": null}, "sampling_report": "-1s"}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := c.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close(context.Background())
	p.Logger.Info("written to stderr as JSON")

	next := c
	next.Level = "DEBUG"
	next.Output.Path = "stdout"
	changes, err := p.Reload(next)
	fmt.Println("applied:", changes.Applied, "restart:", changes.Restart, errors.Is(err, pipeline.ErrRestartRequired))
	// Output: applied: [level] restart: [output.path] true
}
