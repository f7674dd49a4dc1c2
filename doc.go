// Package logweave is a fast log/slog handler for production services.
//
// It writes one JSON object per line, with the time in UTC at millisecond
// precision, the service's name, and the trace_id, span_id and
// trace_flags of the OpenTelemetry span in the context, so every line can be
// joined to its request across services. Programs keep using *slog.Logger:
//
//	logger := logweave.New(os.Stdout, &logweave.Options{Service: "checkout"})
//	logger.InfoContext(ctx, "order placed", "order_id", id)
//
// The handler does the work of a record in one pass over one pooled buffer:
// attributes added with With are encoded once, when the logger is made, and
// copied per record; the typed slog kinds are encoded without allocating.
// Its output has the meaning of slog.JSONHandler's (same keys, order and
// values), with the time written as 2026-11-21T10:22:33.123Z and the
// service and trace fields added after msg.
//
// The root package is the handler and nothing else: Handler, Options and
// New, the levels (LevelTrace, LevelFatal, ParseLevel), the service and
// trace field names. The stages it runs are small interfaces, Sampler and
// redact.Redactor, so a replacement plugs into the same pass; the stages
// themselves, the output writers and the configuration file live in their
// own packages (sample, redact, async, rotate), and package pipeline
// assembles them all, from code or from a file:
//
//	p, err := pipeline.Production("checkout")
//
// A record goes through one handler in this order: the level check, the
// sampler, the context's trace fields, redaction, encoding into a pooled
// buffer, and one Write to the writer.
package logweave
