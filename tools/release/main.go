package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	root := flag.String("root", ".", "the repository's top directory, holding go.work and versions.txt")
	proxy := flag.String("proxy", "", "also write the train as a module proxy into this directory (GOPROXY=file://DIR)")
	flag.Parse()
	if err := run(*root, *proxy); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

func run(root, proxy string) error {
	root, err := filepath.Abs(root)
	if err != nil {
		return err
	}
	t, err := readTrain(filepath.Join(root, "versions.txt"))
	if err != nil {
		return err
	}
	mods, err := workspaceModules(root)
	if err != nil {
		return err
	}
	if errs := check(root, t, mods); len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(os.Stderr, e)
		}
		return errCheck
	}
	if proxy != "" {
		if err := writeProxy(root, proxy, t); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %d modules to %s\n", len(t), proxy)
	}
	fmt.Println("# dry run: the train agrees; to release, run")
	for _, tg := range tags(t) {
		fmt.Printf("git tag %s && git push origin %s\n", tg, tg)
	}
	return nil
}
