module github.com/logweave/logweave/examples/websocket

go 1.26.0

require (
	github.com/coder/websocket v1.8.15
	github.com/logweave/logweave v0.1.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	go.opentelemetry.io/otel v1.47.0 // indirect
	go.opentelemetry.io/otel/trace v1.47.0 // indirect
)

replace github.com/logweave/logweave => ../..
