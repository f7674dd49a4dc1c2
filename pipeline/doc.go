// Package pipeline assembles logweave's stages into one logger, in code or
// from a configuration file: the handler, redaction, sampling, the async
// writer and the rotated file, with the production defaults in between.
//
//	p, err := pipeline.Production("checkout")
//	if err != nil { ... }
//	defer p.Close(context.Background())
//	slog.SetDefault(p.Logger)
//
// The root package is the slog handler alone; this package is what
// imports every stage, so a program that only wants the handler does not.
// Each stage owns its part of the file (rotate.Config, async.Config,
// sample.Config, redact.Config); Config puts them together and adds the
// handler's settings. Level, sampling and redaction can be changed while
// the program runs (Pipeline.Reload, Pipeline.ReloadOnSIGHUP); the rest
// takes a restart, and Reload names each such setting a new file changes.
package pipeline
