// Package sample decides, before a record costs anything to encode,
// whether it is written: a Policy of ordered rules that never loses an
// error by default, keeps or drops a trace's records together, limits
// each message's bursts, and keeps only warnings and errors while the
// outputs are overloaded.
//
// A decision (Policy.Keep) takes no lock and allocates nothing: the rules
// are a compiled, immutable value behind an atomic pointer, swapped whole
// by Policy.Update; burst counts live in a fixed-size table of atomic
// counters, so memory does not grow with the number of distinct messages;
// the kept and dropped counts are spread over cache-line-padded shards so
// that cores do not queue on one counter.
//
// Sampling is never silent: drops are counted by rule (Policy.Stats, and
// Policy.AppendCounters for stats exporters), and Policy.Report writes a
// periodic "sampled out N records in the last 10s" line. ReloadOnSIGHUP
// reloads the rules and the level from a settings file.
//
// This package does not import the logweave handler; the handler calls
// Keep.
package sample
