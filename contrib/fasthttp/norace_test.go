//go:build !race

package logweavefasthttp

const raceEnabled = false
