// Package bench holds benchmarks only: it compares logweave with other
// log/slog JSON handlers and, for reference, with native structured loggers.
//
// It is a separate module so that the root module's go.mod does not pick up
// zap, zerolog and phuslu/log as dependencies just to be measured against.
// Run ./run.sh for a benchstat table with one column per handler.
package bench
