//go:build !race

package logweavefiberv3

const raceEnabled = false
