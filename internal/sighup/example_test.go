package sighup_test

import (
	"fmt"
	"os"
	"syscall"

	"github.com/logweave/logweave/internal/sighup"
)

func ExampleWatch() {
	reloaded := make(chan struct{})
	stop := sighup.Watch(func() { reloaded <- struct{}{} })
	defer stop()
	_ = syscall.Kill(os.Getpid(), syscall.SIGHUP) // what `kill -HUP <pid>` does
	<-reloaded
	fmt.Println("reloaded")
	// Output: reloaded
}
