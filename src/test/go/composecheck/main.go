// composecheck loads a compose file with compose-go, the loader docker compose itself uses, and
// prints the resolved model as JSON (what `docker compose config --format json` prints).
//
//	go run . path/to/docker-compose.yml > model.json
//
// Loading runs the compose specification's JSON schema validation, interpolation of ${VAR:-default}
// (from the variables given with -env only, plus a .env beside the file, so the result does not
// depend on the caller's shell), normalization and the consistency checks (unknown services in
// depends_on, undefined volumes/configs/networks, dependency cycles). Any problem exits 1 with the
// loader's message on stderr.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	var env multi
	flag.Var(&env, "env", "KEY=VALUE to interpolate with (repeatable); the OS environment is not used")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: composecheck [-env KEY=VALUE]... docker-compose.yml")
		os.Exit(2)
	}
	path, err := filepath.Abs(flag.Arg(0))
	if err != nil {
		fail(err)
	}
	options, err := cli.NewProjectOptions(
		[]string{path},
		cli.WithWorkingDirectory(filepath.Dir(path)),
		cli.WithEnv(env),
		cli.WithDotEnv,
		cli.WithInterpolation(true),
		cli.WithNormalization(true),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		fail(err)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fail(err)
	}
	out, err := project.MarshalJSON()
	if err != nil {
		fail(err)
	}
	os.Stdout.Write(out)
	fmt.Println()
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "composecheck:", err)
	os.Exit(1)
}

type multi []string

func (m *multi) String() string { return strings.Join(*m, ",") }

func (m *multi) Set(v string) error {
	*m = append(*m, v)
	return nil
}
