// Package units gives the value types that the configuration file forms
// of logweave's stages share: Size, a number of bytes written as "100MiB",
// and Duration, a time.Duration written as "10s". Each stage's Config
// (rotate.Config, async.Config, sample.Config) and the pipeline's file
// use them, so that every setting of one kind reads the same way.
package units
