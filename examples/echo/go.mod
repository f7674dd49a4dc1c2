module github.com/logweave/logweave/examples/echo

go 1.26.0

replace (
	github.com/logweave/logweave => ../..
	github.com/logweave/logweave/contrib/echo => ../../contrib/echo
)

require (
	github.com/labstack/echo/v4 v4.16.0
	github.com/logweave/logweave v0.1.0
	github.com/logweave/logweave/contrib/echo v0.1.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/labstack/gommon v0.5.0 // indirect
	github.com/mattn/go-colorable v0.1.15 // indirect
	github.com/mattn/go-isatty v0.0.22 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
	github.com/valyala/fasttemplate v1.2.2 // indirect
	go.opentelemetry.io/otel v1.47.0 // indirect
	go.opentelemetry.io/otel/trace v1.47.0 // indirect
	golang.org/x/crypto v0.53.0 // indirect
	golang.org/x/net v0.56.0 // indirect
	golang.org/x/sys v0.46.0 // indirect
	golang.org/x/text v0.40.0 // indirect
)
