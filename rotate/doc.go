// Package rotate writes a log file that rotates itself by size, by time
// (every interval or at set times of day in a time zone) or both, keeps
// gzipped backups under a retention policy, and survives what happens to
// log files in production: logrotate moving them (Reopen, or a periodic
// check of the path), someone deleting them, a full disk.
//
// A File is an io.WriteCloser: give it to logweave.New, slog.NewJSONHandler
// or an async.Writer. Each Write is one record and lands whole in one file.
//
//	f, err := rotate.Open("/var/log/app/app.log", rotate.Options{
//		MaxSize:    100 << 20,         // 100 MiB
//		At:         []string{"00:00"}, // and every midnight, local time
//		MaxBackups: 14,
//	})
//	if err != nil { ... }
//	defer f.Close()
//
// Backups are named app-2026-11-21T10-00-00.000Z.log.gz next to the file
// (see Options.LocalTime); compression happens in a goroutine of the
// File's under a hidden temporary name (.app-….log.gz.tmp), so a .gz is
// always complete, and takes at most a share of the processors
// (Options.CompressCPU), so that it does not slow the service. The package uses the standard library only.
package rotate
