module github.com/logweave/logweave/bench

go 1.26.0

require (
	github.com/go-chi/chi/v5 v5.1.0
	github.com/go-chi/httplog/v3 v3.3.0
	github.com/logweave/logweave v0.0.0
	github.com/phuslu/log v1.0.121
	github.com/rs/zerolog v1.35.1
	github.com/samber/slog-chi v1.11.1
	go.opentelemetry.io/otel/trace v1.47.0
	go.uber.org/zap v1.28.0
	go.uber.org/zap/exp v0.3.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/mattn/go-colorable v0.1.14 // indirect
	github.com/mattn/go-isatty v0.0.20 // indirect
	go.opentelemetry.io/otel v1.47.0 // indirect
	go.uber.org/multierr v1.10.0 // indirect
	golang.org/x/sys v0.29.0 // indirect
)

replace github.com/logweave/logweave => ../
