// Command dcsim is a hardware/software co-design tool for compressing deep
// convolutional networks: pruning, weight sharing and a sparse accelerator
// simulator. See README.md.
package main

import (
	"os"

	"github.com/dcsim/dcsim/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
