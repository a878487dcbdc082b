// Command render-service renders Helm charts as `helm template` does, on the Helm library in one
// long-lived process: a chart renders in milliseconds instead of paying a Go start-up per exec.
//
// Protocol: one JSON request per line on stdin, one JSON response per line on stdout, matched by id;
// requests run concurrently, so responses may come out of order. The process exits when stdin closes.
// `render-service --version` prints the Helm library version it was built with.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
)

const helmModule = "helm.sh/helm/v4"

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--version" {
		fmt.Println(helmVersion())
		return
	}
	// Helm logs warnings (deprecated charts, ...) through slog; stdout carries only responses.
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	if err := serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "render-service: %v\n", err)
		os.Exit(1)
	}
}

func helmVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == helmModule {
				return dep.Version
			}
		}
	}
	return "unknown"
}

// serve reads requests until EOF, rendering at most one per CPU at a time, and writes each response as
// one line.
func serve(in io.Reader, out io.Writer) error {
	var writeMu sync.Mutex
	enc := json.NewEncoder(out)
	write := func(r response) {
		writeMu.Lock()
		defer writeMu.Unlock()
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(os.Stderr, "render-service: writing response %s: %v\n", r.ID, err)
			os.Exit(1)
		}
	}

	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 64*1024), 64*1024*1024)
	for scanner.Scan() {
		var req request
		if err := json.Unmarshal(scanner.Bytes(), &req); err != nil {
			write(response{ID: req.ID, Error: fmt.Sprintf("invalid request line: %v", err)})
			continue
		}
		slots <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			write(respond(req))
		}()
	}
	wg.Wait()
	return scanner.Err()
}

// respond renders one request; a panic in a template function becomes that request's error rather
// than ending the service and every other render in flight.
func respond(req request) (res response) {
	res.ID = req.ID
	defer func() {
		if p := recover(); p != nil {
			res = response{ID: req.ID, Error: fmt.Sprintf("render panicked: %v", p)}
		}
	}()
	manifest, err := render(req)
	if err != nil {
		return response{ID: req.ID, Error: err.Error()}
	}
	return response{ID: req.ID, Manifest: manifest}
}
