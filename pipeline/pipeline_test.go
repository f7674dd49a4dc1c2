package pipeline_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/logweave/logweave"
	"github.com/logweave/logweave/async"
	"github.com/logweave/logweave/internal/logtest"
	"github.com/logweave/logweave/pipeline"
	"github.com/logweave/logweave/pretty"
	"github.com/logweave/logweave/redact"
	"github.com/logweave/logweave/rotate"
	"github.com/logweave/logweave/sample"
	"github.com/logweave/logweave/stats"
	"github.com/logweave/logweave/tracectx"
)

func TestParseConfigOverDefaults(t *testing.T) {
	c, err := pipeline.Parse([]byte(`{
		"service": "checkout",
		"level": "debug",
		"output": {"path": "/tmp/x.log", "rotate": {"max_size": "10MiB", "max_age": "24h", "compress_cpu": 0.2}},
		"sampling": {"level_rates": {"DEBUG": 0.5}}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Durations != logweave.DurationNanoseconds {
		t.Errorf("durations default %v, want slog's nanoseconds", c.Durations)
	}
	def := pipeline.ProductionConfig("")
	if c.Service != "checkout" || c.Level != "debug" || c.Output.Rotate.MaxSize != 10<<20 ||
		time.Duration(c.Output.Rotate.MaxAge) != 24*time.Hour || c.Output.Rotate.CompressCPU != 0.2 {
		t.Errorf("file's fields not read: %+v", c)
	}
	// Left out of the file: the production defaults.
	if c.Output.Async == nil || c.Sampling.Burst != def.Sampling.Burst || *c.Sampling.KeepLevel != slog.LevelWarn {
		t.Errorf("defaults lost: async %v, sampling %+v", c.Output.Async, c.Sampling)
	}
	if c.Sampling.LevelRates[slog.LevelDebug] != 0.5 {
		t.Errorf("level_rates = %v", c.Sampling.LevelRates)
	}
	// null turns a default stage off.
	c, err = pipeline.Parse([]byte(`{"output": {"async": null}, "sampling": null}`))
	if err != nil || c.Output.Async != nil || c.Sampling != nil {
		t.Errorf("null: %+v, %v", c, err)
	}
}

// TestREADMEConfig: the configuration file the README shows loads and
// builds (with its log file moved to a temporary directory).
func TestREADMEConfig(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(readme), "```json\n{\n  \"service\": \"orders\"")
	file, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("README: no configuration example (```json with \"service\": \"orders\")")
	}
	c, err := pipeline.Parse([]byte(`{"service": "orders"` + file))
	if err != nil {
		t.Fatalf("README's configuration: %v", err)
	}
	if c.Durations != logweave.DurationNanoseconds || c.Output.Rotate == nil || c.Output.Rotate.CompressCPU != 0.05 || c.Output.Async == nil || c.Sampling == nil || c.Redact == nil {
		t.Fatalf("README's configuration not read whole: %+v", c)
	}
	c.Output.Path = filepath.Join(t.TempDir(), "app.log")
	p, err := c.Build()
	if err != nil {
		t.Fatalf("README's configuration: %v", err)
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestParseConfigErrors(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{`{"levle": "INFO"}`, `unknown field "levle"`},
		{"{\n\"level\": \"INFO\",\n}", "line 3"},
		{`{"level": "LOUD"}`, `level "LOUD"`},
		{`{"output": {"rotate": {"max_size": "10 parsecs"}}}`, "unknown unit"},
		{`{"output": {"rotate": {"max_size": -1}}}`, "size -1"},
		{`{"sampling_report": 10}`, "duration"},
		{`{} {}`, "more than one JSON value"},
		{`{"durations": "fortnights"}`, `durations "fortnights"`},
	} {
		_, err := pipeline.Parse([]byte(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one with %q", tc.file, err, tc.want)
		}
	}
	// Errors that only rotate.Open sees come from Build.
	c, err := pipeline.Parse([]byte(`{"output": {"path": "` + filepath.Join(t.TempDir(), "app.log") + `", "rotate": {"compress_cpu": -1}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if p, err := c.Build(); err == nil || !strings.Contains(err.Error(), "CompressCPU -1: want a share") {
		if err == nil {
			p.Close(context.Background())
		}
		t.Errorf("compress_cpu -1: Build error %v, want CompressCPU's", err)
	}
	if _, err := pipeline.Load(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("LoadConfig of a missing file: no error")
	}
}

// readLines decodes every JSON line of the file at path.
func readLines(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	return lines
}

// TestPipelineToFile: the whole pipeline from a configuration, writing an
// async, rotated file: redaction, sampling with its summary line, counters
// from every stage, and nothing buffered lost at Close.
func TestPipelineToFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "logs", "app.log")
	c := pipeline.ProductionConfig("svc")
	c.Output.Path = path
	c.Output.Rotate = &rotate.Config{MaxSize: 1 << 20}
	c.SamplingReport = -1 // the summary is written at Close
	p, err := c.Build()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		p.Logger.Info("tick", "i", i, "password", "hunter2")
	}
	p.Logger.Error("failed", "card", "4242 4242 4242 4242")
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}
	lines := readLines(t, path)
	ticks, errorsSeen := 0, 0
	for _, l := range lines {
		switch l["msg"] {
		case "tick":
			ticks++
			if l["password"] != "[REDACTED]" {
				t.Errorf("password not masked: %v", l)
			}
		case "failed":
			errorsSeen++
			if strings.Contains(l["card"].(string), "4242 4242 4242 4242") {
				t.Errorf("card number in the clear: %v", l)
			}
		}
	}
	// Burst: the first 100 of the second, then one in 100 at random (the
	// sampler's own count of what it dropped is checked exactly below).
	if ticks < 100 || ticks > 130 || errorsSeen != 1 {
		t.Errorf("%d ticks and %d errors written, want 100 to 130 and 1", ticks, errorsSeen)
	}
	srcs := p.Sources()
	for _, name := range []string{"handler", "sampler", "redact", "async", "file"} {
		if srcs[name] == nil {
			t.Errorf("no %s among the sources", name)
		}
	}
	var written uint64
	for _, ct := range srcs["async"].AppendCounters(nil) {
		if ct.Name == stats.DroppedTotal && ct.Count != 0 {
			t.Errorf("async dropped %d (%s)", ct.Count, ct.Value)
		}
	}
	for _, ct := range srcs["handler"].AppendCounters(nil) {
		if ct.Name == stats.RecordsTotal {
			written += ct.Count
		}
	}
	if int(written) != len(lines) {
		t.Errorf("handler counted %d records, the file has %d lines", written, len(lines))
	}
	if st := p.Sampler.Stats(); int(st.Dropped()) != 300-ticks {
		t.Errorf("sampler dropped %d, want %d", st.Dropped(), 300-ticks)
	}
	if leaked := logtest.Leaked(time.Second, "logweave/async.", "logweave/rotate.", "logweave/sample."); len(leaked) > 0 {
		t.Errorf("goroutines left after Close:\n%s", strings.Join(leaked, "\n\n"))
	}
}

// TestPipelineReload: level, sampling and redaction change while the
// pipeline runs; a configuration with an error changes nothing.
func TestPipelineReload(t *testing.T) {
	c := pipeline.ProductionConfig("svc")
	c.Output.Path = filepath.Join(t.TempDir(), "app.log")
	c.Output.Async = nil
	c.SamplingReport = -1
	p := mustBuild(t, c)
	ctx := context.Background()
	if p.Logger.Enabled(ctx, slog.LevelDebug) {
		t.Fatal("DEBUG enabled at INFO")
	}
	bad := c
	bad.Level = "LOUD"
	if _, err := p.Reload(bad); err == nil {
		t.Error("Reload with a bad level: no error")
	}
	next := c
	next.Level = "DEBUG"
	next.Redact = nil
	next.Sampling = nil
	if _, err := p.Reload(next); err != nil {
		t.Fatal(err)
	}
	if !p.Logger.Enabled(ctx, slog.LevelDebug) {
		t.Error("Reload did not lower the level")
	}
	for range 300 {
		p.Logger.Debug("tick")
	}
	if st := p.Sampler.Stats(); st.Dropped() != 0 {
		t.Errorf("sampling off after Reload, yet %d dropped", st.Dropped())
	}
}

// TestPipelineReloadNamesRestartSettings: a configuration that changes
// settings Reload cannot apply is reloaded for the rest, and the error
// names each such setting; the same configuration again reports nothing.
func TestPipelineReloadNamesRestartSettings(t *testing.T) {
	c := pipeline.ProductionConfig("svc")
	c.Output.Path = filepath.Join(t.TempDir(), "app.log")
	c.SamplingReport = -1
	p := mustBuild(t, c)

	same := c
	same.Level = "WARN"
	if _, err := p.Reload(same); err != nil {
		t.Fatalf("Reload of the reloadable settings alone: %v", err)
	}
	next := c
	next.Level = "DEBUG"
	next.Service = "other"
	next.Output.Path = "stdout"
	next.Output.Rotate = &rotate.Config{MaxSize: 1 << 20}
	next.Output.Async = nil
	next.NoRedaction = true
	_, err := p.Reload(next)
	if !errors.Is(err, pipeline.ErrRestartRequired) {
		t.Fatalf("Reload with a new output: %v, want ErrRestartRequired", err)
	}
	for _, setting := range []string{"service", "output.path", "output.rotate", "output.async", "no_redaction"} {
		if !strings.Contains(err.Error(), setting) {
			t.Errorf("error %q does not name %s", err, setting)
		}
	}
	_, list, _ := strings.Cut(err.Error(), "restart: ")
	list, _, _ = strings.Cut(list, " changed")
	if want := "no_redaction, output.async, output.path, output.rotate, service"; list != want {
		t.Errorf("settings named: %q, want %q", list, want)
	}
	if !p.Logger.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("the level was not reloaded beside the settings that take a restart")
	}

	rot := c
	rot.Output.Rotate = &rotate.Config{MaxSize: 1 << 20, MaxBackups: 3}
	if _, err := p.Reload(rot); err == nil || !strings.Contains(err.Error(), "output.rotate") {
		t.Errorf("rotation added: %v, want output.rotate named", err)
	}
	c2 := c
	c2.Output.Rotate = &rotate.Config{MaxSize: 1 << 20}
	p2, err := c2.Build()
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close(context.Background())
	if _, err := p2.Reload(rot); err == nil || !strings.Contains(err.Error(), "output.rotate.max_backups") || strings.Contains(err.Error(), "max_size") {
		t.Errorf("one rotation field changed: %v, want output.rotate.max_backups alone", err)
	}
}

// TestPipelineReloadOnSIGHUP: a SIGHUP reopens the file (moved away by a
// log rotator) and reloads the configuration file.
func TestPipelineReloadOnSIGHUP(t *testing.T) {
	dir := t.TempDir()
	logPath, confPath := filepath.Join(dir, "app.log"), filepath.Join(dir, "conf.json")
	write := func(conf string) {
		if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(`{"service": "svc", "level": "INFO", "output": {"path": "` + logPath + `", "async": null}, "sampling_report": "-1s"}`)
	c, err := pipeline.Load(confPath)
	if err != nil {
		t.Fatal(err)
	}
	p := mustBuild(t, c)
	errs := make(chan error, 4)
	stop := p.ReloadOnSIGHUP(confPath, func(_ pipeline.Changes, err error) {
		if err != nil {
			errs <- err
		}
	})
	defer stop()

	p.Logger.Info("before")
	if err := os.Rename(logPath, logPath+".1"); err != nil {
		t.Fatal(err)
	}
	write(`{"service": "svc", "level": "DEBUG", "output": {"path": "` + logPath + `", "async": null}, "sampling_report": "-1s"}`)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !p.Logger.Enabled(context.Background(), slog.LevelDebug) {
		if time.Now().After(deadline) {
			t.Fatal("level not reloaded 5s after SIGHUP")
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.Logger.Debug("after")
	if l := readLines(t, logPath+".1"); len(l) != 1 || l[0]["msg"] != "before" {
		t.Errorf("moved file: %v", l)
	}
	if l := readLines(t, logPath); len(l) != 1 || l[0]["msg"] != "after" {
		t.Errorf("reopened file: %v", l)
	}

	write(`{"level": "LOUD"}`) // refused: the level stays
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), "LOUD") {
			t.Errorf("error %v, want one naming the bad level", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no error reported for a bad configuration")
	}
	if !p.Logger.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("a bad configuration changed the level")
	}
}

func TestProductionToStdout(t *testing.T) {
	p, err := pipeline.Production("svc")
	if err != nil {
		t.Fatal(err)
	}
	if p.Async == nil || p.Redact == nil || p.File != nil || p.Handler == nil {
		t.Errorf("production pipeline: %+v", p)
	}
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestPipelineDropReportNamesTheService: the async writer's drop reports
// are lines of the service like the others.
func TestPipelineDropReportNamesTheService(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	c := pipeline.ProductionConfig("svc")
	c.Output.Path = path
	c.Output.Async = &async.Config{BufferSize: 8 << 10, BatchSize: 4 << 10}
	c.Sampling = nil
	c.SamplingReport = -1
	p, err := c.Build()
	if err != nil {
		t.Fatal(err)
	}
	big := strings.Repeat("x", 3000)
	for range 200 { // far more than 8 KiB at once: some are dropped
		p.Logger.Info("flood", "pad", big)
	}
	p.Logger.Info("after") // the report goes out with a later batch
	if err := p.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := p.Async.Stats()
	if st.DroppedBufferFull == 0 {
		t.Fatal("nothing dropped: 600 KB through an 8 KiB buffer at once should overflow it")
	}
	var report map[string]any
	for _, l := range readLines(t, path) {
		if m, _ := l["msg"].(string); strings.HasPrefix(m, "async: dropped") {
			report = l
		}
	}
	if report == nil || report["service.name"] != "svc" || report["reason"] != "buffer_full" || report["level"] != "WARN" {
		t.Errorf("drop report %v (dropped %d)", report, st.DroppedBufferFull)
	}
}

// TestReloadChanges: Reload says which reloadable settings changed since
// the last reload, and LogReload writes it as one line at the level it
// deserves, even above the pipeline's level.
func TestReloadChanges(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	c := pipeline.ProductionConfig("svc")
	c.Output.Path = path
	c.Output.Async = nil
	c.SamplingReport = -1
	p := mustBuild(t, c)

	next := c
	next.Level = "ERROR"
	next.Redact = &redact.Config{Keys: []string{"pin"}}
	next.Sampling = &sample.Config{LevelRates: map[slog.Level]float64{slog.LevelDebug: 0.5}}
	ch, err := p.Reload(next)
	if err != nil {
		t.Fatal(err)
	}
	if want := "[level redact sampling.burst sampling.keep_level sampling.level_rates]"; fmt.Sprint(ch.Applied) != want || ch.Restart != nil {
		t.Errorf("changes %+v, want applied %s and no restart", ch, want)
	}
	p.LogReload("conf.json", ch, err)
	ch, err = p.Reload(next) // the same again: nothing changed
	if err != nil || ch.Applied != nil || ch.Restart != nil {
		t.Errorf("same configuration again: %+v, %v", ch, err)
	}
	moved := next
	moved.Output.Path = path + ".2"
	ch, err = p.Reload(moved)
	p.LogReload("conf.json", ch, err)
	p.LogReload("conf.json", pipeline.Changes{}, errors.New("line 3: invalid character"))

	lines := readLines(t, path)
	if len(lines) != 3 {
		t.Fatalf("%d lines, want 3 (all above the ERROR level or not): %v", len(lines), lines)
	}
	for i, want := range []struct{ level, msg, applied, restart string }{
		{"INFO", "configuration reloaded", "[level redact sampling.burst sampling.keep_level sampling.level_rates]", "<nil>"},
		{"WARN", "configuration reloaded", "[]", "[output.path]"},
		{"ERROR", "configuration not reloaded", "<nil>", "<nil>"},
	} {
		l := lines[i]
		if l["level"] != want.level || l["msg"] != want.msg || fmt.Sprint(l["applied"]) != want.applied ||
			fmt.Sprint(l["restart_required"]) != want.restart || l["config.path"] != "conf.json" {
			t.Errorf("line %d: %v, want %+v", i, l, want)
		}
	}
	if !strings.Contains(fmt.Sprint(lines[2]["error"]), "line 3") {
		t.Errorf("error line: %v", lines[2])
	}
}

// mustBuild builds c, closing the pipeline when the test ends.
func mustBuild(t *testing.T, c pipeline.Config) *pipeline.Pipeline {
	t.Helper()
	p, err := c.Build()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(context.Background()) })
	return p
}

// TestPrettyFormat: "format": "pretty" writes the development format,
// with the same redaction, directly and through the async writer; wrong
// settings are refused with the setting's name.
func TestPrettyFormat(t *testing.T) {
	for _, viaAsync := range []bool{false, true} {
		path := filepath.Join(t.TempDir(), "dev.log")
		c, err := pipeline.Parse([]byte(`{"service": "svc", "output": {"path": "` + path + `", "format": "pretty",
			"pretty": {"color": "never", "location": "UTC"}, "async": null}, "sampling": null, "sampling_report": "-1s"}`))
		if err != nil {
			t.Fatal(err)
		}
		if viaAsync {
			c.Output.Async = &async.Config{}
		}
		p := mustBuild(t, c)
		p.Logger.InfoContext(tracectx.NewRoot(context.Background()), "order placed", "order_id", 1042, "password", "hunter2")
		if err := p.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		line := string(b)
		if !regexp.MustCompile(`^\d\d:\d\d:\d\d\.\d{3} INFO  order placed  order_id=1042 password=\[REDACTED\] trace=[0-9a-f]{8}\n$`).MatchString(line) {
			t.Errorf("async %v: pretty line %q", viaAsync, line)
		}
	}
	for _, tc := range []struct{ file, want string }{
		{`{"output": {"format": "text"}}`, `output.format "text"`},
		{`{"output": {"pretty": {"color": "never"}}}`, `output.pretty is set, but output.format is "json"`},
	} {
		if _, err := pipeline.Parse([]byte(tc.file)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.file, err, tc.want)
		}
	}
	c := pipeline.DevelopmentConfig("svc")
	c.Output.Pretty = &pretty.Config{Location: "Mars/Olympus"}
	if _, err := c.Build(); err == nil || !strings.Contains(err.Error(), `output.pretty: location "Mars/Olympus"`) {
		t.Errorf("bad pretty location: %v", err)
	}
}

// TestDevelopment: the development pipeline logs DEBUG in the pretty
// format, synchronously, with nothing sampled out, redaction on.
func TestDevelopment(t *testing.T) {
	c := pipeline.DevelopmentConfig("svc")
	if c.Output.Format != pipeline.FormatPretty || c.Output.Path != "stderr" || c.Output.Async != nil || c.Sampling != nil || !c.AddSource || c.NoRedaction {
		t.Errorf("development config %+v", c)
	}
	p, err := pipeline.Development("svc")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(context.Background())
	if !p.Logger.Enabled(context.Background(), slog.LevelDebug) || p.Redact == nil || p.Async != nil {
		t.Errorf("development pipeline: %+v", p)
	}
}
