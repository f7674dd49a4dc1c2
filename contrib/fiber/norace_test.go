//go:build !race

package logweavefiber

const raceEnabled = false
