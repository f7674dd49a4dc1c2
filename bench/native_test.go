package bench

import (
	"io"
	"testing"

	plog "github.com/phuslu/log"
	"github.com/rs/zerolog"
	"go.uber.org/zap"
)

// nativeScenario is one of the BenchmarkNative calls; the calls themselves
// live in each nativeCase because every native API is different.
type nativeScenario struct {
	name string
	// disabled and attrs mean the same as in scenario.
	disabled, attrs bool
}

// nativeScenarios are the BenchmarkCore scenarios that have a native
// equivalent; Attrs10 stands for Attrs10LogAttrs (typed fields).
var nativeScenarios = []nativeScenario{
	{name: "Msg"},
	{name: "Attrs10", attrs: true},
	{name: "With10", attrs: true},
	{name: "Disabled", disabled: true},
}

// nativeCase is one native logger. new returns, for each nativeScenarios
// name, the call to measure, with any With10 logger already built.
type nativeCase struct {
	name string
	new  func(w io.Writer) map[string]func()
}

// natives are the reference loggers of BenchmarkNative, each at Info level,
// writing the same ten values with its own typed API.
var natives = []nativeCase{
	{name: "zap", new: func(w io.Writer) map[string]func() {
		l := zap.New(newZapCore(w))
		lw := l.With(zapFields10...)
		return map[string]func(){
			"Msg":      func() { l.Info(msg) },
			"Attrs10":  func() { l.Info(msg, zapFields10...) },
			"With10":   func() { lw.Info(msg) },
			"Disabled": func() { l.Debug(msg, zapFields10...) },
		}
	}},
	{name: "zerolog", new: func(w io.Writer) map[string]func() {
		l := zerolog.New(w).Level(zerolog.InfoLevel).With().Timestamp().Logger()
		lw := l.With().EmbedObject(zerologVals{}).Logger()
		return map[string]func(){
			"Msg":      func() { l.Info().Msg(msg) },
			"Attrs10":  func() { zerologFields(l.Info()).Msg(msg) },
			"With10":   func() { lw.Info().Msg(msg) },
			"Disabled": func() { zerologFields(l.Debug()).Msg(msg) },
		}
	}},
	{name: "phuslu", new: func(w io.Writer) map[string]func() {
		l := plog.Logger{Level: plog.InfoLevel, Writer: plog.IOWriter{Writer: w}}
		lw := l
		lw.Context = phusluFields(plog.NewContext(nil)).Value()
		return map[string]func(){
			"Msg":      func() { l.Info().Msg(msg) },
			"Attrs10":  func() { phusluFields(l.Info()).Msg(msg) },
			"With10":   func() { lw.Info().Msg(msg) },
			"Disabled": func() { phusluFields(l.Debug()).Msg(msg) },
		}
	}},
}

// zerologFields adds vals to a zerolog event with zerolog's typed methods.
func zerologFields(e *zerolog.Event) *zerolog.Event {
	return e.Str(attrKeys[0], vals.method).
		Int(attrKeys[1], vals.status).
		Int64(attrKeys[2], vals.bytes).
		Float64(attrKeys[3], vals.ratio).
		Bool(attrKeys[4], vals.cached).
		Dur(attrKeys[5], vals.elapsed).
		Time(attrKeys[6], vals.started).
		Uint64(attrKeys[7], vals.seq).
		Str(attrKeys[8], vals.path).
		Str(attrKeys[9], vals.userAgent)
}

// zerologVals lets zerolog's With context reuse zerologFields, since a
// zerolog.Context has the same methods as an Event but another type.
type zerologVals struct{}

// MarshalZerologObject writes vals into the logger context or event e.
func (zerologVals) MarshalZerologObject(e *zerolog.Event) { zerologFields(e) }

// BenchmarkNative is the reference point for BenchmarkCore: the same
// records written through each logger's own API, without slog in between.
// It uses the handler= key too, so the same benchstat command lays it out.
func BenchmarkNative(b *testing.B) {
	for _, sc := range nativeScenarios {
		for _, nc := range natives {
			b.Run("scenario="+sc.name+"/handler="+nc.name, func(b *testing.B) {
				w := &countingWriter{}
				log := nc.new(w)[sc.name]
				b.ReportAllocs()
				for b.Loop() {
					log()
				}
				checkWritten(b, w, !sc.disabled)
			})
		}
	}
}
